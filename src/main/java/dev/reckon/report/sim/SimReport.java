package dev.reckon.report.sim;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import dev.reckon.report.Format;
import dev.reckon.core.Json;
import dev.reckon.sim.Dropped;
import dev.reckon.sim.Metrics;
import dev.reckon.sim.SimResult;
import dev.reckon.sim.Workload;
import dev.reckon.sim.parser.Load;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A simulation's terminal summary and its JSON. The JSON is one object, written as it goes (a million jobs never sit
 * in memory as text): {@code policy}, {@code machine}, {@code source}, {@code notes}, {@code jobs} (each with
 * {@code job_id} as the source wrote it, {@code submit}, {@code start}, {@code end} in seconds on the trace's clock,
 * {@code wait}, {@code run}, {@code group}, {@code ended_at_limit}), {@code dropped} (with reasons) and
 * {@code metrics}.
 */
public final class SimReport {
    private SimReport() {}

    /** Every dropped job: the reader's, then those that fit no part of the machine. */
    public static List<Dropped> dropped(SimResult r, Load load) {
        List<Dropped> all = new ArrayList<>();
        if (load != null) all.addAll(load.dropped());
        all.addAll(r.dropped());
        return all;
    }

    /**
     * Writes the JSON object to {@code out} (left open). The metrics are worked out on a second thread while the job
     * rows are written.
     */
    public static void json(SimResult r, Load load, String source, OutputStream out) throws IOException {
        java.util.concurrent.FutureTask<com.fasterxml.jackson.databind.JsonNode> metrics =
                new java.util.concurrent.FutureTask<>(() -> metricsJson(r.metrics()));
        Thread worker = new Thread(metrics, "sim-metrics");
        worker.setDaemon(true);
        worker.start();
        // the head is written with the streaming generator alone: the object mapper's first use (a fifth of a
        // second on a cold JVM) then falls to the metrics' thread, while the rows are written
        JsonGenerator g = FACTORY.createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.setPrettyPrinter(new DefaultPrettyPrinter());
        g.writeStartObject();
        g.writeStringField("policy", r.policy());
        g.writeStringField("source", source);
        g.writeFieldName("machine");
        writeGroups(g, r.machine().groups());
        g.writeArrayFieldStart("notes");
        if (load != null) for (String n : load.notes()) g.writeString(n);
        g.writeEndArray();
        g.writeFieldName("jobs");
        g.writeRawValue("");
        g.flush();
        writeJobs(r, out);
        g.writeFieldName("dropped");
        Json.mapper().writeValue(g, dropped(r, load));
        g.writeFieldName("metrics");
        Json.mapper().writeValue(g, done(metrics));
        g.writeEndObject();
        g.writeRaw('\n');
        g.flush();
    }

    private static final com.fasterxml.jackson.core.JsonFactory FACTORY = new com.fasterxml.jackson.core.JsonFactory();

    /** The machine's node groups as {@link Json#mapper()} writes them (the same keys, in the same order). */
    static void writeGroups(JsonGenerator g, List<dev.reckon.sim.Machine.Group> groups) throws IOException {
        g.writeStartArray();
        for (dev.reckon.sim.Machine.Group m : groups) {
            g.writeStartObject();
            g.writeStringField("name", m.name());
            g.writeNumberField("nodes", m.nodes());
            g.writeNumberField("cores", m.cores());
            g.writeNumberField("mem_bytes", m.memBytes());
            g.writeNumberField("gpus", m.gpus());
            g.writeArrayFieldStart("partitions");
            for (String p : m.partitions()) g.writeString(p);
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static <T> T done(java.util.concurrent.FutureTask<T> task) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the metrics were worked out");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw new IOException(e.getCause());
        }
    }

    /**
     * The {@code jobs} array, laid out as the pretty printer lays out the rest, written straight to {@code out} in
     * 64 KiB pieces as the rows are made: one row per job is the bulk of the output (a million jobs, hundreds of MB),
     * and a generator's call per field would cost more than the simulation itself. Strings go through Jackson's
     * escaper unless they are plain printable ASCII.
     */
    static void writeJobs(SimResult r, OutputStream out) throws IOException {
        Workload w = r.workload();
        byte[][] groups = new byte[r.machine().groups().size()][];
        for (int g = 0; g < groups.length; g++) groups[g] = quoted(r.machine().groups().get(g).name());
        Rows b = new Rows(out);
        boolean first = true;
        b.ascii("[");
        for (int j = 0; j < w.size(); j++) {
            if (!r.ran(j)) continue;
            b.bytes(first ? FIRST_ROW : NEXT_ROW);
            first = false;
            b.string(w.id(j));
            b.bytes(SUBMIT).number(w.submit(j));
            b.bytes(START).number(r.start(j));
            b.bytes(END).number(r.end(j));
            b.bytes(WAIT).number(r.wait(j));
            b.bytes(RUN).number(r.end(j) - r.start(j));
            b.bytes(CORES).number(w.cores(j));
            b.bytes(GROUP).bytes(groups[r.group(j)]);
            b.bytes(r.endedAtLimit(j) ? AT_LIMIT : NOT_AT_LIMIT);
            if (w.tag(j) != null) b.bytes(TAG).string(w.tag(j));
            b.bytes(ROW_END);
        }
        b.ascii(" ]");
        b.flush();
    }

    // the rows' fixed parts, as the pretty printer lays them out
    private static final byte[] FIRST_ROW = ascii(" {\n    \"job_id\" : ");
    private static final byte[] NEXT_ROW = ascii(", {\n    \"job_id\" : ");
    private static final byte[] SUBMIT = ascii(",\n    \"submit_s\" : ");
    private static final byte[] START = ascii(",\n    \"start_s\" : ");
    private static final byte[] END = ascii(",\n    \"end_s\" : ");
    private static final byte[] WAIT = ascii(",\n    \"wait_s\" : ");
    private static final byte[] RUN = ascii(",\n    \"run_s\" : ");
    private static final byte[] CORES = ascii(",\n    \"cores\" : ");
    private static final byte[] GROUP = ascii(",\n    \"group\" : ");
    private static final byte[] AT_LIMIT = ascii(",\n    \"ended_at_limit\" : true");
    private static final byte[] NOT_AT_LIMIT = ascii(",\n    \"ended_at_limit\" : false");
    private static final byte[] TAG = ascii(",\n    \"tag\" : ");
    private static final byte[] ROW_END = ascii("\n  }");

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static byte[] quoted(String s) {
        byte[] q = com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsUTF8(s);
        byte[] b = new byte[q.length + 2];
        b[0] = '"';
        System.arraycopy(q, 0, b, 1, q.length);
        b[b.length - 1] = '"';
        return b;
    }

    /** A byte buffer that goes to the stream whenever it fills. */
    private static final class Rows {
        private final OutputStream out;
        private final byte[] buf = new byte[1 << 16];
        private int n;

        Rows(OutputStream out) {
            this.out = out;
        }

        private void room(int k) throws IOException {
            if (n + k > buf.length) {
                out.write(buf, 0, n);
                n = 0;
            }
        }

        Rows ascii(String s) throws IOException {
            int k = s.length();
            room(k);
            for (int i = 0; i < k; i++) buf[n++] = (byte) s.charAt(i); // ASCII only: the keys and punctuation above
            return this;
        }

        Rows bytes(byte[] b) throws IOException {
            if (b.length > buf.length) {
                flush();
                out.write(b);
                return this;
            }
            room(b.length);
            System.arraycopy(b, 0, buf, n, b.length);
            n += b.length;
            return this;
        }

        Rows string(String s) throws IOException {
            int k = s.length();
            boolean plain = k <= 1024;
            for (int i = 0; plain && i < k; i++) {
                char c = s.charAt(i);
                plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
            }
            if (!plain) return bytes(quoted(s));
            room(k + 2);
            buf[n++] = '"';
            s.getBytes(0, k, buf, n); // plain ASCII: one byte per character
            n += k;
            buf[n++] = '"';
            return this;
        }

        Rows number(long v) throws IOException {
            room(20);
            if (v == Long.MIN_VALUE) return ascii(Long.toString(v));
            if (v < 0) {
                buf[n++] = '-';
                v = -v;
            }
            int start = n;
            do {
                buf[n++] = (byte) ('0' + v % 10);
                v /= 10;
            } while (v > 0);
            for (int i = start, k = n - 1; i < k; i++, k--) {
                byte t = buf[i];
                buf[i] = buf[k];
                buf[k] = t;
            }
            return this;
        }

        void flush() throws IOException {
            out.write(buf, 0, n);
            n = 0;
        }
    }

    /**
     * The metrics in the JSON vocabulary: times on the simulation's clock are seconds ({@code first_submit_s},
     * {@code last_end_s}, each sample's {@code time_s}).
     */
    public static com.fasterxml.jackson.databind.JsonNode metricsJson(Metrics m) {
        var o = dev.reckon.report.JsonVocabulary.rename(Json.mapper().valueToTree(m), "first_submit", "first_submit_s",
                "last_end", "last_end_s");
        dev.reckon.report.JsonVocabulary.each(o.get("series"), p -> dev.reckon.report.JsonVocabulary.rename(p, "time", "time_s"));
        return o;
    }

    /** A readable summary for a terminal. */
    public static String terminal(SimResult r, Load load, String source) {
        Metrics m = r.metrics();
        StringBuilder b = new StringBuilder();
        b.append("Simulated ").append(m.jobs()).append(" jobs from ").append(source).append(" under ")
                .append(r.policy()).append('\n');
        b.append("Machine: ").append(r.machine().describe()).append(" (").append(r.machine().totalCores())
                .append(" cores)\n");
        if (load != null) for (String n : load.notes()) b.append("Note: ").append(n).append('\n');
        b.append('\n');
        row(b, "wait, mean", Format.duration(m.meanWaitS()));
        row(b, "wait, median", Format.duration(m.medianWaitS()));
        row(b, "wait, p95", Format.duration(m.p95WaitS()));
        row(b, "wait, longest", Format.duration(m.maxWaitS()));
        row(b, "bounded slowdown, mean", String.format(Locale.ROOT, "%.2f", m.meanBoundedSlowdown()));
        row(b, "utilisation", Format.percent(m.utilisation()));
        row(b, "makespan", makespan(m));
        long peak = 0;
        for (Metrics.Sample s : m.series()) peak = Math.max(peak, s.queued());
        row(b, "queue, largest sampled", Long.toString(peak));
        row(b, "ended at their limit", Long.toString(m.endedAtLimit()));
        List<Dropped> dropped = dropped(r, load);
        row(b, "dropped", Long.toString(dropped.size()));
        if (!dropped.isEmpty()) {
            b.append("\nDropped jobs").append(dropped.size() > 20 ? " (first 20; --json lists all)" : "").append(":\n");
            for (int i = 0; i < Math.min(20, dropped.size()); i++) {
                Dropped d = dropped.get(i);
                b.append("  ").append(d.jobId()).append(": ").append(d.reason()).append('\n');
            }
        }
        return b.toString();
    }

    /** Times at or after this are epoch seconds (2001-09-09): the ledger's jobs; before, a trace's own clock. */
    private static final long EPOCH_CLOCK = 1_000_000_000L;

    /**
     * The makespan as a duration with when it ran: dates (UTC) when the simulation's clock is epoch seconds (jobs
     * from the ledger), else offsets from the trace's start ({@code +0-00:00:00 .. +61-03:14:05}).
     */
    static String makespan(Metrics m) {
        String span = Format.duration(m.makespanS()) + " (" + Format.roughly(m.makespanS()) + ")";
        if (m.firstSubmit() >= EPOCH_CLOCK) {
            return span + ", " + Format.time(java.time.Instant.ofEpochSecond(m.firstSubmit()), java.time.ZoneOffset.UTC)
                    + " to " + Format.time(java.time.Instant.ofEpochSecond(m.lastEnd()), java.time.ZoneOffset.UTC) + " UTC";
        }
        return span + ", from the first submit to the last end: +" + Format.duration(m.firstSubmit()) + " to +"
                + Format.duration(m.lastEnd()) + " on the trace's clock";
    }

    private static void row(StringBuilder b, String label, String value) {
        b.append(String.format(Locale.ROOT, "  %-24s %s%n", label, value));
    }
}
