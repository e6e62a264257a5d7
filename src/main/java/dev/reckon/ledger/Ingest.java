package dev.reckon.ledger;

import dev.reckon.ledger.Connections.Dialect;
import dev.reckon.model.Job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Bulk ingest: every job of one input, and its marks, in one transaction on one connection; the producer's thread
 * parses while a writer thread binds and executes, and whichever is ahead encodes (see {@link Batcher}). One ingest runs at a time per ledger
 * object (its counts compare the table before and after); readers are not held up on PostgreSQL.
 */
final class Ingest {

    /**
     * Jobs handed to the writer at once. Small, so that the writer binds each job's values soon after the producer
     * made them, while they are still in the processor's caches (a million jobs, medians of four runs: 10.0 s of CPU
     * with 4,000 a chunk, 8.2 s with 250), and so that few jobs are in flight when the young generation is collected
     * (with 5,000 a chunk lived through a collection or two and was copied and promoted: 676 MB peak RSS against
     * 582 MB with 1,000).
     */
    private static final int CHUNK = 250;

    /**
     * Chunks that may wait for the writer. Several, so that neither thread waits for the other while the writer's
     * code is still being compiled, or when one of them is descheduled for a moment: with one, a million jobs in
     * chunks of 250 spent up to 3 s waiting on each side, handing over one by one.
     */
    private static final int WAITING = 16;

    /**
     * Jobs per statement on SQLite. A million jobs: 1 a statement 9.4 s of the writer's CPU, 10 8.4 s, 50 7.5 s (the
     * driver and SQLite alone, the rows encoded before).
     */
    static final int ROWS = 50;

    private final Connections db;
    private final ReentrantLock writing = new ReentrantLock();

    Ingest(Connections db) {
        this.db = db;
    }

    /** Stores every job the producer emits, in one transaction: see {@link Ledger#ingest}. */
    Ledger.IngestReport run(String source, Ledger.Ingestion producer, Map<String, String> marks) {
        writing.lock();
        try {
            return db.call(conn -> {
                Connections.beginWrite(conn);
                try {
                    Ledger.IngestReport r = ingestInTransaction(conn, source, producer, marks);
                    conn.commit();
                    return r;
                } catch (DatabaseFailure e) {
                    Connections.rollback(conn, e.getCause());
                    throw db.fail("cannot store jobs into", e.getCause());
                } catch (SQLException e) {
                    Connections.rollback(conn, e);
                    throw db.fail("cannot store jobs into", e);
                } catch (IOException e) {
                    Connections.rollback(conn, e);
                    throw new UncheckedIOException(e);
                } catch (RuntimeException | Error e) {
                    Connections.rollback(conn, e);
                    throw e;
                } finally {
                    Connections.restoreAutoCommit(conn);
                }
            });
        } catch (SQLException e) {
            throw db.fail("cannot start an ingest into", e);
        } finally {
            writing.unlock();
        }
    }

    private Ledger.IngestReport ingestInTransaction(Connection conn, String source, Ledger.Ingestion producer,
                                                    Map<String, String> marks) throws SQLException, IOException {
        boolean sqlite = db.dialect() == Dialect.SQLITE;
        long started = Instant.now().getEpochSecond();
        long before = count(conn, "SELECT count(*) FROM jobs");
        long ingestId;
        try (PreparedStatement ps = conn.prepareStatement(
                "INSERT INTO ingests (source, started_s) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, source);
            ps.setLong(2, started);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                ingestId = keys.getLong(1);
            }
        }
        // The secondary index on submit time is kept up as rows go in (sacct prints jobs in about submit order, so
        // its entries are appended): dropping it and building it again at the end (a million jobs: 0.25 s, on one
        // core, after the writing) made the ingest about 0.3 s slower since the two cores write while they parse.
        Batcher batcher;
        // On SQLite the source and ingest id go into the statement as literals: two values fewer to bind per job.
        boolean literals = sqlite && source.indexOf('\u0000') < 0;
        // On SQLite, ROWS jobs go into one statement where a chunk has that many left: SQLite's work per statement
        // (its reset, its program's start) and the driver's per step are paid once for them (PostgreSQL's driver
        // makes multi-row inserts of a batch itself).
        try (PreparedStatement up = conn.prepareStatement(upsertSql(literals ? source : null, ingestId, 1));
             PreparedStatement many = sqlite ? conn.prepareStatement(upsertSql(literals ? source : null, ingestId, ROWS))
                     : null) {
            batcher = new Batcher(up, many, literals ? null : source, ingestId, db.location());
            try {
                producer.run(batcher);
                batcher.finish();
            } finally {
                batcher.stop();
            }
        }
        // a ledger empty before holds no range row but this input's own: none to remove, no table scan to look
        long ghosts = before == 0 ? 0 : removeGhostRanges(conn, batcher.arrays);
        long after = count(conn, "SELECT count(*) FROM jobs") + ghosts;
        // Rows inserted or changed: the sum of the upsert's counts (one that changes nothing counts 0), exact unless
        // the driver gives no counts or a job may have come twice in different chunks (it would count twice).
        long touched = batcher.countsExact() ? batcher.touched
                : count(conn, "SELECT count(*) FROM jobs WHERE ingest_id = " + ingestId);
        long inserted = after - before;
        long updated = touched - inserted;
        long unchanged = batcher.read - touched;
        try (PreparedStatement ps = conn.prepareStatement("UPDATE ingests SET finished_s = ?, read_count = ?, "
                + "inserted_count = ?, updated_count = ?, unchanged_count = ? WHERE id = ?")) {
            ps.setLong(1, Instant.now().getEpochSecond());
            ps.setLong(2, batcher.read);
            ps.setLong(3, inserted);
            ps.setLong(4, updated);
            ps.setLong(5, unchanged);
            ps.setLong(6, ingestId);
            ps.executeUpdate();
        }
        Marks.write(conn, marks);
        return new Ledger.IngestReport(batcher.read, inserted, updated, unchanged);
    }

    /**
     * Removes the pending range rows of job arrays ({@code 96_[1-4]}) that this input replaced: for every array the
     * input mentions, a pending range row stored before and absent from this input is gone from the scheduler's view
     * (its tasks started, or a smaller range is pending now). Returns how many were removed.
     */
    private static long removeGhostRanges(Connection conn, Map<String, java.util.Set<String>> arrays) throws SQLException {
        if (arrays.isEmpty()) return 0;
        long removed = 0;
        // one pass over the pending range rows for the whole input (a LIKE per array cannot use the key's index, so a
        // query per array scanned every job once per array: hours for a million jobs with their arrays)
        List<String[]> stale = new ArrayList<>();
        try (PreparedStatement find = conn.prepareStatement(
                "SELECT cluster, job_id FROM jobs WHERE state = 'PENDING' AND job_id LIKE '%[%'");
             ResultSet rs = find.executeQuery()) {
            while (rs.next()) {
                String cluster = rs.getString(1), id = rs.getString(2);
                int cut = id.indexOf("_[");
                if (cut <= 0) continue;
                java.util.Set<String> seen = arrays.get(cluster + "\u0000" + id.substring(0, cut));
                if (seen != null && !seen.contains(id)) stale.add(new String[]{cluster, id});
            }
        }
        try (PreparedStatement del = conn.prepareStatement("DELETE FROM jobs WHERE cluster = ? AND job_id = ?")) {
            for (String[] x : stale) {
                del.setString(1, x[0]);
                del.setString(2, x[1]);
                removed += del.executeUpdate();
            }
        }
        return removed;
    }

    /** Jobs handed to the writer, each with its doc and steps texts (the i-th texts are the i-th job's). */
    private record Chunk(List<Job> jobs, String[] docs, String[] steps) {}

    private static final Chunk END = new Chunk(List.of(), new String[0], new String[0]);

    /**
     * Takes the producer's jobs and writes them in chunks of JDBC batches (PostgreSQL's driver rewrites them into
     * multi-row inserts). The producer's thread checks each job and encodes its texts as it comes, while one writer
     * thread looks for repeated jobs, hashes, binds and executes the chunks before: the two cores parse and write at
     * once, and at most {@link #WAITING} + 2 chunks are in memory. The texts are encoded where the job was just made:
     * on the writer, later, reading the job's fields missed the processor's caches, and cost twice as much (a million
     * jobs: about 0.8 s of CPU more in all). A job repeated within a chunk is written once, as last seen (PostgreSQL
     * refuses to upsert one row twice in one statement).
     */
    private static final class Batcher implements Consumer<Job> {
        private final PreparedStatement up;
        /** The source to bind with each job, or null where the upsert holds it (and the ingest id) as literals. */
        private final String source;
        private final long ingestId;
        /** The ledger, for messages. */
        private final String location;
        private final BlockingQueue<Chunk> handoff = new ArrayBlockingQueue<>(WAITING);
        /** Encodes on the producer's thread. */
        private final JobCodec.Encoder encoder = new JobCodec.Encoder();
        private final Thread writer;
        private volatile SQLException failure;
        private volatile boolean stopping;
        private List<Job> chunk = new ArrayList<>(CHUNK);
        private String[] docs = new String[CHUNK];
        private String[] steps = new String[CHUNK];
        /** The key hashes of the jobs written so far (the writer's). */
        private final LongSet handed = new LongSet();
        /** Whether a job may have come in two different chunks (its key hash was written before; the writer's). */
        private boolean maybeRepeated;
        /** Whether the driver gave no row counts for some batch. */
        private volatile boolean countsUnknown;
        long read;
        /** The sum of the upsert's row counts (written by the writer thread, read after it ended). */
        volatile long touched;

        /** The upsert of {@link #ROWS} jobs at once, or null to write each with {@link #up}. */
        private final PreparedStatement many;

        Batcher(PreparedStatement up, PreparedStatement many, String source, long ingestId, String location) {
            this.up = up;
            this.many = many;
            this.location = location;
            this.source = source;
            this.ingestId = ingestId;
            this.writer = new Thread(this::write, "reckon-ledger-writer");
            writer.setDaemon(true);
            writer.start();
        }

        @Override
        public void accept(Job j) {
            if (j == null) throw new LedgerException("cannot store a missing job (null)");
            if (j.cluster() == null || j.cluster().isBlank() || j.jobId() == null || j.jobId().isBlank()) {
                throw new LedgerException("cannot store job " + j.jobId() + " of cluster " + j.cluster()
                        + ": a job needs a cluster and a job id");
            }
            read++;
            noteArray(j);
            int i = chunk.size();
            steps[i] = encoder.steps(j);
            docs[i] = encoder.doc(j);
            chunk.add(j);
            if (i + 1 >= CHUNK) hand(false);
        }

        /**
         * The rows of a chunk to write, in order: each job but one whose key comes again later in the chunk (the
         * later one is written). A key written in an earlier chunk (or whose hash collides with one) is noted in
         * {@link #maybeRepeated}.
         */
        private int[] rowsToWrite(List<Job> jobs) {
            int n = jobs.size();
            boolean[] replaced = null;
            for (int i = 0; i < n; i++) {
                Job j = jobs.get(i);
                if (handed.add(JobCodec.keyHash(j.cluster(), j.jobId()))) continue;
                int at = -1;
                for (int k = i - 1; k >= 0 && at < 0; k--) {
                    Job c = jobs.get(k);
                    if ((replaced == null || !replaced[k]) && c.jobId().equals(j.jobId())
                            && c.cluster().equals(j.cluster())) at = k;
                }
                if (at < 0) {
                    maybeRepeated = true;
                } else {
                    if (replaced == null) replaced = new boolean[n];
                    replaced[at] = true;
                }
            }
            int[] rows = new int[n];
            int w = 0;
            for (int i = 0; i < n; i++) if (replaced == null || !replaced[i]) rows[w++] = i;
            return w == n ? rows : java.util.Arrays.copyOf(rows, w);
        }

        /** The job arrays this input mentions ({@code cluster NUL base}), each with the range rows it holds. */
        final Map<String, java.util.Set<String>> arrays = new HashMap<>();

        /** The array {@link #noteArray} noted last, and its range rows: an array's tasks mostly come one after another. */
        private String lastArrayCluster, lastArrayId;
        private java.util.Set<String> lastRanges;

        private void noteArray(Job j) {
            String id = j.jobId();
            int u = id.indexOf('_');
            if (u <= 0 || u == id.length() - 1) return;
            java.util.Set<String> ranges;
            if (lastArrayId != null && lastArrayId.length() == u && id.startsWith(lastArrayId)
                    && j.cluster().equals(lastArrayCluster)) {
                ranges = lastRanges;
            } else {
                for (int i = 0; i < u; i++) if (!Character.isDigit(id.charAt(i))) return;
                String base = id.substring(0, u);
                ranges = arrays.computeIfAbsent(j.cluster() + '\u0000' + base, k -> new java.util.HashSet<>());
                lastArrayCluster = j.cluster();
                lastArrayId = base;
                lastRanges = ranges;
            }
            if (id.charAt(u + 1) == '[') ranges.add(id);
        }

        /** Hands the remaining jobs over and waits until everything is written. */
        void finish() throws SQLException {
            hand(true);
            join();
            if (failure != null) throw failure;
        }

        /** Whether {@link #touched} counts each job inserted or changed exactly once (valid after finish). */
        boolean countsExact() {
            return !maybeRepeated && !countsUnknown;
        }

        /** Ends the writer, whatever state the ingest is in; waits until it no longer uses the connection. */
        void stop() {
            if (!writer.isAlive()) return;
            stopping = true;
            handoff.clear();
            handoff.offer(END);
            join();
        }

        private void hand(boolean last) {
            Chunk out = new Chunk(chunk, docs, steps);
            chunk = new ArrayList<>(CHUNK);
            docs = new String[CHUNK];
            steps = new String[CHUNK];
            try {
                if (!out.jobs().isEmpty()) put(out);
                if (last) put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LedgerException("ingest into the ledger " + location + " interrupted");
            }
        }

        private void put(Chunk rows) throws InterruptedException {
            while (!handoff.offer(rows, 50, TimeUnit.MILLISECONDS)) {
                if (failure != null || !writer.isAlive()) break;
            }
            if (failure != null) throw new DatabaseFailure(failure);
        }

        private void join() {
            Connections.joinUninterruptibly(writer);
        }

        /** The chunk's i-th row, hashed. */
        private static JobCodec.Encoded ready(Chunk rows, int i) {
            String doc = rows.docs()[i], steps = rows.steps()[i];
            return new JobCodec.Encoded(rows.jobs().get(i), doc, steps, JobCodec.hash(doc, steps));
        }

        /** The sum plus the batch's row counts; notes a batch without counts. */
        private long add(long sum, int[] counts) {
            for (int c : counts) {
                if (c >= 0) sum += c; else countsUnknown = true;
            }
            return sum;
        }

        /** The writer thread: binds and executes each chunk until the end mark. */
        private void write() {
            try {
                while (!stopping) {
                    Chunk rows = handoff.take();
                    if (rows == END || stopping) return;
                    int[] order = rowsToWrite(rows.jobs());
                    int n = order.length, i = 0;
                    long sum = touched;
                    if (many != null && n >= ROWS) {
                        int width = JobCodec.parameters(source != null);
                        for (; i + ROWS <= n; i += ROWS) {
                            for (int r = 0; r < ROWS; r++) {
                                JobCodec.bind(many, r * width, ready(rows, order[i + r]), source, ingestId);
                            }
                            many.addBatch();
                        }
                        sum = add(sum, many.executeBatch());
                    }
                    if (i < n) {
                        for (; i < n; i++) {
                            JobCodec.bind(up, ready(rows, order[i]), source, ingestId);
                            up.addBatch();
                        }
                        sum = add(sum, up.executeBatch());
                    }
                    touched = sum;
                }
            } catch (SQLException e) {
                failure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure = new SQLException(e.toString(), e);
            }
        }
    }

    /** A database failure inside the sink, carried out of the producer to {@link #run}. */
    private static final class DatabaseFailure extends RuntimeException {
        DatabaseFailure(SQLException cause) {
            super(cause.getMessage(), cause, false, false);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    /**
     * The upsert of {@code rows} jobs. With a source, the source and ingest id are written into it as literals; without, they
     * are parameters like the other columns (see {@link JobCodec#bind}).
     */
    private static String upsertSql(String literalSource, long ingestId, int rows) {
        List<String> cols = List.of(JobCodec.COLUMNS);
        StringJoiner names = new StringJoiner(", ");
        StringJoiner marks = new StringJoiner(", ");
        StringJoiner sets = new StringJoiner(", ");
        for (String c : cols) {
            names.add(c);
            if (literalSource != null && c.equals("source")) {
                marks.add("'" + literalSource.replace("'", "''") + "'");
            } else if (literalSource != null && c.equals("ingest_id")) {
                marks.add(Long.toString(ingestId));
            } else {
                marks.add("?");
            }
            if (!c.equals("cluster") && !c.equals("job_id")) sets.add(c + " = excluded." + c);
        }
        String row = "(" + marks + ")";
        StringJoiner values = new StringJoiner(", ");
        for (int r = 0; r < rows; r++) values.add(row);
        return "INSERT INTO jobs (" + names + ") VALUES " + values + " ON CONFLICT (cluster, job_id) DO UPDATE SET " + sets
                + " WHERE jobs.content_hash <> excluded.content_hash";
    }

    private static long count(Connection conn, String sql) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
