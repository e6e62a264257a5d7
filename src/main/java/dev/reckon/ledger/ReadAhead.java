package dev.reckon.ledger;

import dev.reckon.model.Job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An ingest's producer run ahead on a thread of its own: it starts reading and parsing at once, while the ledger is
 * still being opened (creating a new one runs its migrations, most of a second), and then parses while the ingest's
 * thread takes the jobs, checks and encodes them, and its writer writes: three threads in a row instead of two, so
 * that two cores stay busy whichever part is the dearer. The jobs come out as {@link Ledger.Ingestion} in the order the
 * producer made them, a thousand at a time; at most a few thousand wait.
 *
 * <p>A failure of the producer (an {@link dev.reckon.core.InputError} on line 7,001, an I/O error) comes out of
 * {@link #run} after the jobs made before it, unchanged, so the ingest rolls back as it would have. {@link #close}
 * stops the producer if it is still going (the ledger could not be opened, or the ingest failed) and waits for it
 * (a moment at most), so that nothing reads the input after the caller closes it.
 */
public final class ReadAhead implements Ledger.Ingestion, AutoCloseable {

    /** Jobs handed over at once. */
    private static final int BATCH = 1_000;

    /** Batches that may wait: a few thousand jobs. */
    private static final int WAITING = 4;

    /**
     * How long {@link #close} waits for a producer blocked in its input (a terminal or a pipe with nothing to read) to
     * notice; after that the caller closes the input under it, and what it does then is not heard.
     */
    private static final long CLOSE_WAIT_MS = 2_000;

    private static final Object END = new Object();

    /** The producer's failure, handed over in its place in the order. */
    private record Failure(Throwable cause) {}

    /** Thrown into the producer once the ingest is over, to stop it. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super("the ingest stopped", null, false, false);
        }
    }

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(WAITING);
    private final Thread thread;
    private volatile boolean stopped;
    private List<Job> batch = new ArrayList<>(BATCH);
    private boolean taken;

    private ReadAhead(Ledger.Ingestion producer) {
        thread = new Thread(() -> produce(producer), "reckon-reader");
        thread.setDaemon(true);
    }

    /** Starts running the producer. */
    public static ReadAhead start(Ledger.Ingestion producer) {
        ReadAhead r = new ReadAhead(producer);
        r.thread.start();
        return r;
    }

    private void produce(Ledger.Ingestion producer) {
        Object last;
        try {
            producer.run(this::take);
            last = END;
        } catch (Stopped e) {
            return;
        } catch (Throwable e) {
            if (stopped) return;
            last = new Failure(e);
        }
        try {
            if (!batch.isEmpty()) put(batch);   // the jobs made before the end, or before the failure
            put(last);
        } catch (Stopped e) {
            // nobody takes them any more
        }
    }

    private void take(Job j) {
        if (stopped) throw new Stopped();
        batch.add(j);
        if (batch.size() >= BATCH) {
            put(batch);
            batch = new ArrayList<>(BATCH);
        }
    }

    private void put(Object o) {
        try {
            while (!queue.offer(o, 50, TimeUnit.MILLISECONDS)) {
                if (stopped) throw new Stopped();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        }
    }

    /** Hands every job the producer makes to the sink, in order, then its failure if it failed. Once only. */
    @Override
    @SuppressWarnings("unchecked")
    public void run(Consumer<Job> sink) throws IOException {
        if (taken) throw new IllegalStateException("the jobs read ahead were taken already");
        taken = true;
        while (true) {
            Object o;
            try {
                o = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LedgerException("ingest interrupted");
            }
            if (o == END) return;
            if (o instanceof Failure f) {
                Throwable t = f.cause();
                if (t instanceof IOException io) throw io;
                if (t instanceof RuntimeException re) throw re;
                if (t instanceof Error err) throw err;
                throw new UncheckedIOException(new IOException(t));
            }
            for (Job j : (List<Job>) o) sink.accept(j);
        }
    }

    /** Stops the producer if it is still going, and waits until it no longer reads. */
    @Override
    public void close() {
        stopped = true;
        queue.clear();
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
        while (thread.isAlive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) break;
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                interrupted = true;
            }
            queue.clear();
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
