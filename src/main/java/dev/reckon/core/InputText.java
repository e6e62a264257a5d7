package dev.reckon.core;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** What every reader of a small input file shares: strict UTF-8 with the bad line named, and problems kept short. */
public final class InputText {
    private InputText() {}

    /** The longest problem an {@link InputError} carries, so that its message stays one readable line. */
    public static final int MAX_PROBLEM = 300;

    /**
     * A problem of at most {@link #MAX_PROBLEM} characters: a longer one (a value quoted whole) keeps its start and
     * its end, which says what is wrong, with "..." between.
     */
    public static String problem(String p) {
        if (p == null || p.length() <= MAX_PROBLEM) return p;
        return p.substring(0, 200) + "..." + p.substring(p.length() - (MAX_PROBLEM - 203));
    }

    /**
     * The bytes as UTF-8 text; bytes that are not UTF-8 are an {@link InputError} naming {@code file} and the line
     * they are on.
     */
    public static String utf8(byte[] bytes, String file) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return d.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            // find the first bad byte: decode growing prefixes would be quadratic; count lines up to the failure
            ByteBuffer in = ByteBuffer.wrap(bytes);
            java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
            d.reset();
            d.decode(in, out, true);
            long line = 1;
            for (int i = 0; i < in.position(); i++) if (bytes[i] == '\n') line++;
            throw new InputError(file, line, null, "is not valid UTF-8 (malformed bytes on this line)");
        }
    }
}
