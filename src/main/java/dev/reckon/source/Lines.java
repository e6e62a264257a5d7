package dev.reckon.source;

import java.io.IOException;

/** Lines of an input, each bounded in length: {@link BoundedLines} (of characters) or {@link Utf8Lines} (of bytes). */
public interface Lines {
    /**
     * The next line without its end, or null at the end of the input; {@code lineNo} is the line's number, for
     * errors. Malformed UTF-8 is a {@link java.nio.charset.CharacterCodingException}; a line too long an
     * {@link dev.reckon.core.InputError}.
     */
    String next(long lineNo) throws IOException;
}
