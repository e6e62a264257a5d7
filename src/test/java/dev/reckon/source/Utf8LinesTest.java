package dev.reckon.source;

import dev.reckon.core.InputError;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lines read from bytes are the lines BoundedLines reads from the same bytes decoded, errors on the same line. */
class Utf8LinesTest {

    /** Every line, and then what stopped the reading: "END", or the error's class and line. */
    private static List<String> lines(Lines l) {
        List<String> out = new ArrayList<>();
        long n = 0;
        try {
            String s;
            while ((s = l.next(n + 1)) != null) {
                n++;
                out.add(s);
            }
            out.add("END");
        } catch (CharacterCodingException e) {
            out.add("malformed on line " + (n + 1));
        } catch (InputError e) {
            out.add("too long: line " + e.line());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    private static void readAlike(byte[] bytes, int max) {
        List<String> chars = lines(new BoundedLines(Inputs.strictUtf8(new ByteArrayInputStream(bytes)), "f", max));
        List<String> raw = lines(new Utf8Lines(new ByteArrayInputStream(bytes), "f", max));
        assertEquals(chars, raw);
        // and a stream that hands out one byte at a time
        List<String> trickled = lines(new Utf8Lines(new Trickle(bytes), "f", max));
        assertEquals(chars, trickled);
    }

    private static void readAlike(String text) {
        readAlike(text.getBytes(StandardCharsets.UTF_8), BoundedLines.MAX_LINE);
    }

    @Test
    void lineEndsOfEveryKindEndLinesAsBoundedLinesEndsThem() {
        readAlike("");
        readAlike("a");
        readAlike("a\n");
        readAlike("a\nb");
        readAlike("a\r\nb\r\n");
        readAlike("a\rb\r");
        readAlike("\n\n\r\n\r\r");
        readAlike("a\r\r\nb\n\rc");
        readAlike("\uFEFFJobID|State\n1|COMPLETED\n");
        readAlike("caf\u00e9|\u4e2d\u6587|\uD83D\uDE00\nascii\n");
    }

    /** Line ends anywhere among eight-byte words, beside bytes one off CR and LF, read as BoundedLines reads them. */
    @net.jqwik.api.Property(tries = 500)
    void lineEndsAnywhereInAWordEndLinesAsBoundedLinesEndsThem(
            @net.jqwik.api.ForAll("lineishBytes") byte[] bytes) {
        readAlike(bytes, BoundedLines.MAX_LINE);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<byte[]> lineishBytes() {
        // CR, LF, their neighbours and a borrow's (0x00, 0x09, 0x0B, 0x0C, 0x0E, 0x8A, 0x8D as parts of UTF-8 or not)
        return net.jqwik.api.Arbitraries.of((byte) 'a', (byte) '|', (byte) '\n', (byte) '\r', (byte) 0, (byte) 0x09,
                (byte) 0x0b, (byte) 0x0c, (byte) 0x0e, (byte) 0x01, (byte) 0xc3, (byte) 0xa9, (byte) 0x8a, (byte) 0x8d)
                .array(byte[].class).ofMaxSize(80);
    }

    @Test
    void linesLongerThanTheBufferAreWhole() {
        String big = "x".repeat(700_000);
        readAlike(big + "\n" + big + "\u00e9\r\n" + "y\n" + big);
    }

    @Test
    void malformedUtf8IsRefusedOnTheLineThatHoldsIt() {
        byte[] good = "one\ntwo\nthree\n".getBytes(StandardCharsets.US_ASCII);
        for (int at = 0; at < good.length; at++) {
            for (int bad : new int[]{0x80, 0xC3, 0xE2, 0xFF}) {
                byte[] b = good.clone();
                b[at] = (byte) bad;
                readAlike(b, BoundedLines.MAX_LINE);
            }
        }
        readAlike(new byte[]{'a', '\n', (byte) 0xE2, (byte) 0x82}, BoundedLines.MAX_LINE); // cut at the end
        List<String> l = lines(new Utf8Lines(new ByteArrayInputStream(new byte[]{'a', '\n', 'b', (byte) 0xC3, '\n'}), "f"));
        assertEquals(List.of("a", "malformed on line 2"), l);
    }

    @Test
    void aLineLongerThanTheLimitIsRefusedOnItsLine() {
        readAlike("short\n0123456789abc\nrest\n".getBytes(StandardCharsets.UTF_8), 10);
        readAlike("short\n0123456789\n".getBytes(StandardCharsets.UTF_8), 10);
        // ten characters of two bytes each are not too long; eleven are
        readAlike(("\u00e9".repeat(10) + "\n" + "\u00e9".repeat(11) + "\n").getBytes(StandardCharsets.UTF_8), 10);
        InputError e = assertThrows(InputError.class, () -> {
            Utf8Lines u = new Utf8Lines(new ByteArrayInputStream(("ok\n" + "z".repeat(500)).getBytes(StandardCharsets.UTF_8)), "t.txt", 100);
            u.next(1);
            u.next(2);
        });
        assertTrue(e.getMessage().startsWith("t.txt:2: the line is longer than 100 characters (it starts \"zzz"), e.getMessage());
        assertTrue(e.getMessage().length() < 400, e.getMessage());
    }

    /** A stream that reads one byte per call. */
    private static final class Trickle extends InputStream {
        private final byte[] b;
        private int at;

        Trickle(byte[] b) {
            this.b = b;
        }

        @Override
        public int read() {
            return at < b.length ? b[at++] & 0xff : -1;
        }

        @Override
        public int read(byte[] out, int off, int len) {
            if (len == 0) return 0;
            if (at >= b.length) return -1;
            out[off] = b[at++];
            return 1;
        }
    }
}
