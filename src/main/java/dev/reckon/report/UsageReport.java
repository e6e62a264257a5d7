package dev.reckon.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reckon.core.Json;
import dev.reckon.model.Charter;
import dev.reckon.model.Hours;
import dev.reckon.review.UsageTally;

import java.time.LocalDate;
import java.time.ZoneId;

/**
 * {@code reckon usage} as a person reads it (terminal or Markdown tables) and as scripts read it (JSON): the groups
 * with their hours, jobs and shares, then, over time, each group's periods with running totals against its budget.
 */
public final class UsageReport {
    private UsageReport() {}

    public static String terminal(UsageTally.Summary s, ZoneId zone) {
        return render(s, zone, false);
    }

    public static String markdown(UsageTally.Summary s, ZoneId zone) {
        return render(s, zone, true);
    }

    private static String render(UsageTally.Summary s, ZoneId zone, boolean md) {
        StringBuilder b = new StringBuilder();
        String head = "Usage by " + s.by() + " from " + Format.time(s.since(), zone) + " to " + Format.time(s.until(), zone)
                + " (end excluded): allocation-hours held inside the window, sorted by " + s.sort();
        b.append(md ? "## " + Table.escapeMarkdown(head) : head).append("\n\n");
        UsageTally.Group total = s.total();
        boolean budgets = s.groups().stream().anyMatch(g -> g.budget() != null);
        Table t = budgets
                ? new Table(s.by().toUpperCase(java.util.Locale.ROOT), "JOBS>", "CPU-H>", "SHARE>", "GPU-H>", "SHARE>",
                "MEM GIB-H>", "SHARE>", "BUDGET", "BUDGET USED>")
                : new Table(s.by().toUpperCase(java.util.Locale.ROOT), "JOBS>", "CPU-H>", "SHARE>", "GPU-H>", "SHARE>",
                "MEM GIB-H>", "SHARE>");
        for (UsageTally.Group g : s.groups()) {
            Object[] cells = {g.name(), g.jobs(), hours(g.cpuHours()), Format.percent(g.cpuShare()), hours(g.gpuHours()),
                    Format.percent(g.gpuShare()), hours(g.memGbHours()), Format.percent(g.memGbShare())};
            if (budgets) {
                Object[] more = java.util.Arrays.copyOf(cells, cells.length + 2);
                more[cells.length] = budget(g.budget());
                more[cells.length + 1] = g.budgetUsed() == null ? "-" : Format.percent(g.budgetUsed().most());
                cells = more;
            }
            t.row(cells);
        }
        Object[] sum = {"total", total.jobs(), hours(total.cpuHours()), whole(total.cpuHours()), hours(total.gpuHours()),
                whole(total.gpuHours()), hours(total.memGbHours()), whole(total.memGbHours())};
        if (budgets) sum = java.util.Arrays.copyOf(sum, sum.length + 2);
        t.row(sum);
        b.append(md ? t.markdown() : t.render());
        if (s.per() == null) return b.toString();
        for (UsageTally.Group g : s.groups()) {
            if (g.periods() == null) continue;
            if (s.by().equals("charter") && g.name().startsWith("(")) continue; // what no charter claims has no budget
            String title = s.by() + " " + g.name() + " per " + s.per() + (g.budget() == null ? ""
                    : ", against its budget of " + budget(g.budget()));
            b.append('\n').append(md ? "### " + Table.escapeMarkdown(title) : Terminal.visible(title, false)).append("\n\n");
            boolean withBudget = g.budgetUsed() != null && g.budgetUsed().most() != null;
            Table p = withBudget
                    ? new Table(s.per().toUpperCase(java.util.Locale.ROOT), "JOBS>", "CPU-H>", "GPU-H>", "MEM GIB-H>",
                    "TOTAL CPU-H>", "TOTAL GPU-H>", "BUDGET USED>", "")
                    : new Table(s.per().toUpperCase(java.util.Locale.ROOT), "JOBS>", "CPU-H>", "GPU-H>", "MEM GIB-H>",
                    "TOTAL CPU-H>", "TOTAL GPU-H>");
            for (UsageTally.Period x : g.periods()) {
                Object[] cells = {LocalDate.ofInstant(x.start(), zone), x.jobs(), hours(x.cpuHours()),
                        hours(x.gpuHours()), hours(x.memGbHours()), hours(x.cumulative().cpuHours()),
                        hours(x.cumulative().gpuHours())};
                if (withBudget) {
                    double used = x.budgetUsed().most();
                    cells = java.util.Arrays.copyOf(cells, cells.length + 2);
                    cells[cells.length - 2] = Format.percent(used);
                    cells[cells.length - 1] = bar(used);
                }
                p.row(cells);
            }
            b.append(md ? p.markdown() : p.render());
        }
        return b.toString();
    }

    private static String whole(double h) {
        return h > 0 ? "100.0%" : "-";
    }

    /** Hours with one decimal below 100, none above; small but not nothing shows as {@code <0.1}. */
    static String hours(double h) {
        if (h > 0 && h < 0.05) return "<0.1";
        return Format.number(h);
    }

    private static String budget(Charter.Budget b) {
        if (b == null) return "-";
        StringBuilder s = new StringBuilder();
        if (b.gpuHours() > 0) s.append(amount(b.gpuHours())).append(" GPU-h");
        if (b.cpuHours() > 0) s.append(s.isEmpty() ? "" : ", ").append(amount(b.cpuHours())).append(" CPU-h");
        if (b.memGbHours() != null && b.memGbHours() > 0)
            s.append(s.isEmpty() ? "" : ", ").append(amount(b.memGbHours())).append(" GiB-h");
        return s.isEmpty() ? "none" : s.toString();
    }

    /** A budget as written: {@code 0.05}, {@code 8}, {@code 1,200} (never rounded to nothing). */
    private static String amount(double v) {
        if (v >= 100) return Format.number(v);
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /** A bar of 20 characters for a share of a budget, {@code !} past it. */
    private static String bar(double used) {
        int n = (int) Math.round(Math.min(used, 1) * 20);
        return "#".repeat(n) + ".".repeat(20 - n) + (used > 1 ? " over" : "");
    }

    /**
     * One JSON object: {@code since, until, by, per, sort, total, groups}; each group {@code name, jobs, cpu_hours,
     * gpu_hours, mem_gb_hours, cpu_share, gpu_share, mem_gb_share, budget, budget_used, periods}; each period
     * {@code start, end, jobs, cpu_hours, gpu_hours, mem_gb_hours, cumulative {cpu_hours, gpu_hours, mem_gb_hours},
     * budget_used {gpu, cpu, mem_gb}}.
     */
    public static String json(UsageTally.Summary s, ZoneId zone) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("since", Format.isoTime(s.since(), zone));
        o.put("until", Format.isoTime(s.until(), zone));
        o.put("by", s.by());
        o.put("per", s.per());
        o.put("sort", s.sort());
        o.set("total", group(s.total(), zone));
        ArrayNode gs = o.putArray("groups");
        for (UsageTally.Group g : s.groups()) gs.add(group(g, zone));
        return Json.write(o);
    }

    private static ObjectNode group(UsageTally.Group g, ZoneId zone) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("name", g.name());
        o.put("jobs", g.jobs());
        o.put("cpu_hours", g.cpuHours());
        o.put("gpu_hours", g.gpuHours());
        o.put("mem_gb_hours", g.memGbHours());
        o.put("cpu_share", g.cpuShare());
        o.put("gpu_share", g.gpuShare());
        o.put("mem_gb_share", g.memGbShare());
        o.set("budget", Json.mapper().valueToTree(g.budget()));
        o.set("budget_used", Json.mapper().valueToTree(g.budgetUsed()));
        if (g.periods() == null) {
            o.putNull("periods");
            return o;
        }
        ArrayNode ps = o.putArray("periods");
        for (UsageTally.Period x : g.periods()) {
            ObjectNode p = ps.addObject();
            p.put("start", Format.isoTime(x.start(), zone));
            p.put("end", Format.isoTime(x.end(), zone));
            p.put("jobs", x.jobs());
            p.put("cpu_hours", x.cpuHours());
            p.put("gpu_hours", x.gpuHours());
            p.put("mem_gb_hours", x.memGbHours());
            Hours c = x.cumulative();
            ObjectNode cum = p.putObject("cumulative");
            cum.put("cpu_hours", c.cpuHours());
            cum.put("gpu_hours", c.gpuHours());
            cum.put("mem_gb_hours", c.memGbHours());
            p.set("budget_used", Json.mapper().valueToTree(x.budgetUsed()));
        }
        return o;
    }
}
