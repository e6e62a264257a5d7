package dev.reckon.source.swf;

import dev.reckon.model.Job;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Reads a large uncompressed trace on every core, handing its jobs on in file order on the caller's thread, exactly
 * as {@link SwfReader#read(Path, java.util.function.Consumer)} would one line after another: the file is cut into
 * blocks at line ends, each block's job lines are parsed on a worker, and the caller takes the blocks in order. At
 * most a few blocks are in flight, so memory does not grow with the trace.
 *
 * <p>The lines up to the first job line are read by the caller, as is everything from a header line met after it
 * (a comment in the middle of a trace changes nothing, but the reader's state is only ever changed in file order), a
 * line too long to fit a block, and any bad line: its error is the one the sequential reading gives, after the
 * jobs before it were handed on.
 */
final class SwfBlocks {
    /** Files smaller than this are read on one thread: the workers would cost more than they save. */
    static final long MIN_SIZE = 2L << 20;
    private final SwfReader reader;
    private final Path file;
    private final int first;
    private final int block;

    SwfBlocks(SwfReader reader, Path file) {
        this(reader, file, 8 << 10, 512 << 10);
    }

    /** @param first the first block's size (read on the caller's thread); {@code block} each later block's */
    SwfBlocks(SwfReader reader, Path file, int first, int block) {
        this.reader = reader;
        this.file = file;
        this.first = first;
        this.block = block;
    }

    /** Whether {@code p} is worth reading in blocks: a large file that is not gzip-compressed, on more than one core. */
    static boolean worthIt(Path p) throws IOException {
        if (Runtime.getRuntime().availableProcessors() < 2 || !Files.isRegularFile(p) || Files.size(p) < MIN_SIZE) {
            return false;
        }
        try (InputStream in = Files.newInputStream(p)) {
            return !(in.read() == 0x1f && in.read() == 0x8b);
        }
    }

    /** A block sent to a worker: its bytes and the worker's jobs. */
    private record Sent(byte[] bytes, int length, Future<Parsed> parsed) {}

    /**
     * A worker's jobs, where it stopped ({@code length} when it read the whole block) and how many lines it read
     * up to there.
     */
    private record Parsed(List<Job> jobs, int stoppedAt, long lines) {}

    /** The lines of the file handed on so far (the blocks are counted by their workers, in file order here). */
    private long lines;

    void read(Consumer<Job> sink) throws IOException {
        reader.start(file.toString());
        int workers = Math.min(Runtime.getRuntime().availableProcessors(), 4);
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "swf-block");
            t.setDaemon(true);
            return t;
        });
        try (InputStream in = Files.newInputStream(file)) {
            ArrayDeque<Sent> inFlight = new ArrayDeque<>();
            byte[] carry = new byte[0];
            boolean eof = false;
            int size = first;
            while (true) {
                // the next block: what was carried over, then more of the file, cut after its last line end
                byte[] buf = Arrays.copyOf(carry, carry.length + size);
                int n = carry.length;
                while (n < buf.length && !eof) {
                    int k = in.read(buf, n, buf.length - n);
                    if (k < 0) eof = true;
                    else n += k;
                }
                int cut = eof ? n : lastLineEnd(buf, n);
                if (cut == 0 && !eof) {
                    // a line longer than a block: from here on, one line after another (it gets the reader's checks)
                    finish(inFlight, sink, new SequenceInputStream(new ByteArrayInputStream(buf, 0, n), in));
                    return;
                }
                carry = Arrays.copyOfRange(buf, cut, n);
                SwfReader worker = reader.forBlock();
                if (worker == null) {
                    // no job line yet (so nothing in flight): this thread reads the block itself, header and all
                    reader.read(new InputStreamReader(new ByteArrayInputStream(buf, 0, cut), StandardCharsets.ISO_8859_1),
                            lines, sink);
                    lines += lineEnds(buf, cut);
                } else if (cut > 0) {
                    byte[] bytes = buf;
                    inFlight.add(new Sent(bytes, cut, pool.submit(() -> {
                        List<Job> jobs = new ArrayList<>(8192);
                        int stopped = worker.jobLines(bytes, cut, jobs);
                        return new Parsed(jobs, stopped, worker.linesRead());
                    })));
                }
                if (eof) {
                    finish(inFlight, sink, InputStream.nullInputStream());
                    return;
                }
                while (inFlight.size() > 2 * workers) {
                    Sent s = inFlight.poll();
                    Parsed p = handOn(s, sink);
                    if (p.stoppedAt() < s.length()) {
                        readOn(s, p.stoppedAt(), inFlight, sink, new SequenceInputStream(new ByteArrayInputStream(carry), in));
                        return;
                    }
                }
                size = block;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Hands on a block's jobs (up to where its worker stopped). */
    private Parsed handOn(Sent s, Consumer<Job> sink) throws IOException {
        Parsed p = parsed(s);
        for (Job j : p.jobs()) sink.accept(j);
        reader.counted(p.jobs().size());
        lines += p.lines();
        return p;
    }

    /**
     * Hands on the blocks in flight in order, then reads {@code tail} (the rest of the file) on this thread.
     */
    private void finish(ArrayDeque<Sent> inFlight, Consumer<Job> sink, InputStream tail) throws IOException {
        while (!inFlight.isEmpty()) {
            Sent s = inFlight.poll();
            Parsed p = handOn(s, sink);
            if (p.stoppedAt() < s.length()) {
                readOn(s, p.stoppedAt(), inFlight, sink, tail);
                return;
            }
        }
        reader.read(new BufferedReader(new InputStreamReader(tail, StandardCharsets.ISO_8859_1), 1 << 16),
                lines, sink);
    }

    /**
     * Reads on this thread, one line after another, from where the worker of {@code stopped} stopped (a header line,
     * or a bad line whose error this reading gives): the rest of that block, the blocks in flight after it, then
     * {@code tail}.
     */
    private void readOn(Sent stopped, int at, ArrayDeque<Sent> inFlight, Consumer<Job> sink, InputStream tail)
            throws IOException {
        List<InputStream> parts = new ArrayList<>();
        parts.add(new ByteArrayInputStream(stopped.bytes(), at, stopped.length() - at));
        for (Sent s : inFlight) parts.add(new ByteArrayInputStream(s.bytes(), 0, s.length()));
        inFlight.clear();
        parts.add(tail);
        InputStream all = new SequenceInputStream(Collections.enumeration(parts));
        reader.read(new BufferedReader(new InputStreamReader(all, StandardCharsets.ISO_8859_1), 1 << 16),
                lines, sink);
    }

    private static Parsed parsed(Sent s) throws IOException {
        try {
            return s.parsed().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while reading the trace");
        } catch (ExecutionException e) {
            // a bad line: the worker's jobs up to it are lost with the exception, so the caller reads the block again
            return new Parsed(List.of(), 0, 0);
        }
    }

    /** The offset just after the last {@code \n} in {@code b[0, n)}, or 0 when there is none. */
    private static int lastLineEnd(byte[] b, int n) {
        for (int i = n - 1; i >= 0; i--) if (b[i] == '\n') return i + 1;
        return 0;
    }

    /** How many lines end in {@code b[0, n)}: at {@code \n}, {@code \r\n} or a lone {@code \r}. */
    private static long lineEnds(byte[] b, int n) {
        long k = 0;
        for (int i = 0; i < n; i++) {
            byte c = b[i];
            if (c == '\n') k++;
            else if (c == '\r' && (i + 1 == n || b[i + 1] != '\n')) k++;
        }
        return k;
    }
}
