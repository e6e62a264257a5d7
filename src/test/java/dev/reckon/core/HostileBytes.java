package dev.reckon.core;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile variants of a valid input, for property tests of the readers: bytes that are not UTF-8, control
 * characters, numbers that overflow, long runs (random sizes), lines repeated or cut, the text truncated.
 */
public final class HostileBytes {
    private HostileBytes() {}

    /** The longest message an InputError may carry: one line a person reads. */
    public static final int MAX_MESSAGE = 400;

    private static final byte[][] NOT_UTF8 = {{(byte) 0xFF}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0x80},
            {(byte) 0xE2, (byte) 0x82}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80}};
    private static final String[] OVERFLOWING = {"99999999999999999999", "9223372036854775808", "-9223372036854775809",
            "1e400", "-1e400", "NaN", "Infinity", "2147483648", "4294967296", "0x7fffffff", "1" + "0".repeat(400),
            "18446744073709551616K", "9999999999T", "99999999-23:59:59", "9999999999:00:00", "-1", "-0", "00000000001"};

    /** One change: its kind, where (a fraction of the length), how much, and which variant. */
    public record Mutation(int kind, double at, int size, int variant) {}

    /** Up to {@code max} changes; {@code maxRun} bounds the long runs inserted. */
    public static Arbitrary<List<Mutation>> mutations(int max, int maxRun) {
        Arbitrary<Integer> size = Arbitraries.oneOf(Arbitraries.integers().between(0, 64),
                Arbitraries.integers().between(0, maxRun));
        return Combinators.combine(Arbitraries.integers().between(0, 7), Arbitraries.doubles().between(0, 1), size,
                Arbitraries.integers().between(0, 1000)).as(Mutation::new).list().ofMinSize(1).ofMaxSize(max);
    }

    /** The text with the changes made, in order. */
    public static byte[] apply(String text, List<Mutation> mutations) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        for (Mutation m : mutations) b = apply(b, m);
        return b;
    }

    private static byte[] apply(byte[] b, Mutation m) {
        int at = (int) Math.min(b.length, Math.floor(m.at() * (b.length + 1)));
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + m.size() + 16);
        switch (m.kind()) {
            case 0 -> splice(out, b, at, at, NOT_UTF8[m.variant() % NOT_UTF8.length]);
            case 1 -> { // a control character, or several
                byte[] c = new byte[1 + m.size() % 4];
                for (int i = 0; i < c.length; i++) c[i] = (byte) ((m.variant() + i * 7) % 33 == 32 ? 0x7F : (m.variant() + i * 7) % 32);
                splice(out, b, at, at, c);
            }
            case 2 -> { // the number (or word) at this place replaced by one that overflows
                int s = at, e = at;
                while (s > 0 && isWordByte(b[s - 1])) s--;
                while (e < b.length && isWordByte(b[e])) e++;
                splice(out, b, s, e, OVERFLOWING[m.variant() % OVERFLOWING.length].getBytes(StandardCharsets.UTF_8));
            }
            case 3 -> { // a long run of one character
                byte c = "x9 ,:|{-\"'#".getBytes(StandardCharsets.UTF_8)[m.variant() % 11];
                byte[] run = new byte[m.size()];
                java.util.Arrays.fill(run, c);
                splice(out, b, at, at, run);
            }
            case 4 -> { // the line here repeated
                int s = lineStart(b, at), e = lineEnd(b, at);
                byte[] lineBytes = java.util.Arrays.copyOfRange(b, s, Math.min(b.length, e + 1));
                splice(out, b, s, s, lineBytes);
            }
            case 5 -> splice(out, b, lineStart(b, at), Math.min(b.length, lineEnd(b, at) + 1), new byte[0]); // a line cut
            case 6 -> splice(out, b, at, b.length, new byte[0]); // truncated
            default -> { // a random byte, any value
                splice(out, b, at, Math.min(b.length, at + 1), new byte[]{(byte) m.variant()});
            }
        }
        return out.toByteArray();
    }

    private static boolean isWordByte(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-';
    }

    private static int lineStart(byte[] b, int at) {
        int s = Math.min(at, b.length);
        while (s > 0 && b[s - 1] != '\n') s--;
        return s;
    }

    private static int lineEnd(byte[] b, int at) {
        int e = Math.min(at, b.length);
        while (e < b.length && b[e] != '\n') e++;
        return e;
    }

    private static void splice(ByteArrayOutputStream out, byte[] b, int from, int to, byte[] insert) {
        out.write(b, 0, from);
        out.write(insert, 0, insert.length);
        out.write(b, to, b.length - to);
    }

    /** The error names the file (first) and a line (0: the file as a whole), on one line of at most 400 characters. */
    public static void assertLocated(InputError e, String file) {
        String m = e.getMessage();
        assertTrue(m.startsWith(file + (e.line() > 0 ? ":" + e.line() : "") + ": "), m);
        assertTrue(e.line() >= 0, m);
        assertTrue(m.length() <= MAX_MESSAGE, () -> m.length() + " characters: " + m.substring(0, Math.min(600, m.length())) + "...");
        assertTrue(m.indexOf('\n') < 0 && m.indexOf('\r') < 0, m);
    }
}
