package dev.reckon.report;

import dev.reckon.act.ExitEnforcement;
import dev.reckon.exits.Calendar;
import dev.reckon.exits.Exits;
import dev.reckon.model.Hours;
import dev.reckon.model.Verdict;

import java.time.ZoneId;
import java.util.List;

/** {@code reckon exits} for people: the verdicts as a table with the facts behind each exit, the calendar, closings. */
public final class ExitsReport {
    private ExitsReport() {}

    /** The verdict table, then one line per charter that is not simply continuing, saying why. */
    public static String terminal(List<Exits.Evaluation> es, ZoneId zone) {
        return table(es, zone).render() + reasons(es);
    }

    /** The verdict table as Markdown, then the reasons as a list. */
    public static String markdown(List<Exits.Evaluation> es, ZoneId zone) {
        return table(es, zone).markdown() + "\n" + reasons(es).replace("\n  ", "\n- ").replaceFirst("^\n", "");
    }

    private static Table table(List<Exits.Evaluation> es, ZoneId zone) {
        String z = " (" + Format.zone(zone) + ")";
        Table t = new Table("CHARTER", "VERDICT", "OWNER", "USED>", "BUDGET>", "LEFT>", "BURN/DAY>", "EXHAUSTED BY" + z,
                "EXIT DUE" + z, "OVERRUN>");
        for (Exits.Evaluation e : es) {
            Hours.Resource r = e.budget().gpuHours() != null ? Hours.Resource.GPU : Hours.Resource.CPU;
            Double budget = r == Hours.Resource.GPU ? e.budget().gpuHours() : e.budget().cpuHours();
            Double left = r == Hours.Resource.GPU ? e.left().gpuHours() : e.left().cpuHours();
            double burn = r == Hours.Resource.GPU ? e.burnRate().gpuHoursPerDay() : e.burnRate().cpuHoursPerDay();
            String unit = r == Hours.Resource.GPU ? " gpu-h" : " cpu-h";
            t.row(e.charter(), e.verdict().word(), e.owner(), Format.number(e.used().of(r)) + unit,
                    budget == null ? null : Format.number(budget), left == null ? null : Format.number(left),
                    Format.number(burn), Format.time(e.projectedExhaustion(), zone), Format.time(e.exitDueAt(), zone),
                    e.overrun() == null ? null : Format.number(e.overrun().of(r)) + unit);
        }
        return t;
    }

    private static String reasons(List<Exits.Evaluation> es) {
        StringBuilder b = new StringBuilder();
        for (Exits.Evaluation e : es) {
            if (e.verdict() == Verdict.CONTINUE) continue;
            for (String line : e.evidence()) {
                if (line.startsWith("exit due: ") || line.startsWith("approaching: ") || line.startsWith("consumed ")
                        || line.startsWith("overrun after victory: "))
                    b.append("  ").append(e.charter()).append(": ").append(line).append('\n');
            }
        }
        return b.length() == 0 ? "" : "\n" + b;
    }

    /** The plan of stops, one line each: date, charter, kind, what. */
    public static String calendar(List<Calendar.Stop> stops, ZoneId zone) {
        if (stops.isEmpty()) return "no planned stops ahead\n";
        Table t = new Table("WHEN (" + Format.zone(zone) + ")", "CHARTER", "STOP", "OWNER");
        for (Calendar.Stop s : stops) t.row(Format.time(s.at(), zone), s.charter(), s.kind().word(), s.owner());
        return t.render();
    }

    /** The closing records: what each closed charter spent, achieved and freed. */
    public static String closings(List<ExitEnforcement.Closing> cs, ZoneId zone) {
        if (cs.isEmpty()) return "no charter closed by reckon yet\n";
        StringBuilder b = new StringBuilder();
        for (ExitEnforcement.Closing c : cs) {
            b.append(c.charter()).append(' ').append(c.status()).append(" at ").append(Format.time(c.closedAt(), zone))
                    .append(" (").append(c.owner()).append("): ").append(c.reason()).append('\n');
            b.append("  spent:    ").append(Exits.hoursText(c.spent())).append('\n');
            for (ExitEnforcement.Achieved a : c.achieved()) {
                b.append("  achieved: ").append(a.kind()).append(' ').append(a.condition()).append(": ")
                        .append(a.value() == null ? "no " + a.metric() + " reported" : a.metric() + " = " + a.value()
                                + " at " + Format.time(a.at(), zone)).append(a.holds() ? " (holds)" : "").append('\n');
            }
            ExitEnforcement.Freed f = c.freed();
            b.append("  freed:    ").append(f.jobs()).append(" jobs, ").append(f.cpus()).append(" CPUs, ").append(f.gpus())
                    .append(" GPUs, ").append(Format.bytes(f.memBytes())).append('\n');
        }
        return b.toString();
    }
}
