package dev.reckon.ledger;

import dev.reckon.ledger.Connections.Dialect;
import dev.reckon.model.Job;
import dev.reckon.model.JobState;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Reading jobs: by query (streamed), by id, the members of an array, where an incremental re-read starts. */
final class JobStore {
    private final Connections db;

    JobStore(Connections db) {
        this.db = db;
    }

    /** Hands each job the query selects to {@code each}, in order, reading as it goes: see {@link Ledger#forEachJob}. */
    void forEach(JobQuery q, Consumer<Job> each) {
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT ").append(JobCodec.selectList(q.withSteps())).append(" FROM jobs");
        String where = where(q, args);
        if (!where.isEmpty()) sql.append(" WHERE ").append(where);
        sql.append(" ORDER BY ").append(order());
        if (q.limit() != null) {
            sql.append(" LIMIT ?");
            args.add((long) q.limit());
        }
        boolean cursor = db.dialect() == Dialect.POSTGRESQL;
        boolean ahead = db.dialect() == Dialect.SQLITE && (q.limit() == null || q.limit() > ROWS_READ_INLINE);
        try {
            db.call(c -> {
                // PostgreSQL streams rows (a cursor) only inside a transaction, read-only here and rolled back.
                if (cursor) c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                    if (cursor) ps.setFetchSize(2_000);
                    for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
                    try (ResultSet rs = ps.executeQuery()) {
                        if (ahead) {
                            readAhead(rs, q.withSteps(), each);
                        } else {
                            while (rs.next()) each.accept(JobCodec.read(rs));
                        }
                    }
                } finally {
                    if (cursor) {
                        Connections.rollback(c, null);
                        Connections.restoreAutoCommit(c);
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw db.fail("cannot read jobs from", e);
        }
    }

    /** Up to this many rows, a read is done on the caller's thread alone. */
    private static final int ROWS_READ_INLINE = 10_000;

    /** Rows a read-ahead thread hands over at a time. */
    private static final int READ_CHUNK = 1_000;

    private static final String[] NO_MORE_ROWS = new String[0];

    /**
     * Reads the rows' texts (doc and steps) on a second thread while the caller's thread decodes them and hands the jobs
     * on: fetching the texts from SQLite and decoding them take about as long each. At most a few chunks of texts are
     * in memory. The caller's thread returns only once the reader no longer uses the connection.
     */
    private static void readAhead(ResultSet rs, boolean withSteps, Consumer<Job> each) throws SQLException {
        // Each chunk is either texts (String[], doc and steps by turns) for the caller to decode, or jobs (Job[])
        // the reader decoded itself because the caller was behind: the two threads share the decoding.
        BlockingQueue<Object[]> queue = new ArrayBlockingQueue<>(4);
        Exception[] failure = new Exception[1];
        boolean[] stop = new boolean[1];
        Thread reader = new Thread(() -> {
            try {
                boolean more = true;
                while (more && !stopped(stop)) {
                    String[] texts = new String[2 * READ_CHUNK];
                    int n = 0;
                    while (n < texts.length && (more = rs.next())) {
                        texts[n++] = rs.getString(1);
                        texts[n++] = withSteps ? rs.getString(2) : null;
                    }
                    if (n == 0) break;
                    if (queue.size() >= 2) {
                        Job[] jobs = new Job[n / 2];
                        for (int i = 0; i < n; i += 2) jobs[i / 2] = JobCodec.decode(texts[i], texts[i + 1]);
                        offer(queue, jobs, stop);
                    } else {
                        offer(queue, n == texts.length ? texts : java.util.Arrays.copyOf(texts, n), stop);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                synchronized (failure) {
                    failure[0] = e;
                }
            } finally {
                offer(queue, NO_MORE_ROWS, stop);
            }
        }, "reckon-ledger-reader");
        reader.setDaemon(true);
        reader.start();
        boolean done = false;
        try {
            while (true) {
                Object[] chunk = queue.take();
                if (chunk == NO_MORE_ROWS) break;
                if (chunk instanceof Job[] jobs) {
                    for (Job j : jobs) each.accept(j);
                } else {
                    String[] texts = (String[]) chunk;
                    for (int i = 0; i < texts.length; i += 2) each.accept(JobCodec.decode(texts[i], texts[i + 1]));
                }
            }
            done = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerException("reading the ledger interrupted");
        } finally {
            if (!done) {
                synchronized (stop) {
                    stop[0] = true;
                }
                queue.clear();
            }
            Connections.joinUninterruptibly(reader);
        }
        synchronized (failure) {
            if (failure[0] instanceof SQLException e) throw e;
            if (failure[0] instanceof RuntimeException e) throw e;
        }
    }

    private static boolean stopped(boolean[] stop) {
        synchronized (stop) {
            return stop[0];
        }
    }

    /** Puts the texts on the queue, waiting for room unless the read was stopped. */
    private static void offer(BlockingQueue<Object[]> queue, Object[] texts, boolean[] stop) {
        try {
            while (!queue.offer(texts, 20, TimeUnit.MILLISECONDS)) {
                if (stopped(stop)) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String order() {
        // Unknown submit times sort first on both databases (SQLite's own order), so that SQLite walks the
        // submit index and sorts only jobs submitted in the same second by the rest.
        boolean pg = db.dialect() == Dialect.POSTGRESQL;
        String text = pg ? " COLLATE \"C\"" : "";
        String nulls = pg ? " NULLS FIRST" : "";
        return "submit_s" + nulls + ", id_num" + nulls + ", length(job_id), job_id" + text + ", cluster" + text;
    }

    private static String where(JobQuery q, List<Object> args) {
        List<String> clauses = new ArrayList<>();
        in(clauses, args, "user_name", words(q.user(), false));
        in(clauses, args, "account", words(q.account(), false));
        in(clauses, args, "partition_name", words(q.partition(), false));
        in(clauses, args, "cluster", words(q.cluster(), false));
        in(clauses, args, "upper(state)", words(q.state(), true));
        if (q.until() != null) {
            clauses.add("(submit_s IS NULL OR submit_s < ?)");
            args.add(q.until().getEpochSecond());
        }
        if (q.since() != null) {
            clauses.add("(end_s IS NULL OR end_s >= ?)");
            args.add(q.since().getEpochSecond());
        }
        return String.join(" AND ", clauses);
    }

    private static void in(List<String> clauses, List<Object> args, String column, Set<String> values) {
        if (values == null) return;
        if (values.size() == 1) {
            clauses.add(column + " = ?");
        } else {
            clauses.add(column + " IN (" + String.join(", ", java.util.Collections.nCopies(values.size(), "?")) + ")");
        }
        args.addAll(values);
    }

    /** The names of a comma list; for states also the full name an abbreviation stands for. Null: no filter. */
    private static Set<String> words(String list, boolean states) {
        if (list == null || list.isBlank()) return null;
        Set<String> out = new LinkedHashSet<>();
        for (String w : list.split(",")) {
            String t = w.strip();
            if (t.isEmpty()) continue;
            if (states) {
                t = t.toUpperCase(Locale.ROOT);
                out.add(t);
                JobState s = JobState.of(t);
                if (s != JobState.OTHER) out.add(s.name());
            } else {
                out.add(t);
            }
        }
        return out.isEmpty() ? null : out;
    }

    /** The job with this id, with its steps: see {@link Ledger#job}. */
    Optional<Job> job(String jobId, String cluster) {
        String sql = "SELECT " + JobCodec.selectList(true) + " FROM jobs WHERE job_id = ?"
                + (cluster == null ? "" : " AND cluster = ?") + " ORDER BY cluster";
        List<Job> found;
        try {
            found = db.call(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, jobId);
                    if (cluster != null) ps.setString(2, cluster);
                    List<Job> out = new ArrayList<>(1);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) out.add(JobCodec.read(rs));
                    }
                    return out;
                }
            });
        } catch (SQLException e) {
            throw db.fail("cannot read job " + jobId + " from", e);
        }
        if (found.size() > 1) {
            StringJoiner names = new StringJoiner(", ");
            for (Job j : found) names.add(j.cluster());
            throw new LedgerException("job " + jobId + " is in several clusters (" + names + "): name the cluster");
        }
        return found.stream().findFirst();
    }

    /** The jobs that make up an array or heterogeneous job: see {@link Ledger#members}. */
    List<Job> members(String jobId, String cluster) {
        long number;
        try {
            number = Long.parseLong(jobId);
        } catch (NumberFormatException e) {
            return List.of();
        }
        String sql = "SELECT " + JobCodec.selectList(false) + " FROM jobs WHERE id_num = ?"
                + (cluster == null ? "" : " AND cluster = ?");
        try {
            List<Job> found = db.call(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setLong(1, number);
                    if (cluster != null) ps.setString(2, cluster);
                    List<Job> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Job j = JobCodec.read(rs);
                            if (j.jobId().startsWith(jobId + "_") || j.jobId().startsWith(jobId + "+")) out.add(j);
                        }
                    }
                    return out;
                }
            });
            found.sort(Comparator.comparing(Job::cluster).thenComparing(Job::jobId, JobStore::naturalOrder));
            return found;
        } catch (SQLException e) {
            throw db.fail("cannot read the members of job " + jobId + " from", e);
        }
    }

    /** Job ids with their numbers compared as numbers: {@code 9_2 < 9_10}. */
    private static int naturalOrder(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) i++;
                while (j < b.length() && Character.isDigit(b.charAt(j))) j++;
                int c = Integer.compare(i - si, j - sj);
                if (c == 0) c = a.substring(si, i).compareTo(b.substring(sj, j));
                if (c != 0) return c;
            } else {
                if (x != y) return Character.compare(x, y);
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** The earliest submit time of a job in that cluster not yet final: see {@link Ledger#earliestUnfinished}. */
    Optional<Instant> earliestUnfinished(String cluster) {
        try {
            return db.call(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT min(submit_s) FROM jobs WHERE cluster = ? AND is_final = 0")) {
                    ps.setString(1, cluster);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) return Optional.<Instant>empty();
                        long v = rs.getLong(1);
                        return rs.wasNull() ? Optional.<Instant>empty() : Optional.of(Instant.ofEpochSecond(v));
                    }
                }
            });
        } catch (SQLException e) {
            throw db.fail("cannot read from", e);
        }
    }
}
