package dev.reckon.report;

import dev.reckon.review.ClassSeries;
import dev.reckon.review.Review.CharterUse;
import dev.reckon.review.Review.JobClass;
import dev.reckon.review.Review.Kill;
import dev.reckon.review.Review.Result;
import dev.reckon.review.Review.Share;
import dev.reckon.review.Review.Signature;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The standing review as one self-contained HTML page, to be looked at rather than read: the classes' consumption
 * over time as stacked bars, each charter's consumption against its budget, the kill list with the capacity each job
 * holds, and the top undefended signatures. Styles and charts (SVG) are inline; the page loads nothing and runs no
 * script. The markup is also well-formed XML. Colours are from the Okabe–Ito palette, told apart by people with
 * colour-blindness.
 */
public final class ReviewHtml {
    private static final String[] CLASS_COLOUR = {"#0072B2", "#E69F00", "#CC79A7"};
    private static final String WITHIN = "#009E73";
    private static final String OVER = "#D55E00";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd");
    private static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;\
            background:#f6f7f9;color:#1d232b;line-height:1.4}
            main{max-width:1060px;margin:0 auto;padding:24px 28px 48px}
            h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:0 0 4px}
            .sub{color:#5b6570;margin:0 0 16px}.note{color:#5b6570;font-size:13px;margin:4px 0 12px}
            section{background:#fff;border:1px solid #e1e4e8;border-radius:10px;padding:18px 20px;margin:18px 0}
            .cards{display:flex;gap:14px;flex-wrap:wrap;margin-top:14px}
            .card{flex:1;min-width:150px;background:#fff;border:1px solid #e1e4e8;border-radius:10px;padding:12px 16px}
            .card .big{font-size:24px;font-weight:600}.card .lbl{color:#5b6570;font-size:13px}
            .card.defended{border-top:5px solid #0072B2}.card.habitual{border-top:5px solid #E69F00}
            .card.orphaned{border-top:5px solid #CC79A7}
            table{border-collapse:collapse;width:100%;font-size:14px}
            th{text-align:left;color:#5b6570;font-weight:600;border-bottom:2px solid #e1e4e8;padding:6px 8px}
            td{border-bottom:1px solid #eef0f2;padding:5px 8px;vertical-align:middle}
            td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            td.reason{color:#5b6570;font-size:13px;min-width:170px}
            td.name{overflow-wrap:anywhere;min-width:110px;max-width:240px}
            .scroll{overflow-x:auto}
            .chip{display:inline-block;padding:1px 8px;border-radius:9px;color:#fff;font-size:12px;font-weight:600}
            .chip.defended{background:#0072B2}.chip.habitual{background:#E69F00;color:#1d232b}
            .chip.orphaned{background:#CC79A7;color:#1d232b}
            .legend{display:flex;gap:18px;flex-wrap:wrap;font-size:13px;margin:6px 0 4px}
            .legend span.sw{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;\
            vertical-align:-1px}
            svg text{font-family:inherit}
            .none{color:#5b6570;font-style:italic}
            footer{color:#8a939c;font-size:12px;text-align:center;margin-top:24px}
            """;

    private ReviewHtml() {}

    /** The page for the review; times in the header and tables in {@code zone}, chart periods in UTC. */
    public static String page(Result r, ZoneId zone) {
        StringBuilder b = new StringBuilder(32_768);
        String window = window(r, zone);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
                .append("<title>reckon review: ").append(esc(window)).append("</title>")
                .append("<style>").append(CSS).append("</style></head>\n<body><main>\n");
        header(b, r, zone, window);
        ClassSeries series = ClassSeries.of(r.jobs(), r.since(), r.until(), r.now());
        shares(b, series);
        charters(b, r);
        killList(b, r, zone);
        signatures(b, r);
        b.append("<footer>Made by reckon review. Shares over time count each job's hours evenly over the time it ran.")
                .append("</footer>\n</main></body></html>\n");
        return b.toString();
    }

    private static void header(StringBuilder b, Result r, ZoneId zone, String window) {
        double cpu = 0, gpu = 0, mem = 0;
        for (Share s : r.shares()) {
            cpu += s.cpuHours();
            gpu += s.gpuHours();
            mem += s.memGbHours();
        }
        b.append("<header><h1>Standing review</h1><p class=\"sub\">").append(esc(window))
                .append(" &#183; made ").append(esc(Format.time(r.now(), zone))).append(" (").append(esc(zone.getId()))
                .append(") &#183; ").append(r.jobs().size()).append(" jobs &#183; ")
                .append(esc(Format.number(cpu))).append(" CPU-h &#183; ").append(esc(Format.number(gpu)))
                .append(" GPU-h &#183; ").append(esc(Format.number(mem))).append(" GiB-h</p>\n<div class=\"cards\">");
        for (Share s : r.shares()) {
            String w = s.jobClass().word();
            b.append("<div class=\"card ").append(w).append("\"><div class=\"lbl\">").append(w).append("</div>")
                    .append("<div class=\"big\">").append(esc(Format.percent(s.cpuFraction()))).append(" CPU</div>")
                    .append("<div class=\"lbl\">").append(s.jobs()).append(" jobs &#183; ")
                    .append(esc(Format.number(s.cpuHours()))).append(" CPU-h");
            if (gpu > 0) b.append(" &#183; ").append(esc(Format.percent(s.gpuFraction()))).append(" of GPU-h");
            b.append("</div></div>");
        }
        b.append("</div></header>\n");
    }

    private static void classLegend(StringBuilder b) {
        b.append("<div class=\"legend\">");
        for (JobClass k : JobClass.values()) swatch(b, CLASS_COLOUR[k.ordinal()], k.word());
        b.append("</div>\n");
    }

    private static void swatch(StringBuilder b, String colour, String label) {
        b.append("<span><span class=\"sw\" style=\"background:").append(colour).append("\"></span>")
                .append(esc(label)).append("</span>");
    }

    private static void shares(StringBuilder b, ClassSeries series) {
        b.append("<section id=\"shares\"><h2>Consumption by class over time</h2>");
        double total = 0;
        for (ClassSeries.Period p : series.periods()) for (JobClass k : JobClass.values()) total += p.cpu(k) + p.gpu(k);
        if (total <= 0) {
            b.append("<p class=\"none\">No job ran in the window.</p></section>\n");
            return;
        }
        b.append("<p class=\"note\">Hours consumed per ").append(series.unit())
                .append(" (UTC), stacked by class: defended at the bottom, what nobody defends on top.</p>");
        classLegend(b);
        stackedBars(b, series, "cpu", "CPU-hours", ClassSeries.Period::cpu);
        if (series.hasGpu()) stackedBars(b, series, "gpu", "GPU-hours", ClassSeries.Period::gpu);
        b.append("</section>\n");
    }

    private interface ClassValue {
        double of(ClassSeries.Period p, JobClass k);
    }

    private static void stackedBars(StringBuilder b, ClassSeries s, String id, String what, ClassValue value) {
        int w = 1000, h = 300, left = 64, right = 16, top = 14, bottom = 58;
        int plotW = w - left - right, plotH = h - top - bottom;
        List<ClassSeries.Period> ps = s.periods();
        double max = 0;
        for (ClassSeries.Period p : ps) {
            double t = 0;
            for (JobClass k : JobClass.values()) t += value.of(p, k);
            max = Math.max(max, t);
        }
        Format.Ticks ticks = Format.ticks(max, 5);
        double scaleMax = ticks.max();
        b.append("<svg id=\"chart-").append(id).append("\" class=\"chart\" role=\"img\" viewBox=\"0 0 ").append(w)
                .append(' ').append(h).append("\" width=\"100%\" aria-label=\"").append(what).append(" per ")
                .append(s.unit()).append(" by class\">");
        axes(b, ticks, scaleMax, left, top, plotW, plotH);
        double slot = (double) plotW / ps.size();
        double barW = Math.max(1, slot * 0.78);
        int every = Math.max(1, (int) Math.ceil(ps.size() / 12.0));
        for (int i = 0; i < ps.size(); i++) {
            ClassSeries.Period p = ps.get(i);
            double x = left + i * slot + (slot - barW) / 2;
            double y = top + plotH;
            String date = DAY.format(p.start().atZone(ZoneOffset.UTC));
            for (JobClass k : JobClass.values()) {
                double v = value.of(p, k);
                if (v <= 0) continue;
                double bh = v / scaleMax * plotH;
                y -= bh;
                b.append("<rect class=\"bar\" data-class=\"").append(k.word()).append("\" x=\"").append(f(x))
                        .append("\" y=\"").append(f(y)).append("\" width=\"").append(f(barW)).append("\" height=\"")
                        .append(f(bh)).append("\" fill=\"").append(CLASS_COLOUR[k.ordinal()]).append("\"><title>")
                        .append(date).append(": ").append(k.word()).append(' ').append(esc(Format.number(v))).append(' ')
                        .append(what).append("</title></rect>");
            }
            if (i % every == 0) {
                double cx = left + i * slot + slot / 2;
                b.append("<text x=\"").append(f(cx)).append("\" y=\"").append(top + plotH + 16)
                        .append("\" font-size=\"11\" fill=\"#5b6570\" text-anchor=\"middle\">").append(date.substring(5))
                        .append("</text>");
            }
        }
        String first = DAY.format(ps.get(0).start().atZone(ZoneOffset.UTC));
        b.append("<text x=\"").append(left + plotW / 2).append("\" y=\"").append(h - 8)
                .append("\" font-size=\"13\" fill=\"#1d232b\" text-anchor=\"middle\">").append(s.unit())
                .append(s.unit().equals("day") ? "" : " starting").append(" (UTC, MM-DD, from ").append(first)
                .append(")</text>");
        b.append("<text transform=\"translate(16 ").append(top + plotH / 2)
                .append(") rotate(-90)\" font-size=\"13\" fill=\"#1d232b\" text-anchor=\"middle\">").append(what)
                .append("</text></svg>\n");
    }

    /** Horizontal grid lines with labels on the left; the x axis line. */
    private static void axes(StringBuilder b, Format.Ticks ticks, double scaleMax, int left, int top, int plotW, int plotH) {
        for (int i = 0; i < ticks.values().length; i++) {
            double t = ticks.values()[i];
            double y = top + plotH - t / scaleMax * plotH;
            b.append("<line x1=\"").append(left).append("\" x2=\"").append(left + plotW).append("\" y1=\"").append(f(y))
                    .append("\" y2=\"").append(f(y)).append("\" stroke=\"").append(t == 0 ? "#8a939c" : "#e6e8eb")
                    .append("\"/>");
            b.append("<text x=\"").append(left - 6).append("\" y=\"").append(f(y + 4))
                    .append("\" font-size=\"11\" fill=\"#5b6570\" text-anchor=\"end\">")
                    .append(ticks.labels()[i]).append("</text>");
        }
    }

    private static void charters(StringBuilder b, Result r) {
        b.append("<section id=\"charters\"><h2>Charters: consumed against budget</h2>");
        List<String[]> rows = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (CharterUse c : r.charters()) {
            if (c.budgetGpuHours() > 0 || c.gpuHours() > 0) {
                rows.add(new String[] {c.charter(), "GPU-h", c.owner(), c.status()});
                values.add(new double[] {c.gpuHours(), c.budgetGpuHours()});
            }
            if (c.budgetCpuHours() > 0 || c.cpuHours() > 0) {
                rows.add(new String[] {c.charter(), "CPU-h", c.owner(), c.status()});
                values.add(new double[] {c.cpuHours(), c.budgetCpuHours()});
            }
        }
        if (rows.isEmpty()) {
            b.append("<p class=\"none\">No charter has a budget or consumed anything in the window.</p></section>\n");
            return;
        }
        b.append("<p class=\"note\">Each bar is a fraction of the charter's own budget; the line marks 100%.</p>")
                .append("<div class=\"legend\">");
        swatch(b, WITHIN, "consumed, within budget");
        swatch(b, OVER, "consumed, over budget");
        swatch(b, "#e6e8eb", "budget");
        b.append("</div>\n");
        double maxFrac = 1;
        for (double[] v : values) maxFrac = Math.max(maxFrac, v[1] > 0 ? v[0] / v[1] : 1.5);
        maxFrac = Math.min(maxFrac, 3);
        int w = 1000, left = 200, right = 240, rowH = 30, top = 8, bottom = 42;
        int plotW = w - left - right;
        int h = top + rows.size() * rowH + bottom;
        b.append("<svg id=\"chart-charters\" class=\"chart\" role=\"img\" viewBox=\"0 0 ").append(w).append(' ').append(h)
                .append("\" width=\"100%\" aria-label=\"consumption against budget per charter\">");
        double hundred = left + plotW / maxFrac;
        for (int pct = 0; pct <= (int) (maxFrac * 100); pct += maxFrac > 1.5 ? 50 : 25) {
            double x = left + pct / 100.0 / maxFrac * plotW;
            b.append("<line x1=\"").append(f(x)).append("\" x2=\"").append(f(x)).append("\" y1=\"").append(top)
                    .append("\" y2=\"").append(top + rows.size() * rowH).append("\" stroke=\"#eef0f2\"/>")
                    .append("<text x=\"").append(f(x)).append("\" y=\"").append(top + rows.size() * rowH + 14)
                    .append("\" font-size=\"11\" fill=\"#5b6570\" text-anchor=\"middle\">").append(pct).append("%</text>");
        }
        for (int i = 0; i < rows.size(); i++) {
            String[] row = rows.get(i);
            double used = values.get(i)[0], budget = values.get(i)[1];
            double frac = budget > 0 ? used / budget : (used > 0 ? Double.POSITIVE_INFINITY : 0);
            boolean over = frac > 1;
            double y = top + i * rowH;
            b.append("<text x=\"").append(left - 10).append("\" y=\"").append(f(y + rowH / 2.0 + 4))
                    .append("\" font-size=\"13\" fill=\"#1d232b\" text-anchor=\"end\">").append(esc(row[0]))
                    .append(" <tspan fill=\"#5b6570\">").append(row[1]).append("</tspan></text>");
            if (budget > 0) {
                b.append("<rect x=\"").append(left).append("\" y=\"").append(f(y + 6)).append("\" width=\"")
                        .append(f(hundred - left)).append("\" height=\"").append(rowH - 12)
                        .append("\" fill=\"#e6e8eb\" rx=\"3\"/>");
            }
            double uw = Math.min(frac, maxFrac) / maxFrac * plotW;
            b.append("<rect class=\"use\" data-over=\"").append(over).append("\" x=\"").append(left).append("\" y=\"")
                    .append(f(y + 9)).append("\" width=\"").append(f(uw)).append("\" height=\"").append(rowH - 18)
                    .append("\" fill=\"").append(over ? OVER : WITHIN).append("\" rx=\"2\"><title>").append(esc(row[0]))
                    .append(" (").append(esc(row[2])).append(", ").append(esc(row[3])).append("): ")
                    .append(esc(Format.number(used))).append(" of ").append(esc(Format.number(budget))).append(' ')
                    .append(row[1]).append("</title></rect>");
            b.append("<text x=\"").append(w - right + 10).append("\" y=\"").append(f(y + rowH / 2.0 + 4))
                    .append("\" font-size=\"12\" fill=\"").append(over ? OVER : "#1d232b").append("\">")
                    .append(esc(Format.number(used))).append(" / ").append(esc(Format.number(budget))).append(' ')
                    .append(row[1]).append(budget > 0 ? " (" + esc(Format.percent(used / budget)) + ")" : " (no budget)")
                    .append("</text>");
        }
        b.append("<line x1=\"").append(f(hundred)).append("\" x2=\"").append(f(hundred)).append("\" y1=\"").append(top)
                .append("\" y2=\"").append(top + rows.size() * rowH).append("\" stroke=\"#1d232b\" stroke-dasharray=\"4 3\"/>");
        b.append("<text x=\"").append(left + plotW / 2).append("\" y=\"").append(h - 6)
                .append("\" font-size=\"13\" fill=\"#1d232b\" text-anchor=\"middle\">consumed, % of budget</text>")
                .append("</svg></section>\n");
    }

    private static void killList(StringBuilder b, Result r, ZoneId zone) {
        b.append("<section id=\"kill-list\"><h2>Kill list</h2><p class=\"note\">Running and pending jobs nobody "
                + "defends, most capacity held first.</p>");
        if (r.killList().isEmpty()) {
            b.append("<p class=\"none\">Nothing to kill: every running and pending job is defended.</p></section>\n");
            return;
        }
        int maxGpu = 1, maxCpu = 1;
        for (Kill k : r.killList()) {
            maxGpu = Math.max(maxGpu, k.gpus());
            maxCpu = Math.max(maxCpu, k.cpus());
        }
        b.append("<div class=\"legend\">");
        swatch(b, "#1d232b", "GPUs held");
        swatch(b, "#8a939c", "CPUs held");
        b.append("</div>\n<div class=\"scroll\"><table><thead><tr><th>Job</th><th>User</th><th>Name</th><th>State</th><th>Class</th>")
                .append("<th>Held</th><th class=\"n\">GPUs</th><th class=\"n\">CPUs</th><th class=\"n\">Memory</th>")
                .append("<th class=\"n\">Age</th><th>Why</th></tr></thead><tbody>\n");
        for (Kill k : r.killList()) {
            String w = k.jobClass().word();
            b.append("<tr><td>").append(esc(k.jobId())).append("</td><td>").append(esc(k.user())).append("</td><td class=\"name\">")
                    .append(esc(k.name())).append("</td><td>").append(esc(k.state())).append("</td><td><span class=\"chip ")
                    .append(w).append("\">").append(w).append("</span></td><td>")
                    .append("<svg class=\"held\" width=\"110\" height=\"22\" viewBox=\"0 0 110 22\" role=\"img\">")
                    .append("<rect x=\"0\" y=\"2\" width=\"").append(f(110.0 * k.gpus() / maxGpu))
                    .append("\" height=\"8\" fill=\"#1d232b\"/><rect x=\"0\" y=\"12\" width=\"")
                    .append(f(110.0 * k.cpus() / maxCpu)).append("\" height=\"8\" fill=\"#8a939c\"/><title>")
                    .append(k.gpus()).append(" GPUs, ").append(k.cpus()).append(" CPUs</title></svg></td>")
                    .append("<td class=\"n\">").append(k.gpus()).append("</td><td class=\"n\">").append(k.cpus())
                    .append("</td><td class=\"n\">").append(esc(Format.bytes(k.memBytes()))).append("</td><td class=\"n\">")
                    .append(esc(Format.duration(k.ageS()))).append("</td><td class=\"reason\">").append(esc(k.reason()))
                    .append("</td></tr>\n");
        }
        b.append("</tbody></table></div></section>\n");
    }

    private static void signatures(StringBuilder b, Result r) {
        b.append("<section id=\"signatures\"><h2>Top undefended signatures</h2><p class=\"note\">A user's job-name "
                + "pattern (numbers as #) among the jobs nobody defends, by what those jobs consumed.</p>");
        if (r.signatures().isEmpty()) {
            b.append("<p class=\"none\">None: nothing undefended ran in the window.</p></section>\n");
            return;
        }
        double maxGpu = 0, maxCpu = 0;
        for (Signature s : r.signatures()) {
            maxGpu = Math.max(maxGpu, s.gpuHours());
            maxCpu = Math.max(maxCpu, s.cpuHours());
        }
        b.append("<div class=\"legend\">");
        if (maxGpu > 0) swatch(b, "#1d232b", "GPU-hours");
        swatch(b, "#8a939c", "CPU-hours");
        b.append("</div>\n<div class=\"scroll\"><table><thead><tr><th>User</th><th>Pattern</th><th class=\"n\">Jobs</th>")
                .append("<th class=\"n\">Habitual</th><th class=\"n\">Orphaned</th><th class=\"n\">GPU-h</th>")
                .append("<th class=\"n\">CPU-h</th><th>Consumed</th></tr></thead><tbody>\n");
        for (Signature s : r.signatures()) {
            b.append("<tr><td>").append(esc(s.user())).append("</td><td class=\"name\"><code>").append(esc(s.pattern()))
                    .append("</code></td><td class=\"n\">").append(s.jobs()).append("</td><td class=\"n\">")
                    .append(s.habitual()).append("</td><td class=\"n\">").append(s.orphaned()).append("</td><td class=\"n\">")
                    .append(esc(Format.number(s.gpuHours()))).append("</td><td class=\"n\">")
                    .append(esc(Format.number(s.cpuHours()))).append("</td><td>")
                    .append("<svg class=\"sig\" width=\"180\" height=\"22\" viewBox=\"0 0 180 22\" role=\"img\">")
                    .append("<rect x=\"0\" y=\"2\" width=\"").append(f(maxGpu > 0 ? 180.0 * s.gpuHours() / maxGpu : 0))
                    .append("\" height=\"8\" fill=\"#1d232b\"/><rect x=\"0\" y=\"12\" width=\"")
                    .append(f(maxCpu > 0 ? 180.0 * s.cpuHours() / maxCpu : 0)).append("\" height=\"8\" fill=\"#8a939c\"/>")
                    .append("<title>").append(esc(Format.number(s.gpuHours()))).append(" GPU-h, ")
                    .append(esc(Format.number(s.cpuHours()))).append(" CPU-h</title></svg></td></tr>\n");
        }
        b.append("</tbody></table></div></section>\n");
    }

    /** Text made safe for HTML and XML content and attribute values; "-" for none. */
    static String esc(String s) {
        return s == null ? "-" : escape(s);
    }

    /** Text made safe for HTML and XML content and attribute values (control characters shown as U+FFFD); "" for none. */
    public static String escape(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') b.append('\uFFFD');
                    else b.append(c);
                }
            }
        }
        return b.toString();
    }

    private static String window(Result r, ZoneId zone) {
        return (r.since() == null ? "the beginning" : Format.time(r.since(), zone)) + " to "
                + (r.until() == null ? Format.time(r.now(), zone) : Format.time(r.until(), zone));
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
