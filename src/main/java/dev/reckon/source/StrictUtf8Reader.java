package dev.reckon.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 decoding that refuses malformed input, and refuses it exactly where it occurs: every character before the
 * bad bytes is handed out first, so a line-counting reader sees the error on the line that holds them (the JDK's
 * InputStreamReader drops the characters decoded in the same chunk, which puts the error lines too early).
 */
final class StrictUtf8Reader extends Reader {
    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
    private boolean eof;
    private boolean flushed;
    private CoderResult pendingError;

    StrictUtf8Reader(InputStream in) {
        this.in = in;
        bytes.flip();
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (pendingError != null) throw new MalformedInputException(pendingError.length());
        CharBuffer out = CharBuffer.wrap(cbuf, off, len);
        while (true) {
            if (flushed) return out.position() == off ? -1 : out.position() - off;
            CoderResult r = decoder.decode(bytes, out, eof);
            if (r.isError()) {
                if (out.position() > off) {
                    pendingError = r;
                    return out.position() - off;
                }
                throw new MalformedInputException(r.length());
            }
            if (r.isOverflow()) return out.position() - off;
            // underflow: need more bytes
            if (eof) {
                CoderResult f = decoder.flush(out);
                if (f.isOverflow()) return out.position() - off;
                flushed = true;
                continue;
            }
            if (out.position() > off && in.available() <= 0) return out.position() - off;
            bytes.compact();
            int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
            if (n < 0) {
                eof = true;
            } else {
                bytes.position(bytes.position() + n);
            }
            bytes.flip();
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
