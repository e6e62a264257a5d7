package dev.reckon.report;

import dev.reckon.optimise.RoundReport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The round report as terminal text, Markdown and a self-contained HTML page (inline SVG, no script). */
public final class OptimiseReport {
    private OptimiseReport() {}

    public static String terminal(RoundReport r) {
        return text(r, false);
    }

    public static String markdown(RoundReport r) {
        return text(r, true);
    }

    private static String text(RoundReport r, boolean md) {
        StringBuilder b = new StringBuilder();
        RoundReport.Objective o = r.objective();
        heading(b, md, "1. Objective and scope");
        line(b, md, "Campaign " + o.campaign() + " (version " + o.version() + "), charging charter " + o.charter()
                + ", on " + o.cluster() + ".");
        line(b, md, "Objective: " + o.objective() + ".");
        for (String s : o.scope()) bullet(b, md, s);
        if (o.left().cpuHours() != null || o.left().gpuHours() != null)
            line(b, md, String.format(Locale.ROOT, "Budget left before the rounds: %s CPU-h, %s GPU-h.",
                    o.left().cpuHours() == null ? "unlimited" : Format.number(o.left().cpuHours()),
                    o.left().gpuHours() == null ? "unlimited" : Format.number(o.left().gpuHours())));
        line(b, md, "Rounds: " + (o.rounds() + 1) + "; stopped: " + o.stopped() + ".");

        heading(b, md, "2. Experiments, round by round");
        Table t = new Table("round>", "trial>", "stage", "hypothesis", "config", "job ids", "predicted wait>",
                "wait>", "runtime>", "outcome");
        for (RoundReport.Experiment e : r.experiments())
            t.row(e.round(), e.trial(), e.stage(), e.hypothesis(), e.config(), ids(e.jobIds()),
                    e.predictedWaitS() == null ? "-" : Format.duration(e.predictedWaitS()),
                    e.waitS() == null ? "-" : Format.duration(Math.round(e.waitS())),
                    e.runtimeS() == null ? "-" : Format.duration(Math.round(e.runtimeS())), e.outcome());
        b.append(md ? t.markdown() : t.render());

        heading(b, md, "3. Stage-level findings");
        for (RoundReport.Finding f : r.findings()) {
            line(b, md, (md ? "**" + Table.escapeMarkdown(f.stage()) + "**" : f.stage()) + ":");
            for (String s : f.findings()) bullet(b, md, s);
        }

        heading(b, md, "4. Resource fit (CPU and GPU apart)");
        Table fit = new Table("stage", "lane", "CPU side", "GPU side", "sbatch");
        for (RoundReport.Fit f : r.fit()) fit.row(f.stage(), f.lane(), f.cpu(), f.gpu(), f.sbatch());
        b.append(md ? fit.markdown() : fit.render());

        heading(b, md, "5. Failures, out of memory, and what was done");
        if (r.failures().isEmpty()) line(b, md, "No job ran out of memory, timed out or failed.");
        for (RoundReport.Failure f : r.failures()) {
            line(b, md, f.stage() + ": " + f.ooms() + " out of memory, " + f.timeouts() + " timed out, " + f.failures()
                    + " failed otherwise.");
            for (String m : f.mitigations()) bullet(b, md, m);
        }

        heading(b, md, "6. The chosen next configuration and its expected impact");
        Table ch = new Table("stage", "as submitted", "chosen", "wall-clock as submitted>", "chosen>");
        for (RoundReport.StageChoice c : r.choice().stages())
            ch.row(c.stage(), c.from(), c.to(), est(c.asSubmittedS()), est(c.chosenS()));
        b.append(md ? ch.markdown() : ch.render());
        line(b, md, "The pipeline's wall-clock for its whole target work: " + est(r.choice().asSubmittedS())
                + " as submitted, " + est(r.choice().chosenS()) + " as chosen (estimated from the trials and the "
                + "predicted queue waits)" + impact(r.choice().asSubmittedS(), r.choice().chosenS()) + ".");
        if (r.choice().simulatedChosenS() != null)
            line(b, md, "The simulator's estimate (the whole pipeline replayed on the simulated cluster): "
                    + est(r.choice().simulatedAsSubmittedS()) + " as submitted, " + est(r.choice().simulatedChosenS())
                    + " as chosen" + impact(r.choice().simulatedAsSubmittedS(), r.choice().simulatedChosenS()) + ".");

        heading(b, md, "7. Checkpoints recorded");
        RoundReport.Checkpoints cp = r.checkpoints();
        line(b, md, "Campaign state: " + cp.trials() + " trials in " + cp.state() + " (resume with: reckon optimise "
                + "resume).");
        line(b, md, cp.promotedFile() == null ? "No configuration promoted yet."
                : "Promoted configuration written as version " + cp.promotedVersion() + ": " + cp.promotedFile());

        heading(b, md, "8. Remaining risks and the next trials");
        for (String s : r.risks()) bullet(b, md, "risk: " + s);
        for (String s : r.nextTrials()) bullet(b, md, "next: " + s);
        return b.toString();
    }

    private static String impact(Double from, Double to) {
        if (from == null || to == null || from <= 0 || to <= 0) return "";
        return String.format(Locale.ROOT, " (%+.0f%%)", 100 * (to - from) / from);
    }

    private static String est(Double s) {
        return s == null || s < 0 ? "unknown" : Format.duration(Math.round(s));
    }

    private static String ids(List<String> ids) {
        if (ids.isEmpty()) return "-";
        if (ids.size() <= 3) return String.join(",", ids);
        return ids.get(0) + ".." + ids.get(ids.size() - 1) + " (" + ids.size() + ")";
    }

    private static void heading(StringBuilder b, boolean md, String h) {
        if (b.length() > 0) b.append('\n');
        b.append(md ? "## " + h : h + "\n" + "-".repeat(h.length())).append('\n');
    }

    private static void line(StringBuilder b, boolean md, String s) {
        b.append(md ? Table.escapeMarkdown(s) : Table.plain(s)).append('\n');
    }

    private static void bullet(StringBuilder b, boolean md, String s) {
        b.append(md ? "- " + Table.escapeMarkdown(s) : "  - " + Table.plain(s)).append('\n');
    }

    // ------------------------------------------------------------------------------------------------ HTML

    /** One self-contained page: the eight parts, with a chart of each round's wall-clock split and one of fit. */
    public static String html(RoundReport r) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>reckon optimise: ").append(ReviewHtml.esc(r.objective().campaign())).append("</title><style>")
                .append("body{font:14px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:70em;padding:0 1em;color:#222}")
                .append("table{border-collapse:collapse;margin:.5em 0;font-size:13px}td,th{border:1px solid #ccc;padding:.2em .5em;vertical-align:top}")
                .append("th{background:#f3f3f3;text-align:left}.n{text-align:right}svg{max-width:100%;height:auto}")
                .append("</style></head><body>");
        b.append("<h1>Optimisation of ").append(ReviewHtml.esc(r.objective().campaign())).append("</h1>");
        // the text parts, as pre-formatted Markdown-free text per section, with the two charts after part 2 and 4
        String[] parts = terminal(r).split("\n(?=[1-8]\\. )");
        for (String p : parts) {
            String title = p.lines().findFirst().orElse("");
            String body = p.lines().skip(2).reduce("", (x, y) -> x + y + "\n");
            b.append("<h2>").append(ReviewHtml.esc(title.strip())).append("</h2><pre>").append(ReviewHtml.esc(body)).append("</pre>");
            if (title.startsWith("2.")) roundChart(b, r);
            if (title.startsWith("4.")) fitChart(b, r);
        }
        return b.append("</body></html>\n").toString();
    }

    /** Per round: the mean queue wait and runtime of its trials' jobs, and the retries' time, stacked. */
    private static void roundChart(StringBuilder b, RoundReport r) {
        Map<Integer, double[]> rounds = new LinkedHashMap<>();
        for (RoundReport.Experiment e : r.experiments()) {
            double[] v = rounds.computeIfAbsent(e.round(), k -> new double[3]);
            boolean retry = e.hypothesis().startsWith("after ");
            if (e.waitS() != null) v[0] += e.waitS();
            if (e.runtimeS() != null) v[retry ? 2 : 1] += e.runtimeS();
        }
        double max = 1;
        for (double[] v : rounds.values()) max = Math.max(max, v[0] + v[1] + v[2]);
        int w = 640, barH = 22, gap = 8, left = 70, h = rounds.size() * (barH + gap) + 30;
        b.append("<p>Wall-clock of each round's trials: queue wait, runtime, and retries after failures (seconds, summed over trials).</p>");
        b.append("<svg viewBox=\"0 0 ").append(w).append(' ').append(h).append("\" width=\"").append(w).append("\" height=\"")
                .append(h).append("\" role=\"img\" aria-label=\"wall-clock per round\">");
        int y = 10;
        String[] colours = {"#9ab", "#4a7", "#d64"};
        for (Map.Entry<Integer, double[]> e : rounds.entrySet()) {
            b.append("<text x=\"4\" y=\"").append(y + 15).append("\" font-size=\"12\">round ").append(e.getKey()).append("</text>");
            double x = left;
            for (int k = 0; k < 3; k++) {
                double len = (w - left - 10) * e.getValue()[k] / max;
                b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                        x, y, len, barH, colours[k]));
                x += len;
            }
            y += barH + gap;
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">queue (grey) · runtime (green) · retries (red); longest %s</text>",
                left, y + 12, Format.duration(Math.round(max))));
        b.append("</svg>");
        Table t = new Table("round>", "queue s>", "runtime s>", "retries s>");
        for (Map.Entry<Integer, double[]> e : rounds.entrySet())
            t.row(e.getKey(), Math.round(e.getValue()[0]), Math.round(e.getValue()[1]), Math.round(e.getValue()[2]));
        b.append("<details><summary>the numbers</summary><pre>").append(ReviewHtml.esc(t.render())).append("</pre></details>");
    }

    /** Per stage: what the start asked against what the chosen shape asks, as a table (requested vs used). */
    private static void fitChart(StringBuilder b, RoundReport r) {
        b.append("<table><tr><th>stage</th><th>as submitted</th><th>chosen</th></tr>");
        for (RoundReport.StageChoice c : r.choice().stages())
            b.append("<tr><td>").append(ReviewHtml.esc(c.stage())).append("</td><td>").append(ReviewHtml.esc(c.from()))
                    .append("</td><td>").append(ReviewHtml.esc(c.to())).append("</td></tr>");
        b.append("</table>");
    }

    /** The baseline as a table per stage and the bottleneck. */
    public static String baseline(dev.reckon.optimise.Baseline.Result b) {
        StringBuilder out = new StringBuilder("Baseline of campaign " + Table.plain(b.campaign()) + " (charter "
                + Table.plain(b.charter()) + ") from the ledger's history\n\n");
        Table t = new Table("stage", "jobs>", "cpus asked>", "cpus used>", "mem asked>", "peak>", "gpus>", "limit>",
                "runtime>", "wait>", "oom>", "timeout>", "failed>", "retries>", "per hour>");
        for (var h : b.stages())
            t.row(h.stage(), h.jobs(), Format.number(h.reqCpus()), Format.number(h.usedCpus()), Format.bytes(h.reqMemBytes()),
                    Format.bytes(h.peakMemBytes()), Format.number(h.gpus()), Format.duration(h.limitS()),
                    Format.duration(h.runtimeS()), Format.duration(h.waitS()), h.ooms(), h.timeouts(), h.failures(),
                    h.retries(), Format.number(h.throughputPerH()));
        out.append(t.render()).append('\n');
        for (var h : b.stages()) for (String f : h.findings()) out.append("  ").append(Table.plain(h.stage())).append(": ")
                .append(Table.plain(f)).append('\n');
        out.append(b.bottleneck() == null ? "\nNo history: the rounds start from the campaign's shapes.\n"
                : "\nBottleneck: " + Table.plain(b.bottleneck()) + ", " + Table.plain(b.why()) + "\n");
        return out.toString();
    }

    /** One line per stage: trials finished and open, and the chosen configuration. */
    public static String status(dev.reckon.optimise.Optimiser.Run run) {
        StringBuilder out = new StringBuilder();
        for (var s : run.campaign().stages()) {
            long done = run.trials().stream().filter(t -> t.stage().equals(s.name()) && t.result() != null).count();
            long open = run.trials().stream().filter(t -> t.stage().equals(s.name()) && t.result() == null
                    && t.status() != dev.reckon.optimise.Trial.Status.REFUSED).count();
            out.append(String.format(Locale.ROOT, "%-16s %3d trials done, %d open; chosen: %s%n", Table.plain(s.name()),
                    done, open, RoundReport.config(run.chosen().get(s.name()))));
        }
        return out.append(Table.plain(run.stopped())).append('\n').toString();
    }
}
