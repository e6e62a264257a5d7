package dev.reckon.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reckon.core.Json;
import dev.reckon.place.study.StudyRow;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A placement study's tables: one per workload x fleet, a row per selector (mean and p95 turnaround, mean wait,
 * cost, utilisation balance, fairness, jobs nowhere placeable), each followed by text bars of mean turnaround.
 */
public final class StudyReport {
    private static final int BAR = 40;

    private StudyReport() {}

    /** The tables, as the terminal shows them. */
    public static String terminal(String name, int cells, long placements, List<StudyRow> rows, List<String> notes) {
        StringBuilder b = new StringBuilder();
        b.append("study ").append(Terminal.visible(name, false)).append(": ").append(rows.size()).append(" of ")
                .append(cells).append(" cells, ").append(String.format(Locale.ROOT, "%,d", placements))
                .append(" placements\n");
        for (Map.Entry<String, List<StudyRow>> g : groups(rows).entrySet()) {
            StudyRow first = g.getValue().get(0);
            b.append('\n').append("workload ").append(Terminal.visible(first.workload(), false)).append(" (")
                    .append(String.format(Locale.ROOT, "%,d", first.jobs())).append(" jobs) x fleet ")
                    .append(Terminal.visible(first.fleet(), false)).append(" (").append(first.providers())
                    .append(" providers)\n");
            Table t = new Table("selector", "placed>", "nowhere>", "used>", "mean turnaround>", "p95 turnaround>",
                    "mean wait>", "cost>", "util CV>", "fairness>", "start error>");
            double max = 0;
            for (StudyRow r : g.getValue()) {
                t.row(Terminal.visible(r.selector(), false), r.placed(), r.nowhere(), r.providersUsed(),
                        Format.duration(r.meanTurnaroundS()), Format.duration(r.p95TurnaroundS()),
                        Format.duration(r.meanWaitS()), String.format(Locale.ROOT, "%.2f", r.totalCost()),
                        String.format(Locale.ROOT, "%.3f", r.utilisationCv()),
                        String.format(Locale.ROOT, "%.4f", r.fairness()), Format.roughly(r.meanStartErrorS()));
                max = Math.max(max, r.meanTurnaroundS());
            }
            b.append(t.render());
            b.append("mean turnaround\n");
            for (StudyRow r : g.getValue()) {
                int n = max <= 0 ? 0 : (int) Math.round(BAR * r.meanTurnaroundS() / max);
                b.append(String.format(Locale.ROOT, "  %-22s %s %s%n", Terminal.visible(r.selector(), false),
                        "#".repeat(n) + " ".repeat(BAR - n), Format.roughly(r.meanTurnaroundS())));
            }
        }
        for (String n : notes) b.append("\nnote: ").append(Terminal.visible(n, false));
        if (!notes.isEmpty()) b.append('\n');
        return b.toString();
    }

    /** One JSON object: {@code study}, {@code cells}, {@code placements}, {@code rows}, {@code notes}. */
    public static void json(String name, int cells, long placements, List<StudyRow> rows, List<String> notes,
                            OutputStream out) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("study", name);
        o.put("cells", cells);
        o.put("placements", placements);
        ArrayNode a = o.putArray("rows");
        for (StudyRow r : rows) a.add(JsonVocabulary.tree(r));
        ArrayNode n = o.putArray("notes");
        notes.forEach(n::add);
        Json.write(o, out);
    }

    private static Map<String, List<StudyRow>> groups(List<StudyRow> rows) {
        Map<String, List<StudyRow>> g = new LinkedHashMap<>();
        for (StudyRow r : rows) g.computeIfAbsent(r.workload() + "\u0000" + r.fleet(), k -> new ArrayList<>()).add(r);
        return g;
    }
}
