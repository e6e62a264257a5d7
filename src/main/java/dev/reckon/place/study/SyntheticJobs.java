package dev.reckon.place.study;

import dev.reckon.sim.Workload;

import java.util.SplittableRandom;

/**
 * The study's seeded workloads: the jobs to place ({@link #placed}) and each cluster's background load
 * ({@link #background}). The same arguments give the same jobs on every machine.
 */
public final class SyntheticJobs {
    private SyntheticJobs() {}

    /**
     * {@code jobs} jobs to place, arriving as a Poisson process that offers {@code demandCores} busy cores on average.
     * Cores are 2^U(0,7) (1 to 128, small ones likelier); one job in eight asks for 1 to 8 GPUs; one in two hundred
     * asks for 16,384 cores (more than any archetype holds: nowhere placeable); runtimes are log-uniform from a minute
     * to a day, limits 1 to 4 times the runtime rounded up to 5 minutes; 50 users, a few submitting most.
     */
    public static Workload placed(int jobs, long seed, double demandCores) {
        if (jobs < 1 || demandCores <= 0) throw new IllegalArgumentException("jobs >= 1 and demand > 0");
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] cores = new long[jobs], gpus = new long[jobs], runtime = new long[jobs], limit = new long[jobs];
        int[] user = new int[jobs];
        double work = 0;
        for (int j = 0; j < jobs; j++) {
            cores[j] = rnd.nextInt(200) == 0 ? 16_384 : Math.max(1, Math.round(Math.pow(2, 7 * rnd.nextDouble())));
            gpus[j] = rnd.nextInt(8) == 0 ? 1 + rnd.nextInt(8) : 0;
            runtime[j] = logUniform(rnd, 60, 86_400);
            limit[j] = Math.max(runtime[j], (long) Math.ceil(runtime[j] * (1 + 3 * rnd.nextDouble()) / 300.0) * 300);
            double u = rnd.nextDouble();
            user[j] = (int) Math.min(49, (long) (50 * u * u * u));
            if (cores[j] < 16_384) work += (double) cores[j] * runtime[j];
        }
        double gap = work / demandCores / jobs;
        Workload.Builder b = new Workload.Builder();
        double t = 0;
        for (int j = 0; j < jobs; j++) {
            t += -Math.log(1 - rnd.nextDouble()) * gap;
            b.add(Integer.toString(j + 1), (long) t, limit[j], runtime[j], 0, cores[j], 0, gpus[j],
                    "user" + user[j], null, null);
        }
        return b.build();
    }

    /**
     * Other users' work on one cluster from {@code from} to {@code until} keeping {@code load} of its cores busy on
     * average: whole-node jobs (1 to 8 nodes, at most a quarter of the cluster), runtimes log-uniform from 10 minutes
     * to 12 hours, limits 1 to 3 times the runtime.
     */
    static Workload background(Provider p, long from, long until, long seed) {
        Workload.Builder b = new Workload.Builder();
        if (p.backgroundLoad() <= 0 || until <= from) return b.build();
        SplittableRandom rnd = new SplittableRandom(seed);
        int maxNodes = Math.max(1, Math.min(8, p.nodes() / 4));
        double meanNodes = (1 + maxNodes) / 2.0;
        double meanRun = (43_200 - 600) / Math.log(43_200 / 600.0);
        double gap = meanNodes * p.coresPerNode() * meanRun / (p.backgroundLoad() * p.cores());
        double t = from;
        int id = 0;
        while (true) {
            t += -Math.log(1 - rnd.nextDouble()) * gap;
            if (t >= until) break;
            int nodes = 1 + rnd.nextInt(maxNodes);
            long run = logUniform(rnd, 600, 43_200);
            long lim = Math.max(run, (long) Math.ceil(run * (1 + 2 * rnd.nextDouble()) / 300.0) * 300);
            if (p.maxTimeS() > 0) lim = Math.min(lim, p.maxTimeS());
            b.add("bg" + (++id), (long) t, lim, Math.min(run, lim), nodes, (long) nodes * p.coresPerNode(), 0, 0,
                    "background", null, null);
        }
        return b.build();
    }

    private static long logUniform(SplittableRandom rnd, double lo, double hi) {
        return Math.round(Math.exp(Math.log(lo) + rnd.nextDouble() * (Math.log(hi) - Math.log(lo))));
    }
}
