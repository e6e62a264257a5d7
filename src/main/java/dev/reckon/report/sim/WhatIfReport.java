package dev.reckon.report.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reckon.report.Format;
import dev.reckon.core.Json;
import dev.reckon.report.Table;
import dev.reckon.sim.Machine;
import dev.reckon.sim.WhatIf;

import java.util.Locale;

/**
 * A what-if comparison as a terminal table with its sentences, as one JSON object ({@code policy}, {@code source},
 * {@code machine}, {@code variants} each with {@code name}, {@code description}, {@code jobs}, {@code dropped} and
 * {@code metrics}: mean/median/p95 wait, mean bounded slowdown, utilisation, makespan; {@code recorded},
 * {@code undefended}, {@code summary}, {@code notes}), or as one self-contained HTML page.
 */
public final class WhatIfReport {
    private WhatIfReport() {}

    /** The comparison table, then the comparison in plain words, then the notes. */
    public static String terminal(WhatIf.Result r, String source, Machine machine) {
        StringBuilder b = new StringBuilder();
        b.append("What-if over ").append(source).append(", policy ").append(r.policy()).append('\n');
        b.append("Machine: ").append(machine.describe()).append('\n').append('\n');
        Table t = new Table("variant", "jobs>", "mean wait>", "median>", "p95>", "slowdown>", "utilisation>",
                "makespan>");
        WhatIf.Recorded rec = r.recorded();
        if (rec != null && rec.jobs() > 0) {
            t.row("recorded (actual)", rec.jobs(), Format.duration(rec.meanWaitS()), Format.duration(rec.medianWaitS()),
                    Format.duration(rec.p95WaitS()), "-", "-", "-");
        }
        for (WhatIf.Variant v : r.variants()) {
            WhatIf.Figures m = v.metrics();
            t.row(v.name(), v.jobs(), Format.duration(m.meanWaitS()), Format.duration(m.medianWaitS()),
                    Format.duration(m.p95WaitS()), String.format(Locale.ROOT, "%.2f", m.meanBoundedSlowdown()),
                    Format.percent(m.utilisation()), Format.duration(m.makespanS()));
        }
        b.append(t.render()).append('\n');
        for (String s : r.summary()) b.append(s).append('\n');
        if (!r.notes().isEmpty()) b.append('\n');
        for (String n : r.notes()) b.append("Note: ").append(n).append('\n');
        return b.toString();
    }

    /** The comparison as one JSON object (indented, no trailing newline). */
    public static String json(WhatIf.Result r, String source, Machine machine) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("policy", r.policy());
        o.put("source", source);
        o.set("machine", Json.mapper().valueToTree(machine.groups()));
        ObjectNode all = Json.mapper().valueToTree(r);
        all.remove("policy");
        o.setAll(all);
        return Json.write(o);
    }

    /** One self-contained page: the sentences, the table and a bar chart of the mean wait per variant. */
    public static String html(WhatIf.Result r, String source, Machine machine) {
        StringBuilder b = new StringBuilder(16_384);
        String title = "What-if: " + source;
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
                .append("<title>reckon ").append(SimHtml.esc(title)).append("</title><style>").append(SimHtml.CSS)
                .append("</style></head>\n<body><main>\n<header><h1>").append(SimHtml.esc(title))
                .append("</h1><p class=\"sub\">policy ").append(SimHtml.esc(r.policy())).append(" &#183; ")
                .append(SimHtml.esc(machine.describe())).append("</p></header>\n");
        b.append("<section id=\"summary\"><h2>In plain words</h2><ul>");
        for (String s : r.summary()) b.append("<li>").append(SimHtml.esc(s)).append("</li>");
        b.append("</ul></section>\n<section id=\"variants\"><h2>Variants</h2><table><thead><tr><th>variant</th>")
                .append("<th>what changed</th><th>jobs</th><th>mean wait</th><th>median</th><th>p95</th>")
                .append("<th>bounded slowdown</th><th>utilisation</th><th>makespan</th></tr></thead><tbody>");
        WhatIf.Recorded rec = r.recorded();
        if (rec != null && rec.jobs() > 0) {
            b.append("<tr><td>recorded (actual)</td><td>the scheduler's own start times</td><td>").append(rec.jobs())
                    .append("</td><td>").append(Format.duration(rec.meanWaitS())).append("</td><td>")
                    .append(Format.duration(rec.medianWaitS())).append("</td><td>")
                    .append(Format.duration(rec.p95WaitS())).append("</td><td>-</td><td>-</td><td>-</td></tr>");
        }
        double max = 1;
        for (WhatIf.Variant v : r.variants()) max = Math.max(max, v.metrics().meanWaitS());
        for (WhatIf.Variant v : r.variants()) {
            WhatIf.Figures m = v.metrics();
            b.append("<tr><td>").append(SimHtml.esc(v.name())).append("</td><td>").append(SimHtml.esc(v.description()))
                    .append("</td><td>").append(v.jobs()).append("</td><td>").append(Format.duration(m.meanWaitS()))
                    .append("</td><td>").append(Format.duration(m.medianWaitS())).append("</td><td>")
                    .append(Format.duration(m.p95WaitS())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.2f", m.meanBoundedSlowdown())).append("</td><td>")
                    .append(Format.percent(m.utilisation())).append("</td><td>").append(Format.duration(m.makespanS()))
                    .append("</td></tr>");
        }
        b.append("</tbody></table></section>\n<section id=\"waits\"><h2>Mean wait per variant</h2>");
        int rowH = 28, left = 170, width = 560;
        b.append("<svg id=\"chart-mean-wait\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(left + width + 90)
                .append("\" height=\"").append(rowH * r.variants().size() + 10).append("\">");
        int y = 5;
        for (WhatIf.Variant v : r.variants()) {
            long w = Math.round(width * v.metrics().meanWaitS() / max);
            b.append("<text x=\"0\" y=\"").append(y + 18).append("\" font-size=\"13\">").append(SimHtml.esc(v.name()))
                    .append("</text><rect x=\"").append(left).append("\" y=\"").append(y + 4).append("\" width=\"")
                    .append(w).append("\" height=\"18\" fill=\"#0072B2\"/><text x=\"").append(left + w + 6)
                    .append("\" y=\"").append(y + 18).append("\" font-size=\"13\">")
                    .append(WhatIf.human(v.metrics().meanWaitS())).append("</text>");
            y += rowH;
        }
        b.append("</svg></section>\n");
        if (!r.notes().isEmpty()) {
            b.append("<ul class=\"note\">");
            for (String n : r.notes()) b.append("<li>").append(SimHtml.esc(n)).append("</li>");
            b.append("</ul>");
        }
        b.append("<footer>reckon whatif</footer></main></body></html>\n");
        return b.toString();
    }
}
