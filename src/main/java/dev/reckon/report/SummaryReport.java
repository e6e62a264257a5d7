package dev.reckon.report;

import dev.reckon.review.ConsumptionSummary.Bucket;
import dev.reckon.review.ConsumptionSummary.Result;
import dev.reckon.review.ConsumptionSummary.Share;
import dev.reckon.review.ConsumptionSummary.StateCount;

import java.time.ZoneId;
import java.util.List;
import java.util.Locale;

/** The consumption summary for a terminal: totals, who consumed the capacity, how jobs ended, how limits were used. */
public final class SummaryReport {
    private SummaryReport() {}

    public static String render(Result r, ZoneId zone, int top) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%,d jobs, %s to %s%n", r.jobs(), Format.time(r.first(), zone),
                Format.time(r.last(), zone)));
        b.append(String.format(Locale.ROOT, "Consumed: %s CPU-hours, %s GPU-hours, %s GiB-hours of memory; "
                        + "CPU efficiency %s (weighted by CPU-hours)%n%n",
                Format.number(r.total().cpuHours()), Format.number(r.total().gpuHours()),
                Format.number(r.total().memGbHours()), Format.percent(r.total().cpuEff())));
        shares(b, "Capacity by user", "USER", r.byUser(), top);
        shares(b, "Capacity by account", "ACCOUNT", r.byAccount(), top);

        b.append("Job states\n");
        Table states = new Table("STATE", "JOBS>", "SHARE>", "CPU-H>");
        for (StateCount s : r.byState()) {
            states.row(s.state(), String.format(Locale.ROOT, "%,d", s.jobs()),
                    Format.percent(r.jobs() == 0 ? null : (double) s.jobs() / r.jobs()), Format.number(s.cpuHours()));
        }
        b.append(indent(states.render())).append('\n');

        b.append("Time efficiency (elapsed / time limit): how much of the requested time jobs used\n");
        long max = r.timeEfficiency().stream().mapToLong(Bucket::jobs).max().orElse(0);
        long known = r.timeEfficiency().stream().mapToLong(Bucket::jobs).sum();
        for (Bucket k : r.timeEfficiency()) {
            int bar = max == 0 ? 0 : (int) Math.round(40.0 * k.jobs() / max);
            b.append(String.format(Locale.ROOT, "  %-8s %-40s %,7d  %s%n", k.label(), "#".repeat(bar), k.jobs(),
                    Format.percent(known == 0 ? null : (double) k.jobs() / known)));
        }
        b.append(String.format(Locale.ROOT, "  median %s; %,d jobs without a time limit or elapsed time%n",
                Format.percent(r.timeEfficiencyMedian()), r.timeEfficiencyUnknown()));
        if (r.total().limitCpuHours() > 0) {
            b.append(String.format(Locale.ROOT, "  Their time limits held %s CPU-hours in the scheduler's plans; the jobs "
                            + "ran %s (%s).%n", Format.number(r.total().limitCpuHours()),
                    Format.number(r.total().limitedCpuHours()),
                    Format.percent(r.total().limitedCpuHours() / r.total().limitCpuHours())));
        }
        return b.toString();
    }

    private static void shares(StringBuilder b, String title, String column, List<Share> shares, int top) {
        b.append(title);
        if (shares.size() > top) b.append(" (top ").append(top).append(" of ").append(shares.size()).append(')');
        b.append('\n');
        boolean gpus = shares.stream().anyMatch(s -> s.gpuHours() > 0);
        Table t = gpus ? new Table(column, "JOBS>", "CPU-H>", "SHARE>", "GPU-H>", "MEM GiB-H>", "CPU EFF>")
                : new Table(column, "JOBS>", "CPU-H>", "SHARE>", "MEM GiB-H>", "CPU EFF>");
        for (Share s : shares.subList(0, Math.min(top, shares.size()))) {
            String jobs = String.format(Locale.ROOT, "%,d", s.jobs());
            if (gpus) {
                t.row(s.name(), jobs, Format.number(s.cpuHours()), Format.percent(s.cpuShare()),
                        Format.number(s.gpuHours()), Format.number(s.memGbHours()), Format.percent(s.cpuEff()));
            } else {
                t.row(s.name(), jobs, Format.number(s.cpuHours()), Format.percent(s.cpuShare()),
                        Format.number(s.memGbHours()), Format.percent(s.cpuEff()));
            }
        }
        b.append(indent(t.render())).append('\n');
    }

    private static String indent(String text) {
        return text.indent(2);
    }
}
