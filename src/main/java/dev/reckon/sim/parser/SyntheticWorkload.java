package dev.reckon.sim.parser;

import dev.reckon.sim.Machine;
import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.Workload;

import java.util.SplittableRandom;

/**
 * A synthetic workload with a fixed seed, the same jobs for the same arguments on every machine. Half the jobs use
 * part of one node (1 to all its cores), the rest whole nodes (1 to 64, powers of two more likely); runtimes are
 * log-uniform from one minute to a day; a share of jobs (the defaults' {@code exact_fraction}) ask for exactly their
 * runtime, the others for 1 to 5 times it, rounded up to 5 minutes; users follow a skewed law (a few users submit most
 * jobs). Arrivals are a Poisson process whose rate offers the machine the defaults' {@code load} (a fraction of its
 * cores kept busy on average, if the schedule were perfect). Ids are {@code 1..n}; memory and GPUs are not asked.
 */
public final class SyntheticWorkload {
    private SyntheticWorkload() {}

    /** {@code jobs} jobs for {@code machine} (its first group's cores per node), drawn with the defaults' seed. */
    public static Workload generate(int jobs, Machine machine, SimDefaults d) {
        return generate(jobs, machine, d.syntheticSeed(), d.syntheticLoad(), d.syntheticExactFraction(),
                d.syntheticUsers());
    }

    /** The same with every parameter given. */
    public static Workload generate(int jobs, Machine machine, long seed, double load, double exactFraction,
                                    int users) {
        if (jobs < 0 || load <= 0 || users < 1) throw new IllegalArgumentException("jobs >= 0, load > 0, users >= 1");
        SplittableRandom rnd = new SplittableRandom(seed);
        int cpn = machine.groups().get(0).cores();
        int maxNodes = (int) Math.min(64, machine.groups().get(0).nodes());
        int[] nodes = new int[jobs];
        long[] cores = new long[jobs];
        long[] runtime = new long[jobs];
        long[] limit = new long[jobs];
        int[] user = new int[jobs];
        double work = 0;
        int maxExp = 31 - Integer.numberOfLeadingZeros(Math.max(1, maxNodes));
        for (int j = 0; j < jobs; j++) {
            if (rnd.nextDouble() < 0.5) {
                nodes[j] = 1;
                cores[j] = 1 + rnd.nextInt(cpn);
            } else {
                int n = rnd.nextDouble() < 0.7 ? 1 << rnd.nextInt(maxExp + 1) : 1 + rnd.nextInt(Math.max(1, maxNodes));
                nodes[j] = n;
                cores[j] = (long) n * cpn;
            }
            runtime[j] = Math.round(Math.exp(Math.log(60) + rnd.nextDouble() * (Math.log(86_400) - Math.log(60))));
            if (rnd.nextDouble() < exactFraction) {
                limit[j] = runtime[j];
            } else {
                long l = (long) Math.ceil(runtime[j] * (1 + 4 * rnd.nextDouble()) / 300.0) * 300;
                limit[j] = Math.max(l, runtime[j]);
            }
            double u = rnd.nextDouble();
            user[j] = (int) Math.min(users - 1, (long) (users * u * u * u));
            work += (double) cores[j] * runtime[j];
        }
        double span = work / (load * machine.totalCores());
        double meanGap = jobs == 0 ? 1 : span / jobs;
        Workload.Builder b = new Workload.Builder();
        double t = 0;
        for (int j = 0; j < jobs; j++) {
            t += -Math.log(1 - rnd.nextDouble()) * meanGap;
            b.add(Integer.toString(j + 1), (long) t, limit[j], runtime[j], nodes[j], cores[j], 0, 0,
                    "user" + user[j], null, null);
        }
        return b.build();
    }
}
