package dev.reckon.exits;

import dev.reckon.model.Hours;
import dev.reckon.model.Job;

import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

/**
 * What one charter's jobs consumed over time, from {@code from} (its window start; null: from the first job) up to
 * {@code at}: a piecewise-linear running total, so that "how much by then" and "when did it reach so much" are both
 * answered exactly. A job counts from its start until its end, or until {@code at} while it runs.
 */
final class Usage {
    private final Instant from;
    private final Instant at;
    private final List<Job> jobs;
    /** The moments the rate changes (starts and ends, clipped to [from, at]), and the running total at each. */
    private final Instant[] times;
    private final Hours[] totals;

    Usage(List<Job> jobs, Instant from, Instant at) {
        this.from = from;
        this.at = at;
        this.jobs = List.copyOf(jobs);
        TreeSet<Instant> ts = new TreeSet<>();
        for (Job j : jobs) {
            if (j.start() == null || j.start().isAfter(at)) continue;
            ts.add(clip(j.start()));
            if (j.end() != null) ts.add(clip(j.end()));
        }
        ts.add(at);
        if (from != null) ts.add(clip(from));
        times = ts.toArray(new Instant[0]);
        totals = sweep();
    }

    /**
     * The running total at each of {@link #times}, in one sweep: each job adds its hourly rate from its start (from
     * {@code from} on) until its end (a running job: on to {@code at}); n log n for a charter of many jobs, where
     * summing every job at every moment was n squared.
     */
    private Hours[] sweep() {
        int n = 0;
        long[] at = new long[2 * jobs.size()];
        double[][] delta = new double[2 * jobs.size()][];
        for (Job j : jobs) {
            if (j.start() == null || j.start().isAfter(this.at)) continue;
            Instant a = from != null && j.start().isBefore(from) ? from : j.start();
            if (j.end() != null && !j.end().isAfter(a)) continue;
            Hours r = Hours.perHour(j);
            at[n] = a.toEpochMilli();
            delta[n++] = new double[] {r.gpuHours(), r.cpuHours(), r.memGbHours()};
            if (j.end() != null && !j.end().isAfter(this.at)) {
                at[n] = j.end().toEpochMilli();
                delta[n++] = new double[] {-r.gpuHours(), -r.cpuHours(), -r.memGbHours()};
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, java.util.Comparator.comparingLong(i -> at[i]));
        Hours[] out = new Hours[times.length];
        double g = 0, c = 0, m = 0, rg = 0, rc = 0, rm = 0;
        int e = 0;
        for (int i = 0; i < times.length; i++) {
            long t = times[i].toEpochMilli();
            if (i > 0) {
                double h = (t - times[i - 1].toEpochMilli()) / 3_600_000.0;
                g += rg * h;
                c += rc * h;
                m += rm * h;
            }
            while (e < n && at[order[e]] <= t) {
                double[] d = delta[order[e++]];
                rg += d[0];
                rc += d[1];
                rm += d[2];
            }
            out[i] = new Hours(g, c, m);
        }
        return out;
    }

    /** The moments the running total is kept at, in order (for tests). */
    Instant[] moments() {
        return times.clone();
    }

    /** The running total at {@link #moments()}{@code [i]}. */
    Hours totalAt(int i) {
        return totals[i];
    }

    private Instant clip(Instant t) {
        if (from != null && t.isBefore(from)) return from;
        return t.isAfter(at) ? at : t;
    }

    /** The first moment any job of it ran (from on), or null when none has. */
    Instant firstStart() {
        Instant first = null;
        for (Job j : jobs) {
            if (j.start() == null || j.start().isAfter(at)) continue;
            Instant s = from != null && j.start().isBefore(from) ? from : j.start();
            if (j.end() != null && from != null && !j.end().isAfter(from)) continue;
            if (first == null || s.isBefore(first)) first = s;
        }
        return first;
    }

    /** What was consumed from {@code from} until {@code t} (at most {@code at}). */
    Hours used(Instant t) {
        Instant until = t.isAfter(at) ? at : t;
        Hours sum = Hours.ZERO;
        for (Job j : jobs) sum = sum.plus(Hours.held(j, from, until));
        return sum;
    }

    /** What was consumed from {@code since} until {@code at}. */
    Hours since(Instant since) {
        return used(at).minus(used(since));
    }

    /** Whether any job of it holds its allocation at {@code at} (started, not ended). */
    boolean runningAt() {
        for (Job j : jobs) {
            if (j.start() != null && !j.start().isAfter(at) && (j.end() == null || j.end().isAfter(at))
                    && Hours.perHour(j).any()) return true;
        }
        return false;
    }

    /** The first moment at or before {@code at} by which {@code amount} of the resource was consumed; null when never. */
    Instant reached(Hours.Resource r, double amount) {
        if (amount <= 0) return times.length == 0 ? null : firstStart() == null ? times[0] : firstStart();
        for (int i = 0; i < times.length; i++) {
            double v = totals[i].of(r);
            if (v + 1e-9 < amount) continue;
            if (i == 0) return times[0];
            double before = totals[i - 1].of(r);
            long span = times[i].toEpochMilli() - times[i - 1].toEpochMilli();
            double f = v - before <= 0 ? 1 : (amount - before) / (v - before);
            return Instant.ofEpochMilli(times[i - 1].toEpochMilli() + Math.round(span * Math.min(1, Math.max(0, f))));
        }
        return null;
    }
}
