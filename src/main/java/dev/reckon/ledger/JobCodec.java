package dev.reckon.ledger;

import dev.reckon.model.Job;
import dev.reckon.model.JobState;
import dev.reckon.model.Step;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link Job} maps onto a row of the {@code jobs} table and back. Steps travel as one compact JSON text:
 * an array of positional arrays, one per step, in the order of {@link #STEP_FIELDS}; instants as epoch seconds.
 * The content hash covers every field of the job and its steps, so equal hashes mean an unchanged job.
 */
final class JobCodec {

    /** The columns a job's own fields go to, in binding order. */
    static final String[] JOB_COLUMNS = {
            "cluster", "job_id", "job_id_raw", "job_name", "user_name", "account", "partition_name", "qos", "wckey",
            "job_comment", "state", "exit_code", "submit_s", "start_s", "end_s", "elapsed_s", "timelimit_s",
            "req_cpus", "req_mem_bytes", "alloc_cpus", "alloc_nodes", "alloc_mem_bytes", "alloc_gpus", "total_cpu_s",
            "peak_mem_bytes", "node_list", "steps"};

    /** Columns derived at ingest, bound after {@link #JOB_COLUMNS}. */
    static final String[] DERIVED_COLUMNS = {"id_num", "is_final", "content_hash", "source", "ingest_id"};

    /** The step fields, in the order each step's JSON array holds them. */
    static final String[] STEP_FIELDS = {
            "stepId", "name", "state", "exitCode", "start", "end", "elapsedS", "ntasks", "allocCpus", "allocNodes",
            "totalCpuS", "maxRssBytes", "usageMemBytes", "aveRssBytes", "nodeList"};

    private JobCodec() {
    }

    /** The SELECT list for reading jobs column by column ({@link #read}). */
    static String columnSelectList(boolean withSteps) {
        StringBuilder b = new StringBuilder();
        for (String c : JOB_COLUMNS) {
            if (b.length() > 0) b.append(", ");
            b.append(c.equals("steps") && !withSteps ? "NULL AS steps" : c);
        }
        return b.toString();
    }

    /**
     * The SELECT list for reading jobs packed ({@link #readPacked}): one JSON array of every column but
     * {@code total_cpu_s} and {@code steps}, then those two. Fewer, larger columns read much faster through the
     * SQLite driver; the double stays a column because SQLite prints reals in JSON with 15 digits only.
     */
    static String packedSelectList(boolean withSteps) {
        StringBuilder b = new StringBuilder("json_array(");
        boolean first = true;
        for (String c : JOB_COLUMNS) {
            if (c.equals("total_cpu_s") || c.equals("steps")) continue;
            if (!first) b.append(", ");
            b.append(c);
            first = false;
        }
        return b.append("), total_cpu_s, ").append(withSteps ? "steps" : "NULL").toString();
    }

    /**
     * Binds one job, its derived columns, the source and the ingest id to a column-by-column upsert.
     *
     * @param steps the job's steps as {@link #encodeSteps} wrote them
     * @param h     the job's {@link #hash}
     */
    static void bind(PreparedStatement ps, Job j, String steps, long h, String source, long ingestId)
            throws SQLException {
        int i = 1;
        ps.setString(i++, j.cluster());
        ps.setString(i++, j.jobId());
        str(ps, i++, j.jobIdRaw());
        str(ps, i++, j.name());
        str(ps, i++, j.user());
        str(ps, i++, j.account());
        str(ps, i++, j.partition());
        str(ps, i++, j.qos());
        str(ps, i++, j.wckey());
        str(ps, i++, j.comment());
        str(ps, i++, j.state());
        str(ps, i++, j.exitCode());
        lng(ps, i++, epoch(j.submit()));
        lng(ps, i++, epoch(j.start()));
        lng(ps, i++, epoch(j.end()));
        lng(ps, i++, j.elapsedS());
        lng(ps, i++, j.timelimitS());
        integer(ps, i++, j.reqCpus());
        lng(ps, i++, j.reqMemBytes());
        integer(ps, i++, j.allocCpus());
        integer(ps, i++, j.allocNodes());
        lng(ps, i++, j.allocMemBytes());
        integer(ps, i++, j.allocGpus());
        dbl(ps, i++, j.totalCpuS());
        lng(ps, i++, j.peakMemBytes());
        str(ps, i++, j.nodeList());
        str(ps, i++, steps);
        lng(ps, i++, leadingNumber(j.jobId()));
        ps.setInt(i++, JobState.of(j.state()).isFinal() ? 1 : 0);
        ps.setLong(i++, h);
        ps.setString(i++, source);
        ps.setLong(i, ingestId);
    }

    /** The job in the current row of a result set selected with {@link #columnSelectList(boolean)}. */
    static Job read(ResultSet rs) throws SQLException {
        int i = 1;
        String cluster = rs.getString(i++);
        String jobId = rs.getString(i++);
        String jobIdRaw = rs.getString(i++);
        String name = rs.getString(i++);
        String user = rs.getString(i++);
        String account = rs.getString(i++);
        String partition = rs.getString(i++);
        String qos = rs.getString(i++);
        String wckey = rs.getString(i++);
        String comment = rs.getString(i++);
        String state = rs.getString(i++);
        String exitCode = rs.getString(i++);
        Instant submit = instant(getLong(rs, i++));
        Instant start = instant(getLong(rs, i++));
        Instant end = instant(getLong(rs, i++));
        Long elapsed = getLong(rs, i++);
        Long timelimit = getLong(rs, i++);
        Integer reqCpus = getInt(rs, i++);
        Long reqMem = getLong(rs, i++);
        Integer allocCpus = getInt(rs, i++);
        Integer allocNodes = getInt(rs, i++);
        Long allocMem = getLong(rs, i++);
        Integer allocGpus = getInt(rs, i++);
        Double totalCpu = getDouble(rs, i++);
        Long peakMem = getLong(rs, i++);
        String nodeList = rs.getString(i++);
        String steps = rs.getString(i);
        return new Job(cluster, jobId, jobIdRaw, name, user, account, partition, qos, wckey, comment, state,
                exitCode, submit, start, end, elapsed, timelimit, reqCpus, reqMem, allocCpus, allocNodes, allocMem,
                allocGpus, totalCpu, peakMem, nodeList, decodeSteps(steps, cluster, jobId));
    }

    /** The job in the current row of a result set selected with {@link #packedSelectList(boolean)}. */
    static Job readPacked(ResultSet rs) throws SQLException {
        String row = rs.getString(1);
        Double totalCpu = getDouble(rs, 2);
        String steps = rs.getString(3);
        try {
            JsonCursor p = new JsonCursor(row);
            p.expect('[');
            String cluster = p.nextString();
            String jobId = p.nextString();
            Job j = new Job(cluster, jobId, p.nextString(), p.nextString(), p.nextString(), p.nextString(),
                    p.nextString(), p.nextString(), p.nextString(), p.nextString(), p.nextString(), p.nextString(),
                    instant(p.nextLong()), instant(p.nextLong()), instant(p.nextLong()), p.nextLong(), p.nextLong(),
                    p.nextInt(), p.nextLong(), p.nextInt(), p.nextInt(), p.nextLong(), p.nextInt(),
                    totalCpu, p.nextLong(), p.nextString(), decodeSteps(steps, cluster, jobId));
            p.expect(']');
            return j;
        } catch (RuntimeException e) {
            if (e instanceof LedgerException le) throw le;
            throw new LedgerException("a job in the ledger is damaged: " + LedgerException.oneLine(e.getMessage()));
        }
    }

    // ---- steps as JSON ----

    /** The steps as a compact JSON array of arrays; {@code null} for no steps. */
    static String encodeSteps(List<Step> steps) {
        if (steps.isEmpty()) return null;
        return appendSteps(new StringBuilder(120 * steps.size()), steps).toString();
    }

    /** Appends the steps as {@link #encodeSteps} writes them, or {@code null} for none. */
    private static StringBuilder appendSteps(StringBuilder b, List<Step> steps) {
        if (steps.isEmpty()) return b.append("null");
        b.append('[');
        for (int k = 0; k < steps.size(); k++) {
            Step s = steps.get(k);
            if (k > 0) b.append(',');
            b.append('[');
            jsonStr(b, s.stepId()).append(',');
            jsonStr(b, s.name()).append(',');
            jsonStr(b, s.state()).append(',');
            jsonStr(b, s.exitCode()).append(',');
            jsonNum(b, epoch(s.start())).append(',');
            jsonNum(b, epoch(s.end())).append(',');
            jsonNum(b, s.elapsedS()).append(',');
            jsonNum(b, s.ntasks()).append(',');
            jsonNum(b, s.allocCpus()).append(',');
            jsonNum(b, s.allocNodes()).append(',');
            jsonDbl(b, s.totalCpuS()).append(',');
            jsonNum(b, s.maxRssBytes()).append(',');
            jsonNum(b, s.usageMemBytes()).append(',');
            jsonNum(b, s.aveRssBytes()).append(',');
            jsonStr(b, s.nodeList());
            b.append(']');
        }
        return b.append(']');
    }

    /** The steps from {@link #encodeSteps}; the cluster and job id only name the job if the text is damaged. */
    static List<Step> decodeSteps(String text, String cluster, String jobId) {
        if (text == null || text.isEmpty()) return List.of();
        try {
            JsonCursor p = new JsonCursor(text);
            List<Step> out = new ArrayList<>(4);
            p.expect('[');
            while (p.take('[')) {
                out.add(new Step(
                        p.nextString(), p.nextString(), p.nextString(), p.nextString(),
                        instant(p.nextLong()), instant(p.nextLong()), p.nextLong(),
                        p.nextInt(), p.nextInt(), p.nextInt(), p.nextDouble(),
                        p.nextLong(), p.nextLong(), p.nextLong(), p.nextString()));
                p.expect(']');
            }
            p.expect(']');
            if (!p.atEnd()) throw new IllegalStateException("text after the steps");
            return out;
        } catch (RuntimeException e) {
            throw new LedgerException("the steps of job " + jobId + " (cluster " + cluster
                    + ") in the ledger are damaged: " + LedgerException.oneLine(e.getMessage()));
        }
    }

    private static StringBuilder jsonStr(StringBuilder b, String s) {
        if (s == null) return b.append("null");
        b.append('"');
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        b.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"');
    }

    private static StringBuilder jsonNum(StringBuilder b, Number n) {
        return n == null ? b.append("null") : b.append(n.longValue());
    }

    private static StringBuilder jsonDbl(StringBuilder b, Double d) {
        if (d == null || d.isNaN() || d.isInfinite()) return b.append("null");
        return b.append(d.doubleValue());
    }

    // ---- the content hash ----

    private static final long PRIME = 0x100000001b3L;
    private static final long NULL_MARK = 0x9e3779b97f4a7c15L;

    /** A 64-bit hash of every field of the job; {@code steps} is the job's steps as {@link #encodeSteps} wrote them. */
    static long hash(Job j, String steps) {
        long h = 0xcbf29ce484222325L;
        h = mix(h, j.cluster());
        h = mix(h, j.jobId());
        h = mix(h, j.jobIdRaw());
        h = mix(h, j.name());
        h = mix(h, j.user());
        h = mix(h, j.account());
        h = mix(h, j.partition());
        h = mix(h, j.qos());
        h = mix(h, j.wckey());
        h = mix(h, j.comment());
        h = mix(h, j.state());
        h = mix(h, j.exitCode());
        h = mix(h, epoch(j.submit()));
        h = mix(h, epoch(j.start()));
        h = mix(h, epoch(j.end()));
        h = mix(h, j.elapsedS());
        h = mix(h, j.timelimitS());
        h = mix(h, j.reqCpus() == null ? null : (long) j.reqCpus());
        h = mix(h, j.reqMemBytes());
        h = mix(h, j.allocCpus() == null ? null : (long) j.allocCpus());
        h = mix(h, j.allocNodes() == null ? null : (long) j.allocNodes());
        h = mix(h, j.allocMemBytes());
        h = mix(h, j.allocGpus() == null ? null : (long) j.allocGpus());
        h = mix(h, j.totalCpuS() == null ? null : Double.doubleToLongBits(j.totalCpuS()));
        h = mix(h, j.peakMemBytes());
        h = mix(h, j.nodeList());
        h = mix(h, steps);
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    /** Folds in a string: FNV-1a over its UTF-16 units in two interleaved lanes, then its length. */
    private static long mix(long h, String s) {
        if (s == null) return (h ^ NULL_MARK) * PRIME;
        long h1 = h;
        long h2 = ~h;
        int n = s.length();
        int k = 0;
        for (; k + 1 < n; k += 2) {
            h1 = (h1 ^ s.charAt(k)) * PRIME;
            h2 = (h2 ^ s.charAt(k + 1)) * PRIME;
        }
        if (k < n) h1 = (h1 ^ s.charAt(k)) * PRIME;
        return ((h1 ^ Long.rotateLeft(h2, 29)) ^ (n + 1L)) * PRIME;
    }

    private static long mix(long h, Long v) {
        if (v == null) return (h ^ NULL_MARK) * PRIME;
        long x = v * 0xbf58476d1ce4e5b9L;
        x ^= x >>> 31;
        return (h ^ x ^ 0x5bd1e995L) * PRIME;
    }

    // ---- small conversions ----

    /** The number a job id starts with ({@code 123} for {@code "123_4"}), for natural ordering; null if none. */
    static Long leadingNumber(String id) {
        int n = 0;
        while (n < id.length() && n < 18 && Character.isDigit(id.charAt(n))) n++;
        if (n == 0) return null;
        return Long.parseLong(id, 0, n, 10);
    }

    static Long epoch(Instant t) {
        return t == null ? null : t.getEpochSecond();
    }

    static Instant instant(Long s) {
        return s == null ? null : Instant.ofEpochSecond(s);
    }

    private static void str(PreparedStatement ps, int i, String v) throws SQLException {
        if (v == null) ps.setNull(i, Types.VARCHAR); else ps.setString(i, v);
    }

    private static void lng(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) ps.setNull(i, Types.BIGINT); else ps.setLong(i, v);
    }

    private static void integer(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) ps.setNull(i, Types.INTEGER); else ps.setInt(i, v);
    }

    private static void dbl(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) ps.setNull(i, Types.DOUBLE); else ps.setDouble(i, v);
    }

    private static Long getLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    private static Integer getInt(ResultSet rs, int i) throws SQLException {
        int v = rs.getInt(i);
        return rs.wasNull() ? null : v;
    }

    private static Double getDouble(ResultSet rs, int i) throws SQLException {
        double v = rs.getDouble(i);
        return rs.wasNull() ? null : v;
    }
}
