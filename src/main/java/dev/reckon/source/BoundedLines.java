package dev.reckon.source;

import dev.reckon.core.InputError;

import java.io.IOException;
import java.io.Reader;

/**
 * Lines of a reader, each at most {@link #MAX_LINE} characters: a longer line is an {@link InputError} naming the file
 * and line and quoting the line's first {@value #QUOTE} characters, found after reading at most that many characters
 * of it (memory stays bounded whatever the input). Lines end at {@code \n}, {@code \r\n} or a lone {@code \r}, as
 * {@link java.io.BufferedReader#readLine} has them.
 */
public final class BoundedLines implements Lines {
    /** The longest line read: 16 Mi characters. */
    public static final int MAX_LINE = 16 << 20;
    /** How many characters of a bad value a message quotes at most. */
    public static final int QUOTE = 200;

    private final Reader in;
    private final String file;
    private final int max;
    private final char[] buf = new char[1 << 16];
    private int pos, lim;
    private boolean skipLf;
    private final StringBuilder sb = new StringBuilder();

    public BoundedLines(Reader in, String file) {
        this(in, file, MAX_LINE);
    }

    public BoundedLines(Reader in, String file, int max) {
        this.in = in;
        this.file = file;
        this.max = max;
    }

    /** The next line without its end, or null at the end of the input; {@code lineNo} is the line's number, for errors. */
    @Override
    public String next(long lineNo) throws IOException {
        sb.setLength(0);
        boolean any = false;
        while (true) {
            if (pos >= lim) {
                lim = in.read(buf, 0, buf.length);
                pos = 0;
                if (lim <= 0) {
                    lim = 0;
                    return any ? sb.toString() : null;
                }
            }
            if (skipLf) {
                skipLf = false;
                if (buf[pos] == '\n') {
                    pos++;
                    continue;
                }
            }
            any = true;
            int start = pos;
            while (pos < lim) {
                char c = buf[pos];
                if (c == '\n' || c == '\r') {
                    append(start, pos, lineNo);
                    pos++;
                    if (c == '\r') skipLf = true;
                    return sb.toString();
                }
                pos++;
            }
            append(start, pos, lineNo);
        }
    }

    private void append(int from, int to, long lineNo) {
        if (sb.length() + (to - from) > max) {
            sb.append(buf, from, Math.min(to - from, Math.max(0, QUOTE - sb.length())));
            throw new InputError(file, lineNo, null, "the line is longer than " + max + " characters (it starts \""
                    + quote(sb) + "\"): not read");
        }
        sb.append(buf, from, to - from);
    }

    /** A problem kept to one readable line: {@link dev.reckon.core.InputText#problem}. */
    public static String problem(String p) {
        return dev.reckon.core.InputText.problem(p);
    }

    /** At most {@link #QUOTE} characters of a value, with "..." and its length when cut. */
    public static String quote(CharSequence s) {
        if (s.length() <= QUOTE) return s.toString();
        return s.subSequence(0, QUOTE) + "...";
    }
}
