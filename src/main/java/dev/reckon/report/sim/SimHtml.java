package dev.reckon.report.sim;

import dev.reckon.report.Format;
import dev.reckon.sim.Dropped;
import dev.reckon.sim.Metrics;
import dev.reckon.sim.SimResult;
import dev.reckon.sim.parser.Load;

import java.util.List;
import java.util.Locale;

/**
 * A simulation as one self-contained HTML page, in the house style of the review page: the headline figures as
 * cards, then inline SVG plots of the wait distribution, utilisation over time and queue length over time, then the
 * dropped jobs. No script, nothing loaded from the network; the markup is well-formed XML.
 */
public final class SimHtml {
    private static final String BLUE = "#0072B2";
    private static final String ORANGE = "#E69F00";
    private static final String GREEN = "#009E73";
    private static final long[] WAIT_EDGES = {0, 60, 600, 3600, 4 * 3600, 12 * 3600, 86_400, 3 * 86_400};
    private static final String[] WAIT_LABELS = {"none", "< 1 min", "1-10 min", "10 min-1 h", "1-4 h", "4-12 h",
            "12-24 h", "1-3 d", "> 3 d"};
    static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;\
            background:#f6f7f9;color:#1d232b;line-height:1.4}
            main{max-width:1060px;margin:0 auto;padding:24px 28px 48px}
            h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:0 0 4px}
            .sub{color:#5b6570;margin:0 0 16px}.note{color:#5b6570;font-size:13px;margin:4px 0 12px}
            section{background:#fff;border:1px solid #e1e4e8;border-radius:10px;padding:18px 20px;margin:18px 0}
            .cards{display:flex;gap:14px;flex-wrap:wrap;margin-top:14px}
            .card{flex:1;min-width:150px;background:#fff;border:1px solid #e1e4e8;border-radius:10px;padding:12px 16px;\
            border-top:5px solid #0072B2}
            .card .big{font-size:24px;font-weight:600}.card .lbl{color:#5b6570;font-size:13px}
            table{border-collapse:collapse;width:100%;font-size:14px}
            th{text-align:left;color:#5b6570;font-weight:600;border-bottom:2px solid #e1e4e8;padding:6px 8px}
            td{border-bottom:1px solid #eef0f2;padding:5px 8px}
            svg text{font-family:inherit}
            .none{color:#5b6570;font-style:italic}
            footer{color:#8a939c;font-size:12px;text-align:center;margin-top:24px}
            """;

    private SimHtml() {}

    public static String page(SimResult r, Load load, String source) {
        Metrics m = r.metrics();
        StringBuilder b = new StringBuilder(65_536);
        String title = "Simulation: " + r.policy() + " on " + source;
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
                .append("<title>reckon ").append(esc(title)).append("</title><style>").append(CSS)
                .append("</style></head>\n<body><main>\n");
        b.append("<header><h1>").append(esc(title)).append("</h1><p class=\"sub\">").append(m.jobs())
                .append(" jobs &#183; ").append(esc(r.machine().describe())).append(" &#183; ")
                .append(r.machine().totalCores()).append(" cores</p>\n<div class=\"cards\">");
        card(b, "mean wait", Format.duration(m.meanWaitS()));
        card(b, "median wait", Format.duration(m.medianWaitS()));
        card(b, "p95 wait", Format.duration(m.p95WaitS()));
        card(b, "mean bounded slowdown", String.format(Locale.ROOT, "%.2f", m.meanBoundedSlowdown()));
        card(b, "utilisation", Format.percent(m.utilisation()));
        card(b, "makespan", Format.duration(m.makespanS()));
        b.append("</div>");
        if (load != null && !load.notes().isEmpty()) {
            b.append("<ul class=\"note\">");
            for (String n : load.notes()) b.append("<li>").append(esc(n)).append("</li>");
            b.append("</ul>");
        }
        b.append("</header>\n");
        waits(b, r);
        List<Metrics.Sample> s = m.series();
        double[] util = new double[s.size()], queue = new double[s.size()];
        for (int i = 0; i < s.size(); i++) {
            util[i] = s.get(i).utilisation() * 100;
            queue[i] = s.get(i).queued();
        }
        b.append("<section id=\"utilisation\"><h2>Utilisation over time</h2><p class=\"note\">Busy cores as a share "
                + "of all cores, averaged over each of ").append(s.size()).append(" intervals.</p>");
        line(b, "chart-utilisation", s, util, "% of cores busy", GREEN, 100);
        b.append("</section>\n<section id=\"queue\"><h2>Queue length over time</h2><p class=\"note\">Jobs submitted "
                + "and not yet started, sampled at ").append(s.size()).append(" instants.</p>");
        line(b, "chart-queue", s, queue, "jobs waiting", ORANGE, 0);
        b.append("</section>\n");
        dropped(b, SimReport.dropped(r, load));
        b.append("<footer>Made by reckon simulate. Times are seconds on the trace's clock.</footer>\n")
                .append("</main></body></html>\n");
        return b.toString();
    }

    private static void card(StringBuilder b, String label, String value) {
        b.append("<div class=\"card\"><div class=\"lbl\">").append(esc(label)).append("</div><div class=\"big\">")
                .append(esc(value)).append("</div></div>");
    }

    private static void waits(StringBuilder b, SimResult r) {
        long[] counts = new long[WAIT_LABELS.length];
        for (int j = 0; j < r.workload().size(); j++) {
            if (!r.ran(j)) continue;
            long w = r.wait(j);
            int k = 0;
            if (w > 0) {
                k = WAIT_EDGES.length;
                for (int e = 1; e < WAIT_EDGES.length; e++) if (w < WAIT_EDGES[e]) { k = e; break; }
            }
            counts[k]++;
        }
        long max = 1;
        for (long c : counts) max = Math.max(max, c);
        int w = 1000, h = 280, left = 70, top = 14, bottom = 40, plotW = w - left - 16, plotH = h - top - bottom;
        b.append("<section id=\"waits\"><h2>Wait distribution</h2><p class=\"note\">Jobs by how long they waited "
                + "between submit and start.</p><svg id=\"chart-waits\" role=\"img\" viewBox=\"0 0 ").append(w)
                .append(' ').append(h).append("\" width=\"100%\" aria-label=\"jobs by wait\">");
        double scale = axis(b, max, left, top, plotW, plotH);
        double slot = (double) plotW / counts.length;
        for (int k = 0; k < counts.length; k++) {
            double bh = counts[k] / scale * plotH;
            double x = left + k * slot + slot * 0.11;
            b.append("<rect class=\"bar\" x=\"").append(f(x)).append("\" y=\"").append(f(top + plotH - bh))
                    .append("\" width=\"").append(f(slot * 0.78)).append("\" height=\"").append(f(bh))
                    .append("\" fill=\"").append(BLUE).append("\"><title>").append(esc(WAIT_LABELS[k])).append(": ")
                    .append(counts[k]).append(" jobs</title></rect>");
            b.append("<text x=\"").append(f(left + k * slot + slot / 2)).append("\" y=\"").append(top + plotH + 18)
                    .append("\" font-size=\"12\" fill=\"#5b6570\" text-anchor=\"middle\">").append(esc(WAIT_LABELS[k]))
                    .append("</text>");
        }
        b.append("</svg></section>\n");
    }

    private static void line(StringBuilder b, String id, List<Metrics.Sample> s, double[] v, String what, String colour,
                             double fixedMax) {
        int w = 1000, h = 280, left = 70, top = 14, bottom = 40, plotW = w - left - 16, plotH = h - top - bottom;
        double max = fixedMax;
        for (double x : v) max = Math.max(max, x);
        b.append("<svg id=\"").append(id).append("\" role=\"img\" viewBox=\"0 0 ").append(w).append(' ').append(h)
                .append("\" width=\"100%\" aria-label=\"").append(esc(what)).append(" over time\">");
        double scale = axis(b, max, left, top, plotW, plotH);
        if (!s.isEmpty()) {
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < v.length; i++) {
                double x = left + (v.length == 1 ? 0 : i * (double) plotW / (v.length - 1));
                double y = top + plotH - v[i] / scale * plotH;
                pts.append(f(x)).append(',').append(f(y)).append(' ');
            }
            b.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\" points=\"")
                    .append(pts.toString().strip()).append("\"/>");
            b.append("<text x=\"").append(left).append("\" y=\"").append(h - 8)
                    .append("\" font-size=\"12\" fill=\"#5b6570\">").append(s.get(0).time()).append("</text>");
            b.append("<text x=\"").append(left + plotW).append("\" y=\"").append(h - 8)
                    .append("\" font-size=\"12\" fill=\"#5b6570\" text-anchor=\"end\">")
                    .append(s.get(s.size() - 1).time()).append(" (trace clock, s)</text>");
        }
        b.append("<text transform=\"translate(16 ").append(top + plotH / 2)
                .append(") rotate(-90)\" font-size=\"13\" fill=\"#1d232b\" text-anchor=\"middle\">").append(esc(what))
                .append("</text></svg>\n");
    }

    /** Grid lines and their labels from 0 to at least {@code max}; returns the top of the scale. */
    private static double axis(StringBuilder b, double max, int left, int top, int plotW, int plotH) {
        Format.Ticks ticks = Format.ticks(max, 4);
        double scale = ticks.max();
        for (int i = 0; i < ticks.values().length; i++) {
            double t = ticks.values()[i];
            double y = top + plotH - t / scale * plotH;
            b.append("<line x1=\"").append(left).append("\" x2=\"").append(left + plotW).append("\" y1=\"").append(f(y))
                    .append("\" y2=\"").append(f(y)).append("\" stroke=\"").append(i == 0 ? "#8a939c" : "#e6e8eb")
                    .append("\"/><text x=\"").append(left - 6).append("\" y=\"").append(f(y + 4))
                    .append("\" font-size=\"11\" fill=\"#5b6570\" text-anchor=\"end\">")
                    .append(esc(ticks.labels()[i])).append("</text>");
        }
        return scale;
    }

    private static void dropped(StringBuilder b, List<Dropped> dropped) {
        b.append("<section id=\"dropped\"><h2>Dropped jobs</h2>");
        if (dropped.isEmpty()) {
            b.append("<p class=\"none\">Every job was simulated.</p></section>\n");
            return;
        }
        b.append("<p class=\"note\">").append(dropped.size()).append(" jobs could not be simulated")
                .append(dropped.size() > 200 ? "; the first 200 are listed." : ".").append("</p><table><tr><th>job</th>"
                        + "<th>why</th></tr>");
        for (int i = 0; i < Math.min(200, dropped.size()); i++) {
            b.append("<tr><td>").append(esc(dropped.get(i).jobId())).append("</td><td>")
                    .append(esc(dropped.get(i).reason())).append("</td></tr>");
        }
        b.append("</table></section>\n");
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String esc(String s) {
        StringBuilder o = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> o.append("&lt;");
                case '>' -> o.append("&gt;");
                case '&' -> o.append("&amp;");
                case '"' -> o.append("&quot;");
                case '\'' -> o.append("&#39;");
                default -> o.append(c);
            }
        }
        return o.toString();
    }
}
