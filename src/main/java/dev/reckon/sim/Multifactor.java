package dev.reckon.sim;

/**
 * Slurm-like multifactor priority: {@code weightAge * age + weightSize * size + weightFairshare * fairshare}, each
 * factor in [0, 1]. Age: time queued over {@code maxAge}, capped at 1. Size: the job's share of the machine's cores
 * (or one minus it, favouring small jobs). Fair-share (Slurm's classic formula): {@code 2^(-U/S)}, U the user's share
 * of all decayed usage, S the user's share of the machine (equal among the workload's users). Usage is core-seconds,
 * decayed continuously with the half-life, charged while jobs run. Factors are refreshed every {@code period}; a new
 * job gets age 0 and its user's fair-share as of the last refresh.
 */
final class Multifactor {
    private final Workload w;
    private final double wAge, wSize, wFs;
    private final double maxAge;
    private final double halfLife;
    private final long period;
    private final boolean favorSmall;
    private final double totalCores;
    private final double[] value;
    private final double[] usage;
    private final double[] rate;
    private final long[] last;
    private final double[] fairshare;

    Multifactor(Pool pool, SimDefaults d) {
        this.w = pool.workload();
        this.wAge = d.weightAge();
        this.wSize = d.weightSize();
        this.wFs = d.weightFairshare();
        this.maxAge = Math.max(1, d.maxAgeS());
        this.halfLife = Math.max(1, d.decayHalfLifeS());
        this.period = Math.max(1, d.calcPeriodS());
        this.favorSmall = d.favorSmall();
        this.totalCores = Math.max(1, pool.totalCores());
        this.value = new double[w.size()];
        int users = w.userCount();
        this.usage = new double[users];
        this.rate = new double[users];
        this.last = new long[users];
        this.fairshare = new double[users];
        java.util.Arrays.fill(fairshare, 1.0);
        java.util.Arrays.fill(last, Long.MIN_VALUE);
    }

    long period() {
        return period;
    }

    double value(int j) {
        return value[j];
    }

    double atSubmit(int j) {
        double p = wSize * size(j) + wFs * fairshare[w.userIndex(j)];
        value[j] = p;
        return p;
    }

    private double size(int j) {
        double s = Math.min(1, w.cores(j) / totalCores);
        return favorSmall ? 1 - s : s;
    }

    void started(int j, long now) {
        int u = w.userIndex(j);
        accrue(u, now);
        rate[u] += w.cores(j);
    }

    void ended(int j, long now) {
        int u = w.userIndex(j);
        accrue(u, now);
        rate[u] -= w.cores(j);
    }

    /** Brings user {@code u}'s decayed usage up to {@code now}: old usage decays, running cores add their integral. */
    private void accrue(int u, long now) {
        if (last[u] != Long.MIN_VALUE && now > last[u]) {
            double dt = now - last[u];
            double decay = Math.pow(2, -dt / halfLife);
            usage[u] = usage[u] * decay + rate[u] * halfLife / Math.log(2) * (1 - decay);
        }
        last[u] = now;
    }

    /** Refreshes every factor at {@code now}; returns the queued jobs in priority order (ties: submit order). */
    int[] recalc(int[] queued, long now) {
        int users = usage.length;
        double total = 0;
        for (int u = 0; u < users; u++) {
            accrue(u, now);
            total += usage[u];
        }
        double share = 1.0 / Math.max(1, users);
        for (int u = 0; u < users; u++) fairshare[u] = total <= 0 ? 1 : Math.pow(2, -(usage[u] / total) / share);
        double top = wAge + wSize + wFs;
        long[] keys = new long[queued.length];
        for (int k = 0; k < queued.length; k++) {
            int j = queued[k];
            double age = Math.min(1, (now - w.submit(j)) / maxAge);
            double p = wAge * age + wSize * size(j) + wFs * fairshare[w.userIndex(j)];
            value[j] = p;
            long q = (long) Math.max(0, Math.min((1L << 37) - 1, (top - p) / Math.max(top, 1e-9) * ((1L << 37) - 1)));
            keys[k] = (q << Pool.JOB_BITS) | j;
        }
        java.util.Arrays.sort(keys);
        int[] out = new int[queued.length];
        for (int k = 0; k < keys.length; k++) out[k] = (int) (keys[k] & Pool.JOB_MASK);
        return out;
    }
}
