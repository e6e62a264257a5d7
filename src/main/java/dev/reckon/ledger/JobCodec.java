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
 * How a {@link Job} maps onto a row of the {@code jobs} table and back. Every field of the job but its steps travels
 * in {@code doc}, one compact JSON array: the version of its form ({@link #VERSION}), then the fields in the order of
 * {@link #DOC_FIELDS}; the steps travel in {@code steps}: an array of the version, then one positional array per step
 * in the order of {@link #STEP_FIELDS}. Instants are epoch seconds; doubles are written so that they read back
 * exactly. Besides, a row keeps as columns what queries filter or order on ({@link #COLUMNS}); a job is read back from
 * doc and steps alone. Few columns matter: the SQLite driver's cost is per column, and a packed row writes about twice
 * as fast and reads several times faster.
 *
 * <p>Versions (see docs/ledger.md, "The stored form"):
 * <ul>
 * <li>0 (reckon 0.1.0): no version element; the texts start with the job's cluster and with the first step's array.
 * <li>1: the version first, then the fields of version 0 in the same order. Fields added later are appended at the
 *     end of {@link #DOC_FIELDS} or {@link #STEP_FIELDS} and need no new version: a reader takes what a text holds,
 *     reads a field the text lacks as unknown (null), and skips fields it does not know (written by a newer reckon).
 *     A change that is not an append (a field removed, moved or given another meaning) takes a new version and a
 *     reader of its own, keeping the readers of the older ones.
 * </ul>
 * The content hash covers every field of the job and its steps but not the version element (it hashes the texts as
 * version 0 wrote them), so equal hashes mean an unchanged job, whichever version stored it.
 */
final class JobCodec {

    /** The columns of a job row, in binding order: filtered or ordered on, derived at ingest, then doc and steps. */
    static final String[] COLUMNS = {
            "cluster", "job_id", "user_name", "account", "partition_name", "state", "submit_s", "end_s",
            "id_num", "is_final", "content_hash", "source", "ingest_id", "doc", "steps"};

    /** The version of the stored form this build writes; it reads this one and every older one. */
    static final int VERSION = 1;

    /** The job fields, in the order the {@code doc} array holds them after its version. */
    static final String[] DOC_FIELDS = {
            "cluster", "jobId", "user", "account", "partition", "state", "submit", "end", "jobIdRaw", "name", "qos", "wckey", "comment", "exitCode", "start", "elapsedS", "timelimitS", "reqCpus",
            "reqMemBytes", "allocCpus", "allocNodes", "allocMemBytes", "allocGpus", "totalCpuS", "peakMemBytes",
            "nodeList", "gpuUtil", "gpuMemPeakBytes"};

    /** The step fields, in the order each step's JSON array holds them. */
    static final String[] STEP_FIELDS = {
            "stepId", "name", "state", "exitCode", "start", "end", "elapsedS", "ntasks", "allocCpus", "allocNodes",
            "totalCpuS", "maxRssBytes", "usageMemBytes", "aveRssBytes", "nodeList"};

    /** A job ready to bind: its doc and steps encoded and its content hashed (on the producer's thread). */
    record Encoded(Job job, String doc, String steps, long hash) {
    }

    private JobCodec() {
    }

    /** Encodes a job's doc and steps and hashes its contents. */
    static Encoded encode(Job j) {
        String steps = encodeSteps(j.steps());
        String doc = encodeDoc(j);
        return new Encoded(j, doc, steps, hash(doc, steps));
    }

    /**
     * Encodes jobs as {@link JobCodec#encode} does, into one text buffer used again for every job (a bulk ingest
     * encodes millions: no buffer grown and thrown away per job). One per thread.
     */
    static final class Encoder {
        private StringBuilder b = new StringBuilder(4096);

        Encoded encode(Job j) {
            String steps = steps(j);
            String doc = doc(j);
            return new Encoded(j, doc, steps, hash(doc, steps));
        }

        /** The job's doc text, as {@link JobCodec#encodeDoc} writes it. */
        String doc(Job j) {
            return text(appendDoc(buffer(), j));
        }

        /** The job's steps text, as {@link JobCodec#encodeSteps} writes it (null for none). */
        String steps(Job j) {
            return j.steps().isEmpty() ? null : text(appendSteps(buffer(), j.steps()));
        }

        private StringBuilder buffer() {
            b.setLength(0);
            return b;
        }

        /** The buffer's text; a buffer that grew large or holds wide characters (kept wide once) is replaced. */
        private String text(StringBuilder t) {
            String s = t.toString();
            if (t.capacity() > 1 << 20 || s.length() > 0 && !latin1(s)) b = new StringBuilder(4096);
            return s;
        }

        private static boolean latin1(String s) {
            for (int k = 0; k < s.length(); k++) if (s.charAt(k) > 0xff) return false;
            return true;
        }
    }

    /** The content hash of a job's doc and steps texts, the same for every version of the stored form. */
    static long hash(String doc, String steps) {
        long h = 0xcbf29ce484222325L;
        h = mixBody(h, doc);
        h = mixBody(h, steps);
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    /** The version, then the fields of {@link #DOC_FIELDS}, as one compact JSON array. */
    static String encodeDoc(Job j) {
        return appendDoc(new StringBuilder(240), j).toString();
    }

    private static StringBuilder appendDoc(StringBuilder b, Job j) {
        b.append('[').append(VERSION).append(',');
        jsonStr(b, j.cluster()).append(',');
        jsonStr(b, j.jobId()).append(',');
        jsonStr(b, j.user()).append(',');
        jsonStr(b, j.account()).append(',');
        jsonStr(b, j.partition()).append(',');
        jsonStr(b, j.state()).append(',');
        jsonTime(b, j.submit()).append(',');
        jsonTime(b, j.end()).append(',');
        jsonStr(b, j.jobIdRaw()).append(',');
        jsonStr(b, j.name()).append(',');
        jsonStr(b, j.qos()).append(',');
        jsonStr(b, j.wckey()).append(',');
        jsonStr(b, j.comment()).append(',');
        jsonStr(b, j.exitCode()).append(',');
        jsonTime(b, j.start()).append(',');
        jsonNum(b, j.elapsedS()).append(',');
        jsonNum(b, j.timelimitS()).append(',');
        jsonNum(b, j.reqCpus()).append(',');
        jsonNum(b, j.reqMemBytes()).append(',');
        jsonNum(b, j.allocCpus()).append(',');
        jsonNum(b, j.allocNodes()).append(',');
        jsonNum(b, j.allocMemBytes()).append(',');
        jsonNum(b, j.allocGpus()).append(',');
        jsonDbl(b, j.totalCpuS()).append(',');
        jsonNum(b, j.peakMemBytes()).append(',');
        jsonStr(b, j.nodeList());
        // A field added later goes here, written only when known: a job without it keeps its text and its hash.
        if (j.gpuUtil() != null || j.gpuMemPeakBytes() != null) {
            b.append(',');
            jsonDbl(b, j.gpuUtil());
            if (j.gpuMemPeakBytes() != null) jsonNum(b.append(','), j.gpuMemPeakBytes());
        }
        return b.append(']');
    }

    /**
     * Binds one encoded job to an upsert over {@link #COLUMNS}, and the source and ingest id unless the source is
     * {@code null} (then the statement holds them as literals and has two parameters fewer).
     */
    static void bind(PreparedStatement ps, Encoded e, String source, long ingestId) throws SQLException {
        bind(ps, 0, e, source, ingestId);
    }

    /**
     * Binds one encoded job as {@link #bind(PreparedStatement, Encoded, String, long)} does, its first parameter at
     * {@code at + 1}: one row of a statement that inserts several.
     */
    static void bind(PreparedStatement ps, int at, Encoded e, String source, long ingestId) throws SQLException {
        Job j = e.job();
        ps.setString(at + 1, j.cluster());
        ps.setString(at + 2, j.jobId());
        str(ps, at + 3, j.user());
        str(ps, at + 4, j.account());
        str(ps, at + 5, j.partition());
        str(ps, at + 6, j.state());
        time(ps, at + 7, j.submit());
        time(ps, at + 8, j.end());
        lng(ps, at + 9, leadingNumber(j.jobId()));
        ps.setInt(at + 10, JobState.of(j.state()).isFinal() ? 1 : 0);
        ps.setLong(at + 11, e.hash());
        int i = at + 12;
        if (source != null) {
            ps.setString(i++, source);
            ps.setLong(i++, ingestId);
        }
        ps.setString(i++, e.doc());
        str(ps, i, e.steps());
    }

    /** How many parameters {@link #bind} binds for one job: with the source and ingest id, or without. */
    static int parameters(boolean withSource) {
        return COLUMNS.length - (withSource ? 0 : 2);
    }

    /** The SELECT list for {@link #read}: doc, then the steps or NULL. */
    static String selectList(boolean withSteps) {
        return "doc, " + (withSteps ? "steps" : "NULL");
    }

    /** The job in the current row of a result set selected with {@link #selectList(boolean)}. */
    static Job read(ResultSet rs) throws SQLException {
        return decode(rs.getString(1), rs.getString(2));
    }

    /** The job from its doc and steps texts, of any version this build knows. */
    static Job decode(String doc, String steps) {
        String cluster = null;
        String jobId = null;
        try {
            JsonCursor p = new JsonCursor(doc);
            p.expect('[');
            // Version 0 has no version element: it starts with the cluster, a string (never null).
            int version = p.atNumber() ? p.nextInt() : 0;
            if (version > VERSION) throw newer("a job", version);
            // Version 1 holds the fields of version 0 in the same order, after its version.
            cluster = p.nextString();
            jobId = p.nextString();
            String user = p.nextString();
            String account = p.nextString();
            String partition = p.nextString();
            String state = p.nextString();
            Long submit = p.nextLong();
            Long end = p.nextLong();
            return job(p, cluster, jobId, user, account, partition, state, submit, end, steps);
        } catch (RuntimeException e) {
            throw damaged(e, cluster, jobId);
        }
    }

    /** The job whose doc the cursor stands in, just after its first eight fields. */
    private static Job job(JsonCursor p, String cluster, String jobId, String user, String account, String partition,
                           String state, Long submit, Long end, String steps) {
        Job j = new Job(cluster, jobId, p.nextString(), p.nextString(), user, account, partition, p.nextString(),
                p.nextString(), p.nextString(), state, p.nextString(), instant(submit), instant(p.nextLong()),
                instant(end), p.nextLong(), p.nextLong(), p.nextInt(), p.nextLong(), p.nextInt(), p.nextInt(),
                p.nextLong(), p.nextInt(), p.nextDouble(), p.nextLong(), p.nextString(),
                decodeSteps(steps, cluster, jobId), p.more() ? p.nextDouble() : null, p.more() ? p.nextLong() : null);
        // A field added later is read here: p.more() ? p.nextX() : null. What follows, a newer reckon wrote.
        while (p.more()) p.skipValue();
        p.expect(']');
        if (!p.atEnd()) throw new IllegalStateException("text after the job");
        return j;
    }

    private static LedgerException newer(String what, int version) {
        return new LedgerException(what + " in the ledger was stored by a newer reckon (stored form version "
                + version + "; this one reads up to " + VERSION + "): use a newer reckon");
    }

    private static LedgerException damaged(RuntimeException e, String cluster, String jobId) {
        if (e instanceof LedgerException le) return le;
        String which = jobId == null ? "a job" : "job " + jobId + " (cluster " + cluster + ")";
        return new LedgerException(which + " in the ledger is damaged: " + LedgerException.oneLine(e.getMessage()));
    }

    // ---- steps as JSON ----

    /** The steps as a compact JSON array: the version, then one array per step; {@code null} for no steps. */
    static String encodeSteps(List<Step> steps) {
        if (steps.isEmpty()) return null;
        return appendSteps(new StringBuilder(120 * steps.size()), steps).toString();
    }

    /** Appends the steps as {@link #encodeSteps} writes them, or {@code null} for none. */
    private static StringBuilder appendSteps(StringBuilder b, List<Step> steps) {
        if (steps.isEmpty()) return b.append("null");
        b.append('[').append(VERSION);
        // over an array: a loop over the list (one class for one or two steps, another for more) had its hoisted
        // checks fail, and the optimising compiler compiled the parser that inlined this again each time
        for (Object o : steps.toArray()) {
            Step s = (Step) o;
            b.append(",[");
            jsonStr(b, s.stepId()).append(',');
            jsonStr(b, s.name()).append(',');
            jsonStr(b, s.state()).append(',');
            jsonStr(b, s.exitCode()).append(',');
            jsonTime(b, s.start()).append(',');
            jsonTime(b, s.end()).append(',');
            jsonNum(b, s.elapsedS()).append(',');
            jsonNum(b, s.ntasks()).append(',');
            jsonNum(b, s.allocCpus()).append(',');
            jsonNum(b, s.allocNodes()).append(',');
            jsonDbl(b, s.totalCpuS()).append(',');
            jsonNum(b, s.maxRssBytes()).append(',');
            jsonNum(b, s.usageMemBytes()).append(',');
            jsonNum(b, s.aveRssBytes()).append(',');
            jsonStr(b, s.nodeList());
            // A step field added later goes here, written only when known (see encodeDoc).
            b.append(']');
        }
        return b.append(']');
    }

    /**
     * The steps from {@link #encodeSteps}, of any version this build knows; the cluster and job id only name the job
     * if the text is damaged.
     */
    static List<Step> decodeSteps(String text, String cluster, String jobId) {
        if (text == null || text.isEmpty()) return List.of();
        try {
            JsonCursor p = new JsonCursor(text);
            List<Step> out = new ArrayList<>(4);
            p.expect('[');
            // Version 0 has no version element: it starts with the first step's array.
            int version = p.atNumber() ? p.nextInt() : 0;
            if (version > VERSION) throw newer("the steps of job " + jobId + " (cluster " + cluster + ")", version);
            while (p.take('[')) {
                out.add(new Step(
                        p.nextString(), p.nextString(), p.nextString(), p.nextString(),
                        instant(p.nextLong()), instant(p.nextLong()), p.nextLong(),
                        p.nextInt(), p.nextInt(), p.nextInt(), p.nextDouble(),
                        p.nextLong(), p.nextLong(), p.nextLong(), p.nextString()));
                // A step field added later is read here; what follows, a newer reckon wrote.
                while (p.more()) p.skipValue();
                p.expect(']');
            }
            p.expect(']');
            if (!p.atEnd()) throw new IllegalStateException("text after the steps");
            return out;
        } catch (LedgerException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new LedgerException("the steps of job " + jobId + " (cluster " + cluster
                    + ") in the ledger are damaged: " + LedgerException.oneLine(e.getMessage()));
        }
    }

    private static StringBuilder jsonStr(StringBuilder b, String s) {
        if (s == null) return b.append("null");
        b.append('"');
        int n = s.length();
        int plain = 0;
        while (plain < n) {
            char c = s.charAt(plain);
            if (c < 0x20 || c == '"' || c == '\\') break;
            plain++;
        }
        if (plain == n) return b.append(s).append('"');
        b.append(s, 0, plain);
        for (int k = plain; k < n; k++) {
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

    /** An instant as epoch seconds (or null), without boxing them. */
    private static StringBuilder jsonTime(StringBuilder b, Instant t) {
        return t == null ? b.append("null") : b.append(t.getEpochSecond());
    }

    private static StringBuilder jsonNum(StringBuilder b, Number n) {
        return n == null ? b.append("null") : b.append(n.longValue());
    }

    private static StringBuilder jsonDbl(StringBuilder b, Double d) {
        if (d == null || d.isNaN() || d.isInfinite()) return b.append("null");
        double v = d;
        // a whole number (nearly every CPU time sacct prints) as Double.toString writes it, without its general
        // algorithm: the same text, so the same content hash
        if (v >= 1 && v < 1e7 && v == (long) v) return b.append((long) v).append(".0");
        if (Double.doubleToRawLongBits(v) == 0) return b.append("0.0");
        return b.append(v);
    }

    // ---- the content hash ----

    private static final long PRIME = 0x100000001b3L;
    private static final long NULL_MARK = 0x9e3779b97f4a7c15L;

    /** A 64-bit hash of a job's key, cluster and job id. */
    static long keyHash(String cluster, String jobId) {
        long h = mix(mix(0x84222325cbf29ce4L, cluster), jobId);
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /**
     * Folds in a stored text without its version element, as version 0 wrote it: {@code [1,X...} as {@code [X...}
     * (what {@link #mix(long, String)} gives for that text, without making it).
     */
    private static long mixBody(long h, String s) {
        if (s == null || s.length() < 2 || s.charAt(0) != '[') return mix(h, s);
        int from = 1;
        char c = s.charAt(1);
        if (c >= '0' && c <= '9') {
            while (from < s.length() && s.charAt(from) >= '0' && s.charAt(from) <= '9') from++;
            if (from < s.length() && s.charAt(from) == ',') from++;
        }
        if (from == 1) return mix(h, s);
        // The hashed text: '[' then s[from..]; its unit k is s[from + k - 1] for k >= 1.
        long h1 = (h ^ '[') * PRIME;
        long h2 = ~h;
        int n = s.length() - from + 1;
        int k = 1;
        if (n > 1) {
            h2 = (h2 ^ s.charAt(from)) * PRIME;
            k = 2;
        }
        int off = from - 1;
        for (; k + 1 < n; k += 2) {
            h1 = (h1 ^ s.charAt(off + k)) * PRIME;
            h2 = (h2 ^ s.charAt(off + k + 1)) * PRIME;
        }
        if (k < n) h1 = (h1 ^ s.charAt(off + k)) * PRIME;
        return ((h1 ^ Long.rotateLeft(h2, 29)) ^ (n + 1L)) * PRIME;
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

    private static void time(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) ps.setNull(i, Types.BIGINT); else ps.setLong(i, t.getEpochSecond());
    }

    private static void lng(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) ps.setNull(i, Types.BIGINT); else ps.setLong(i, v);
    }

    private static Long getLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

}
