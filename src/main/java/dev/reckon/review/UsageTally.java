package dev.reckon.review;

import dev.reckon.model.Charter;
import dev.reckon.model.Hours;
import dev.reckon.model.Job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Usage per group: the CPU-, GPU- and memory-hours the jobs of a window held inside it (a job that ran across the
 * window's start or end counts only its part inside; see {@link Hours#held}), and how many jobs, per group (a user,
 * an account, a charter...), with each group's share of the total; optionally per period (day or week) with a
 * running total, set against a charter's budget. An analysis: jobs are fed one at a time and only one entry per group
 * (and period) is kept, so a million jobs stream through in constant memory.
 */
public final class UsageTally {
    private final Instant from;
    private final Instant to;
    private final List<Instant> bounds;
    private final Map<String, Acc> groups = new LinkedHashMap<>();
    private final Acc total;

    /**
     * @param from   the window's start (inclusive)
     * @param to     the window's end (exclusive)
     * @param bounds the periods' boundaries, from {@code from} to {@code to} (at least those two); null: no periods
     */
    public UsageTally(Instant from, Instant to, List<Instant> bounds) {
        if (from == null || to == null || !to.isAfter(from)) throw new IllegalArgumentException("an empty window");
        this.from = from;
        this.to = to;
        this.bounds = bounds == null ? null : List.copyOf(bounds);
        if (this.bounds != null && (this.bounds.size() < 2 || !this.bounds.get(0).equals(from)
                || !this.bounds.get(this.bounds.size() - 1).equals(to))) {
            throw new IllegalArgumentException("periods must run from the window's start to its end");
        }
        total = new Acc(periods());
    }

    private int periods() {
        return bounds == null ? 0 : bounds.size() - 1;
    }

    private static final class Acc {
        long jobs;
        Hours hours = Hours.ZERO;
        final long[] periodJobs;
        final Hours[] periodHours;

        Acc(int periods) {
            periodJobs = new long[periods];
            periodHours = new Hours[periods];
            java.util.Arrays.fill(periodHours, Hours.ZERO);
        }
    }

    /** Lists {@code group} even when no job falls in it (a charter that used nothing yet). */
    public void ensure(String group) {
        groups.computeIfAbsent(group, k -> new Acc(periods()));
    }

    /** Counts the job under {@code group}. */
    public void add(String group, Job j) {
        Acc a = groups.computeIfAbsent(group, k -> new Acc(periods()));
        Hours h = Hours.held(j, from, to);
        a.jobs++;
        a.hours = a.hours.plus(h);
        total.jobs++;
        total.hours = total.hours.plus(h);
        if (bounds == null || j.start() == null) return;
        Instant end = j.end() == null ? to : j.end();
        for (int p = 0; p < periods(); p++) {
            Instant ps = bounds.get(p), pe = bounds.get(p + 1);
            if (!pe.isAfter(j.start())) continue;
            if (!ps.isBefore(end)) break;
            Hours part = Hours.held(j, ps, pe);
            a.periodJobs[p]++;
            a.periodHours[p] = a.periodHours[p].plus(part);
            total.periodJobs[p]++;
            total.periodHours[p] = total.periodHours[p].plus(part);
        }
    }

    /**
     * One group's usage.
     *
     * @param name       the group (a user, an account...)
     * @param jobs       its jobs that were pending or running in the window
     * @param cpuShare   its share of all CPU-hours (0 when there were none); likewise GPU and memory
     * @param budget     the charter's budget, when the group is a charter; else null
     * @param budgetUsed per resource the charter's budget limits, the share of it these hours are; else null
     * @param periods    per period, when asked; else null
     */
    public record Group(String name, long jobs, double cpuHours, double gpuHours, double memGbHours, double cpuShare,
                        double gpuShare, double memGbShare, Charter.Budget budget, Used budgetUsed,
                        List<Period> periods) {}

    /** Shares of a budget per resource; null where the budget does not limit that resource. */
    public record Used(Double gpu, Double cpu, Double memGb) {
        static Used of(Hours h, Charter.Budget b) {
            if (b == null) return null;
            return new Used(share(h, b, Hours.Resource.GPU), share(h, b, Hours.Resource.CPU), share(h, b, Hours.Resource.MEM));
        }

        private static Double share(Hours h, Charter.Budget b, Hours.Resource r) {
            Double limit = r.budgetOf(b);
            return limit == null ? null : h.of(r) / limit;
        }

        /** The largest share, or null when the budget limits nothing. */
        public Double most() {
            Double m = null;
            for (Double d : new Double[]{gpu, cpu, memGb}) if (d != null && (m == null || d > m)) m = d;
            return m;
        }
    }

    /**
     * One period of a group.
     *
     * @param jobs       its jobs that held an allocation in the period
     * @param cumulative the hours from the window's start to the period's end
     * @param budgetUsed the cumulative hours as shares of the charter's budget, or null
     */
    public record Period(Instant start, Instant end, long jobs, double cpuHours, double gpuHours, double memGbHours,
                         Hours cumulative, Used budgetUsed) {}

    /**
     * A usage summary.
     *
     * @param since  the window's start
     * @param until  its end (exclusive)
     * @param by     the grouping: user, account, partition, charter or cluster
     * @param per    day or week, or null without periods
     * @param sort   what the groups are sorted by: cpu, gpu, mem or jobs
     * @param total  every job of the window together
     * @param groups the groups, largest first
     */
    public record Summary(Instant since, Instant until, String by, String per, String sort, Group total,
                          List<Group> groups) {}

    /** What to sort the groups by, largest first. */
    public enum Sort {
        CPU, GPU, MEM, JOBS;

        public static Sort of(String word) {
            for (Sort s : values()) if (s.name().equalsIgnoreCase(word == null ? "" : word.strip())) return s;
            return null;
        }
    }

    /** The totals over every group. */
    public Group total() {
        return group("(all)", total, null);
    }

    /**
     * The groups, largest first by {@code sort} (ties by name), each with its budget where {@code budgets} names one.
     */
    public List<Group> groups(Sort sort, Map<String, Charter.Budget> budgets) {
        List<Group> out = new ArrayList<>();
        for (Map.Entry<String, Acc> e : groups.entrySet())
            out.add(group(e.getKey(), e.getValue(), budgets == null ? null : budgets.get(e.getKey())));
        Comparator<Group> by = switch (sort) {
            case CPU -> Comparator.comparingDouble(Group::cpuHours);
            case GPU -> Comparator.comparingDouble(Group::gpuHours);
            case MEM -> Comparator.comparingDouble(Group::memGbHours);
            case JOBS -> Comparator.comparingLong(Group::jobs);
        };
        out.sort(by.reversed().thenComparing(Group::name));
        return out;
    }

    private Group group(String name, Acc a, Charter.Budget budget) {
        Hours h = a.hours;
        List<Period> ps = null;
        if (bounds != null) {
            ps = new ArrayList<>();
            Hours cum = Hours.ZERO;
            for (int p = 0; p < periods(); p++) {
                Hours x = a.periodHours[p];
                cum = cum.plus(x);
                ps.add(new Period(bounds.get(p), bounds.get(p + 1), a.periodJobs[p], x.cpuHours(), x.gpuHours(),
                        x.memGbHours(), cum, Used.of(cum, budget)));
            }
        }
        Hours t = total.hours;
        return new Group(name, a.jobs, h.cpuHours(), h.gpuHours(), h.memGbHours(), share(h.cpuHours(), t.cpuHours()),
                share(h.gpuHours(), t.gpuHours()), share(h.memGbHours(), t.memGbHours()), budget, Used.of(h, budget), ps);
    }

    private static double share(double part, double whole) {
        return whole > 0 ? part / whole : 0;
    }
}
