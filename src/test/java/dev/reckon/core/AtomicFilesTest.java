package dev.reckon.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every file reckon writes appears whole or not at all: a failure leaves the old file and no temporary file. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    private final AtomicFiles.Sink real = AtomicFiles.sink;

    @AfterEach
    void restore() throws IOException {
        AtomicFiles.sink = real;
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesAndReplacesWholeKeepingPermissions() throws IOException {
        Path f = dir.resolve("page.html");
        AtomicFiles.write(f, "<p>one</p>");
        assertEquals("<p>one</p>", Files.readString(f));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        AtomicFiles.write(f, "<p>two</p>");
        assertEquals("<p>two</p>", Files.readString(f));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(List.of("page.html"), names());
    }

    @Test
    void aStampedFileAppearsWithItsTime() throws IOException {
        Path f = dir.resolve("job_submit.lua");
        FileTime t = FileTime.fromMillis(1_900_000_000_000L);
        AtomicFiles.write(f, "return slurm.SUCCESS", t);
        assertEquals(t, Files.getLastModifiedTime(f));
    }

    @Test
    void aDiskFullMidWayLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "no /dev/full here");
        Path f = dir.resolve("charter.yaml");
        AtomicFiles.write(f, "id: old\n");
        // the temporary file's bytes go through /dev/full: the kernel answers ENOSPC, as a full disk does
        AtomicFiles.sink = tmp -> {
            Files.createFile(tmp);
            return FileChannel.open(Path.of("/dev/full"), StandardOpenOption.WRITE);
        };
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, "id: new\n".repeat(10_000)));
        assertTrue(String.valueOf(e.getMessage()).contains("No space left"), e.toString());
        assertEquals("id: old\n", Files.readString(f));
        assertEquals(List.of("charter.yaml"), names());
    }

    @Test
    void aFailureAfterPartOfTheTextLeavesTheOldFile() throws IOException {
        Path f = dir.resolve("campaign.yaml");
        AtomicFiles.write(f, "version: 1\n");
        AtomicFiles.sink = tmp -> new FailingChannel(FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), 100);
        assertThrows(IOException.class, () -> AtomicFiles.write(f, "version: 2\n".repeat(1000)));
        assertEquals("version: 1\n", Files.readString(f));
        assertEquals(List.of("campaign.yaml"), names());
    }

    @Test
    void aParentThatIsAFileFailsAndLeavesNothing() throws IOException {
        Path notDir = dir.resolve("plain");
        Files.writeString(notDir, "x");
        assertThrows(IOException.class, () -> AtomicFiles.write(notDir.resolve("page.html"), "<p/>"));
        assertEquals("x", Files.readString(notDir));
        assertEquals(List.of("plain"), names());
    }

    @Test
    void aReadOnlyDirectoryFailsAndLeavesTheOldFile() throws IOException {
        Path f = dir.resolve("calendar.ics");
        AtomicFiles.write(f, "BEGIN:VCALENDAR\r\n");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
        assumeTrue(!Files.isWritable(dir), "running as root: permissions are not enforced");
        assertThrows(IOException.class, () -> AtomicFiles.write(f, "other"));
        assertEquals("BEGIN:VCALENDAR\r\n", Files.readString(f));
        assertEquals(List.of("calendar.ics"), names());
    }

    @Test
    void createRefusesAnExistingFileAndLeavesIt() throws IOException {
        Path f = dir.resolve("new.yaml");
        AtomicFiles.create(f, "first\n");
        assertThrows(FileAlreadyExistsException.class, () -> AtomicFiles.create(f, "second\n"));
        assertEquals("first\n", Files.readString(f));
        assertEquals(List.of("new.yaml"), names());
    }

    /** A channel that fails with "No space left on device" once it has taken {@code limit} bytes. */
    private static final class FailingChannel extends FileChannel {
        private final FileChannel inner;
        private long left;

        FailingChannel(FileChannel inner, long limit) {
            this.inner = inner;
            this.left = limit;
        }

        @Override
        public int write(java.nio.ByteBuffer src) throws IOException {
            if (left <= 0) throw new IOException("No space left on device");
            int n = (int) Math.min(left, src.remaining());
            java.nio.ByteBuffer part = src.slice().limit(n);
            int w = inner.write(part);
            src.position(src.position() + w);
            left -= w;
            return w;
        }

        @Override public int read(java.nio.ByteBuffer dst) throws IOException { return inner.read(dst); }
        @Override public long read(java.nio.ByteBuffer[] d, int o, int l) throws IOException { return inner.read(d, o, l); }
        @Override public long write(java.nio.ByteBuffer[] s, int o, int l) throws IOException { throw new IOException("No space left on device"); }
        @Override public long position() throws IOException { return inner.position(); }
        @Override public FileChannel position(long p) throws IOException { inner.position(p); return this; }
        @Override public long size() throws IOException { return inner.size(); }
        @Override public FileChannel truncate(long s) throws IOException { inner.truncate(s); return this; }
        @Override public void force(boolean m) throws IOException { inner.force(m); }
        @Override public long transferTo(long p, long c, java.nio.channels.WritableByteChannel t) throws IOException { return inner.transferTo(p, c, t); }
        @Override public long transferFrom(java.nio.channels.ReadableByteChannel s, long p, long c) throws IOException { return inner.transferFrom(s, p, c); }
        @Override public int read(java.nio.ByteBuffer d, long p) throws IOException { return inner.read(d, p); }
        @Override public int write(java.nio.ByteBuffer s, long p) throws IOException { throw new IOException("No space left on device"); }
        @Override public java.nio.MappedByteBuffer map(MapMode m, long p, long s) throws IOException { return inner.map(m, p, s); }
        @Override public java.nio.channels.FileLock lock(long p, long s, boolean sh) throws IOException { return inner.lock(p, s, sh); }
        @Override public java.nio.channels.FileLock tryLock(long p, long s, boolean sh) throws IOException { return inner.tryLock(p, s, sh); }
        @Override protected void implCloseChannel() throws IOException { inner.close(); }
    }
}
