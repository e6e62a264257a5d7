package dev.reckon.report;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What reaches a terminal from data (job and charter names, users, states, reasons) is shown, never obeyed: control
 * characters become visible, in caret notation ({@code ESC} is {@code ^[}, a carriage return {@code ^M}, {@code DEL}
 * {@code ^?}), and the C1 controls and the bidirectional overrides that reorder a line become {@code \u009b},
 * {@code \u202e}. Line feeds and tabs pass where text keeps its lines; a carriage return passes only as part of a
 * CRLF line end (an iCalendar file written to standard output).
 *
 * <p>{@link #visible} escapes one string (a table's cell); {@link #guard} wraps a whole output stream, the door's
 * last line of defence for every line it prints.
 */
public final class Terminal {

    private Terminal() {
    }

    /** The text with every control character shown; line feeds and tabs kept when {@code keepLines}. */
    public static String visible(String s, boolean keepLines) {
        if (s == null) return "";
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = replacement(c, keepLines);
            if (r == null) {
                if (b != null) b.append(c);
                continue;
            }
            if (b == null) b = new StringBuilder(s.length() + 8).append(s, 0, i);
            b.append(r);
        }
        return b == null ? s : b.toString();
    }

    /** What shows the character, or null when it is shown as itself. */
    private static String replacement(char c, boolean keepLines) {
        if (c < 0x20) {
            if (keepLines && (c == '\n' || c == '\t')) return null;
            return "^" + (char) (c + 64);
        }
        if (c == 0x7f) return "^?";
        if (c >= 0x80 && c <= 0x9f || isBidiControl(c)) return String.format("\\u%04x", (int) c);
        return null;
    }

    private static boolean isBidiControl(int c) {
        return c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069;
    }

    /**
     * A stream that prints through {@code out} with every control character shown (as {@link #visible} with lines
     * kept; CRLF passes whole). Call {@link PrintStream#close()} or {@link #finish} to write a byte held back at the
     * end; closing does not close {@code out}.
     */
    public static PrintStream guard(PrintStream out) {
        return new PrintStream(new Guard(out), true, StandardCharsets.UTF_8);
    }

    /** Writes what a guarded stream still holds back (a lone carriage return at the very end), and flushes. */
    public static void finish(PrintStream guarded) {
        guarded.close();
    }

    /** The byte-level filter: UTF-8 in, UTF-8 out, holding back at most the start of one character. */
    private static final class Guard extends FilterOutputStream {
        private final int[] held = new int[3];
        private int n;
        private boolean closed;

        Guard(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            b &= 0xff;
            if (n > 0) {
                held[n++] = b;
                resolve();
                return;
            }
            if (b == '\r' || b == 0xc2 || b == 0xe2) {
                held[n++] = b;
                return;
            }
            emit(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int end = off + len;
            int i = off;
            while (i < end) {
                if (n > 0) {
                    write(b[i++]);
                    continue;
                }
                // a run of bytes that need no look: passed on whole
                int s = i;
                while (i < end && plain(b[i])) i++;
                if (i > s) out.write(b, s, i - s);
                if (i < end) write(b[i++]);
            }
        }

        /** Whether a byte goes out as it is, whatever follows: not a control, DEL, CR, nor the start of C1 or U+2xxx. */
        private static boolean plain(byte x) {
            return PLAIN[x & 0xff];
        }

        private static final boolean[] PLAIN = new boolean[256];

        static {
            for (int b = 0; b < 256; b++) {
                PLAIN[b] = b >= 0x20 ? b != 0x7f && b != 0xc2 && b != 0xe2 : b == '\n' || b == '\t';
            }
        }

        private void resolve() throws IOException {
            int first = held[0];
            if (first == '\r') {
                int next = held[1];
                n = 0;
                if (next == '\n') {
                    out.write('\r');
                    out.write('\n');
                } else {
                    ascii("^M");
                    write(next);
                }
            } else if (first == 0xc2) {
                int next = held[1];
                n = 0;
                if (next >= 0x80 && next <= 0x9f) {
                    ascii(String.format("\\u%04x", next));
                } else {
                    out.write(first);
                    write(next);
                }
            } else {
                // 0xe2: the bidirectional controls are E2 80 AA..AE and E2 81 A6..A9
                if (n == 2) {
                    if (held[1] == 0x80 || held[1] == 0x81) return;
                    n = 0;
                    out.write(first);
                    write(held[1]);
                    return;
                }
                n = 0;
                int cp = ((first & 0x0f) << 12) | ((held[1] & 0x3f) << 6) | (held[2] & 0x3f);
                if (isBidiControl(cp)) {
                    ascii(String.format("\\u%04x", cp));
                } else {
                    out.write(first);
                    out.write(held[1]);
                    write(held[2]);
                }
            }
        }

        private void emit(int b) throws IOException {
            if (b < 0x20 && b != '\n' && b != '\t') ascii("^" + (char) (b + 64));
            else if (b == 0x7f) ascii("^?");
            else out.write(b);
        }

        private void ascii(String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.US_ASCII));
        }

        private void drain() throws IOException {
            int k = n;
            n = 0;
            for (int i = 0; i < k; i++) {
                if (held[i] == '\r') ascii("^M");
                else out.write(held[i]);
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) return;
            closed = true;
            drain();
            out.flush();
        }
    }
}
