package dev.reckon.source;

import dev.reckon.core.InputError;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of UTF-8 bytes, as {@link BoundedLines} gives the lines of a {@link Inputs#strictUtf8} reader, without
 * a character decoder in between: lines are found among the bytes ({@code \n}, {@code \r\n} or a lone {@code \r}
 * end them, bytes that never occur inside a UTF-8 sequence), and a line of ASCII (the usual accounting line) becomes
 * its String in one copy. A line holding other bytes is decoded strictly: malformed UTF-8 is a
 * {@link CharacterCodingException} on the line that holds it. A line longer than the limit (in characters, as
 * BoundedLines counts) is an {@link InputError} quoting its start; at most about three times the limit in bytes is
 * held for it (UTF-8 spends at most three bytes per character).
 */
public final class Utf8Lines implements Lines {
    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private final InputStream in;
    private final String file;
    private final int max;
    private byte[] buf = new byte[1 << 18];
    private int pos, lim;
    private boolean eof;
    private boolean skipLf;
    private CharsetDecoder decoder;

    public Utf8Lines(InputStream in, String file) {
        this(in, file, BoundedLines.MAX_LINE);
    }

    public Utf8Lines(InputStream in, String file, int max) {
        this.in = in;
        this.file = file;
        this.max = max;
    }

    @Override
    public String next(long lineNo) throws IOException {
        while (true) {
            if (pos >= lim && !fill(0)) return null;
            if (skipLf) {
                skipLf = false;
                if (buf[pos] == '\n') {
                    pos++;
                    continue;
                }
            }
            break;
        }
        int scanned = pos;
        while (true) {
            byte[] b = buf;
            int end = lim;
            int i = scanned;
            // eight bytes at a time while none of them is CR or LF (a line of sacct is some 250 bytes): a byte equal to
            // one of them makes its lane of x or y zero, which sets that lane's high bit in the test (a lane above a
            // zero one may be set too, by the borrow: the loop below finds the exact place either way)
            while (i + 8 <= end) {
                long w = (long) LONGS.get(b, i);
                long x = w ^ 0x0A0A0A0A0A0A0A0AL, y = w ^ 0x0D0D0D0D0D0D0D0DL;
                long zeroes = ((x - 0x0101010101010101L) & ~x) | ((y - 0x0101010101010101L) & ~y);
                if ((zeroes & 0x8080808080808080L) != 0) break;
                i += 8;
            }
            while (i < end) {
                byte c = b[i];
                if (c == '\n' || c == '\r') {
                    int from = pos;
                    pos = i + 1;
                    if (c == '\r') skipLf = true;
                    return line(b, from, i - from, lineNo);
                }
                i++;
            }
            int have = lim - pos;
            if (have > max) tooLongPerhaps(lineNo);
            if (!fill(have)) {
                int from = pos;
                pos = lim;
                return line(buf, from, have, lineNo);
            }
            scanned = have;
        }
    }

    /**
     * Reads more bytes after the {@code keep} bytes of the current line (moved to the front of the buffer, which
     * grows when they fill it); false at the end of the input.
     */
    private boolean fill(int keep) throws IOException {
        if (eof) return false;
        if (keep > 0 && pos > 0) System.arraycopy(buf, pos, buf, 0, keep);
        pos = 0;
        lim = keep;
        if (keep == buf.length) buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8, buf.length * 2L));
        while (true) {
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                eof = true;
                return lim > keep;
            }
            if (n > 0) {
                lim += n;
                return true;
            }
        }
    }

    /** A line of more than {@code max} bytes so far: too long when its characters are, too (checked on its end). */
    private void tooLongPerhaps(long lineNo) {
        int have = lim - pos;
        boolean ascii = true;
        for (int k = pos; k < lim && ascii; k++) ascii = buf[k] >= 0;
        if (ascii || have > 3L * max + 3) tooLong(buf, pos, have, lineNo);
    }

    private void tooLong(byte[] b, int from, int len, long lineNo) {
        String start = new String(b, from, Math.min(len, 4 * (BoundedLines.QUOTE + 1)), StandardCharsets.UTF_8);
        if (start.length() > BoundedLines.QUOTE + 1) start = start.substring(0, BoundedLines.QUOTE + 1);
        throw new InputError(file, lineNo, null, "the line is longer than " + max + " characters (it starts \""
                + BoundedLines.quote(start) + "\"): not read");
    }

    private String line(byte[] b, int from, int len, long lineNo) throws CharacterCodingException {
        // ASCII (and only ASCII) decodes to one character per byte with no replacement character
        String s = new String(b, from, len, StandardCharsets.UTF_8);
        if (s.length() == len && s.indexOf('\uFFFD') < 0) {
            if (len > max) tooLong(b, from, len, lineNo);
            return s;
        }
        if (decoder == null) {
            decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        String strict = decoder.decode(ByteBuffer.wrap(b, from, len)).toString();
        if (strict.length() > max) tooLong(b, from, len, lineNo);
        return strict;
    }
}
