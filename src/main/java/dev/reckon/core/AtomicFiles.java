package dev.reckon.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one way reckon writes a file (a page, a calendar, a charter, a campaign, the gate's scripts): whole or not at
 * all. The text goes to a temporary file in the target's directory ({@code .NAME.RANDOM.tmp}), is forced to disk,
 * and is renamed over the target in one step; the directory is then forced too. A failure at any point (a full disk,
 * a read-only directory, a crash) leaves the old file as it was and removes the temporary file. A file replaced keeps
 * its permissions; a new one gets the usual ones (the umask's), not a temporary file's.
 */
public final class AtomicFiles {

    /** Where the bytes of the temporary file go: the file itself, or (in tests) a channel that fails. */
    interface Sink {
        FileChannel open(Path tmp) throws IOException;
    }

    static Sink sink = tmp -> FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

    private AtomicFiles() {
    }

    /** Writes the text (UTF-8) to the file, replacing it whole or leaving it as it was. */
    public static void write(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8), null, true);
    }

    /** Writes the bytes to the file, replacing it whole or leaving it as it was. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, bytes, null, true);
    }

    /**
     * Writes the text (UTF-8) to the file whole, stamped with this modification time before it appears (for readers
     * that reload a file only when its time moves on, as slurmctld does its Lua scripts).
     */
    public static void write(Path target, String text, FileTime modified) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8), modified, true);
    }

    /**
     * Writes the text (UTF-8) to a file that must not exist yet: it appears whole, or not at all.
     *
     * @throws FileAlreadyExistsException when the file exists (it is left as it was)
     */
    public static void create(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8), null, false);
    }

    private static void write(Path target, byte[] bytes, FileTime modified, boolean replace) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        if (!replace && Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()
                & Long.MAX_VALUE) + ".tmp");
        try {
            try (FileChannel ch = sink.open(tmp)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            if (replace) keepPermissions(file, tmp);
            if (modified != null) Files.setLastModifiedTime(tmp, modified);
            if (replace) {
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } else {
                try {
                    // a link fails when the name exists: no window in which another writer's file is replaced
                    Files.createLink(file, tmp);
                } catch (UnsupportedOperationException | FileSystemException e) {
                    if (e instanceof FileAlreadyExistsException) throw new FileAlreadyExistsException(target.toString());
                    if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        throw new FileAlreadyExistsException(target.toString());
                    }
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            forceDirectory(dir);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the first failure is the one to report
            }
        }
    }

    private static void keepPermissions(Path file, Path tmp) {
        try {
            PosixFileAttributeView old = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (old == null || !Files.exists(file)) return;
            Files.setPosixFilePermissions(tmp, old.readAttributes().permissions());
        } catch (IOException | UnsupportedOperationException notPosix) {
            // the new file keeps the usual permissions
        }
    }

    /**
     * Makes the file readable by everyone (rw-r--r--), where the file system has POSIX permissions; elsewhere, or
     * when the caller may not change them, the umask's permissions stay: a best effort, never a failure.
     */
    public static void readableByAll(Path f) {
        try {
            Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException | UnsupportedOperationException notPosix) {
            // the umask's permissions stay
        }
    }

    /** Forces the directory's entry for the renamed file to disk, where the platform allows (Linux does). */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException cannotOpenDirectory) {
            // not every platform opens a directory; the rename is done either way
        }
    }
}
