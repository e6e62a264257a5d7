package dev.reckon.source;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Opening input the same way for every reader: UTF-8 decoded strictly (a malformed byte is an error the reader
 * reports with its line, never a silent replacement character), gzip recognised by its magic bytes.
 */
public final class Inputs {
    private Inputs() {}

    /**
     * A reader that fails with {@link java.nio.charset.MalformedInputException} exactly where invalid UTF-8 occurs
     * (the JDK's decoder reads ahead and may fail some lines early), so readers report the right line.
     */
    public static Reader strictUtf8(InputStream in) {
        return new StrictUtf8Reader(in);
    }

    /** Opens a file for reading, gunzipping it when it is gzip-compressed (whatever its name). */
    public static Reader open(Path file) throws IOException {
        return strictUtf8(bytes(file));
    }

    /** The file's bytes, gunzipped on the fly when they are gzip-compressed (recognised by the magic bytes). */
    public static InputStream bytes(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            raw.mark(2);
            int b1 = raw.read();
            int b2 = raw.read();
            raw.reset();
            return (b1 == 0x1f && b2 == 0x8b) ? new GZIPInputStream(raw, 1 << 16) : raw;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }
}
