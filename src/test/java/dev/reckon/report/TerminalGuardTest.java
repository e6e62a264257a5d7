package dev.reckon.report;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The guard shows the same text whether the bytes come one at a time or in runs of any length (as JSON's do). */
class TerminalGuardTest {

    @Property(tries = 300)
    void bulkWritesShowWhatBytewiseWritesShow(@ForAll @Size(max = 200) List<Byte> bytes,
                                              @ForAll @Size(max = 20) List<Integer> cuts) {
        byte[] b = new byte[bytes.size()];
        for (int i = 0; i < b.length; i++) b[i] = interesting(bytes.get(i));
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        PrintStream g1 = Terminal.guard(new PrintStream(one, true));
        for (byte x : b) g1.write(x);
        Terminal.finish(g1);
        ByteArrayOutputStream bulk = new ByteArrayOutputStream();
        PrintStream g2 = Terminal.guard(new PrintStream(bulk, true));
        int at = 0;
        for (int c : cuts) {
            int len = Math.min(Math.floorMod(c, 50), b.length - at);
            g2.write(b, at, len);
            at += len;
        }
        g2.write(b, at, b.length - at);
        Terminal.finish(g2);
        assertArrayEquals(one.toByteArray(), bulk.toByteArray());
    }

    /** Mostly the bytes the guard looks at: controls, CR, DEL, the starts and tails of C1 and bidi controls. */
    private static byte interesting(byte x) {
        int[] pick = {'\r', '\n', '\t', 0x1b, 0x7f, 0xc2, 0x85, 0x9b, 0xe2, 0x80, 0x81, 0xaa, 0xae, 0xa6, 'a', 0xc3};
        return (byte) (x >= 0 && x < 64 ? pick[x % pick.length] : x);
    }
}
