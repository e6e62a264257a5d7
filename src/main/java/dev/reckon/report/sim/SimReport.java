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

    /** Writes the JSON object to {@code out} (left open). */
    public static void json(SimResult r, Load load, String source, OutputStream out) throws IOException {
        JsonGenerator g = Json.mapper().getFactory().createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.setPrettyPrinter(new DefaultPrettyPrinter());
        g.writeStartObject();
        g.writeStringField("policy", r.policy());
        g.writeStringField("source", source);
        g.writeFieldName("machine");
        Json.mapper().writeValue(g, r.machine().groups());
        g.writeArrayFieldStart("notes");
        if (load != null) for (String n : load.notes()) g.writeString(n);
        g.writeEndArray();
        Workload w = r.workload();
        g.writeArrayFieldStart("jobs");
        for (int j = 0; j < w.size(); j++) {
            if (!r.ran(j)) continue;
            g.writeStartObject();
            g.writeStringField("job_id", w.id(j));
            g.writeNumberField("submit_s", w.submit(j));
            g.writeNumberField("start_s", r.start(j));
            g.writeNumberField("end_s", r.end(j));
            g.writeNumberField("wait_s", r.wait(j));
            g.writeNumberField("run_s", r.end(j) - r.start(j));
            g.writeNumberField("cores", w.cores(j));
            g.writeStringField("group", r.machine().groups().get(r.group(j)).name());
            g.writeBooleanField("ended_at_limit", r.endedAtLimit(j));
            if (w.tag(j) != null) g.writeStringField("tag", w.tag(j));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeFieldName("dropped");
        Json.mapper().writeValue(g, dropped(r, load));
        g.writeFieldName("metrics");
        Json.mapper().writeValue(g, metricsJson(r.metrics()));
        g.writeEndObject();
        g.writeRaw('\n');
        g.flush();
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
