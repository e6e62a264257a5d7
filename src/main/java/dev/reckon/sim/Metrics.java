package dev.reckon.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The figures of one simulated schedule, over the jobs that ran.
 *
 * @param jobs                jobs that ran
 * @param dropped             jobs dropped as unfit for the machine
 * @param meanWaitS           mean wait (start - submit), seconds
 * @param medianWaitS         median wait (nearest rank), seconds
 * @param p95WaitS            95th percentile wait (nearest rank), seconds
 * @param maxWaitS            longest wait, seconds
 * @param meanBoundedSlowdown mean of {@code max(1, (wait + run) / max(run, bound))}, bound from the defaults (10 s)
 * @param utilisation         core-seconds used / (cores x makespan)
 * @param makespanS           last end - first submit, seconds
 * @param firstSubmit         first submit, trace clock
 * @param lastEnd             last end, trace clock
 * @param endedAtLimit        jobs ended at their time limit because their runtime exceeded it
 * @param series              the queue and the machine sampled over the makespan
 */
public record Metrics(long jobs, long dropped, double meanWaitS, double medianWaitS, double p95WaitS, double maxWaitS,
                      double meanBoundedSlowdown, double utilisation, long makespanS, long firstSubmit, long lastEnd,
                      long endedAtLimit, List<Sample> series) {

    /**
     * One point of the sampled series.
     *
     * @param time        the instant, trace clock (start of its interval)
     * @param queued      jobs submitted and not yet started at {@code time}
     * @param running     jobs running at {@code time}
     * @param utilisation busy cores over the interval from {@code time} to the next point, as a fraction of all cores
     */
    public record Sample(long time, long queued, long running, double utilisation) {
    }

    /** The metrics of a result. */
    public static Metrics of(SimResult r) {
        Workload w = r.workload();
        SimDefaults d = r.defaults();
        int n = w.size();
        long[] waits = new long[n];
        int m = 0;
        double sumWait = 0, sumSlow = 0, coreSeconds = 0;
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE, atLimit = 0;
        double bound = Math.max(1, d.slowdownBoundS());
        for (int j = 0; j < n; j++) {
            if (!r.ran(j)) continue;
            long wait = r.wait(j);
            long run = r.end(j) - r.start(j);
            waits[m++] = wait;
            sumWait += wait;
            sumSlow += Math.max(1.0, (wait + run) / Math.max(run, bound));
            coreSeconds += (double) run * w.cores(j);
            first = Math.min(first, w.submit(j));
            last = Math.max(last, r.end(j));
            if (r.endedAtLimit(j)) atLimit++;
        }
        if (m == 0) return new Metrics(0, r.dropped().size(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, List.of());
        long[] sorted = Arrays.copyOf(waits, m);
        Arrays.sort(sorted);
        long makespan = last - first;
        double cores = r.machine().totalCores();
        double util = makespan > 0 ? coreSeconds / (cores * makespan) : 0;
        return new Metrics(m, r.dropped().size(), sumWait / m, rank(sorted, 0.5), rank(sorted, 0.95), sorted[m - 1],
                sumSlow / m, util, makespan, first, last, atLimit, series(r, first, last, Math.max(2, d.samples())));
    }

    private static double rank(long[] sorted, double q) {
        int k = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, k))];
    }

    private static List<Sample> series(SimResult r, long first, long last, int samples) {
        Workload w = r.workload();
        int n = w.size();
        long span = Math.max(1, last - first);
        double step = span / (double) samples;
        long[] queuedDelta = new long[samples + 1];
        long[] runningDelta = new long[samples + 1];
        double[] busy = new double[samples];
        for (int j = 0; j < n; j++) {
            if (!r.ran(j)) continue;
            long s = w.submit(j), st = r.start(j), e = r.end(j);
            // counts at sample instants t_k = first + k*step: queued when s <= t_k < st, running when st <= t_k < e
            int a = firstAtOrAfter(s, first, step, samples), b = firstAtOrAfter(st, first, step, samples);
            queuedDelta[a]++;
            queuedDelta[b]--;
            int c = firstAtOrAfter(e, first, step, samples);
            runningDelta[b]++;
            runningDelta[c]--;
            if (e > st) {
                int k0 = (int) Math.min(samples - 1, (long) ((st - first) / step));
                int k1 = (int) Math.min(samples - 1, (long) ((e - first) / step));
                for (int k = k0; k <= k1; k++) {
                    double lo = Math.max(st, first + k * step), hi = Math.min(e, first + (k + 1) * step);
                    if (hi > lo) busy[k] += (hi - lo) * w.cores(j);
                }
            }
        }
        double cores = r.machine().totalCores();
        List<Sample> out = new ArrayList<>(samples);
        long q = 0, run = 0;
        for (int k = 0; k < samples; k++) {
            q += queuedDelta[k];
            run += runningDelta[k];
            out.add(new Sample(first + Math.round(k * step), q, run, busy[k] / (cores * step)));
        }
        return out;
    }

    /** The index of the first sample instant at or after {@code t}. */
    private static int firstAtOrAfter(long t, long first, double step, int samples) {
        double x = (t - first) / step;
        int k = (int) Math.ceil(x);
        return Math.max(0, Math.min(samples, k));
    }
}
