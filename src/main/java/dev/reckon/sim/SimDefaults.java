package dev.reckon.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Properties;

/**
 * Every default of the simulator, read from the one file that holds them:
 * {@code src/main/resources/dev/reckon/sim/defaults.properties}. Callers change a value with the record's
 * {@code with...} methods, never by carrying a default of their own.
 *
 * @param backfillDepth        queued jobs one backfill pass tests, head included (Slurm's {@code bf_max_job_test})
 * @param weightAge            multifactor weight of the age factor ({@code PriorityWeightAge})
 * @param weightSize           multifactor weight of the job-size factor ({@code PriorityWeightJobSize})
 * @param weightFairshare      multifactor weight of the fair-share factor ({@code PriorityWeightFairshare})
 * @param maxAgeS              age at which the age factor reaches 1 ({@code PriorityMaxAge}), seconds
 * @param decayHalfLifeS       half-life of past usage ({@code PriorityDecayHalfLife}), seconds
 * @param calcPeriodS          how often priorities are recomputed ({@code PriorityCalcPeriod}), seconds
 * @param favorSmall           whether smaller jobs rank higher ({@code PriorityFavorSmall})
 * @param slowdownBoundS       the bounded-slowdown threshold, seconds
 * @param samples              points in the sampled series of the metrics
 * @param syntheticSeed        the synthetic generator's seed
 * @param syntheticLoad        offered load of synthetic workloads, a fraction of the machine's cores
 * @param syntheticExactFraction share of synthetic jobs whose runtime equals their limit
 * @param syntheticUsers       users in synthetic workloads
 * @param benchSyntheticJobs   sizes of the bench's synthetic workloads
 * @param benchConservativeMaxJobs the largest synthetic workload the bench gives conservative backfill
 * @param benchNodes           nodes of the bench's synthetic machine
 * @param benchCoresPerNode    cores per node of the bench's synthetic machine
 * @param rightSizing          how the what-if right-sizes time limits and memory to what jobs used
 * @param addNodesPercent      the what-if's default extra nodes, percent
 * @param predictPolicy        the policy {@code reckon predict} simulates the live queue under
 * @param fidelityTurnaroundS  {@code bench fidelity}: seconds a real scheduler takes from a job's end to the next
 *                             start on its resources, added to each replayed job's hold
 * @param fidelityOrderToleranceS {@code bench fidelity}: real starts closer than this are not held to an order
 * @param predictJobByJob      whether {@code reckon predict} on a live Slurm cluster replays its queue with Slurm's own
 *                             scheduler job by job ({@link SlurmModel}) where it can, {@code predictPolicy} otherwise
 */
public record SimDefaults(int backfillDepth, double weightAge, double weightSize, double weightFairshare, long maxAgeS,
                          long decayHalfLifeS, long calcPeriodS, boolean favorSmall, long slowdownBoundS, int samples,
                          long syntheticSeed, double syntheticLoad, double syntheticExactFraction, int syntheticUsers,
                          int[] benchSyntheticJobs, int benchConservativeMaxJobs, int benchNodes, int benchCoresPerNode,
                          RightSizing rightSizing, double addNodesPercent, String predictPolicy,
                          long fidelityTurnaroundS, long fidelityOrderToleranceS, boolean predictJobByJob) {

    private static final SimDefaults LOADED = read();

    /** The defaults as the file gives them. */
    public static SimDefaults load() {
        return LOADED;
    }

    /** These defaults with another backfill depth. */
    public SimDefaults withBackfillDepth(int depth) {
        if (depth < 1) throw new IllegalArgumentException("backfill depth must be at least 1");
        return new SimDefaults(depth, weightAge, weightSize, weightFairshare, maxAgeS, decayHalfLifeS, calcPeriodS,
                favorSmall, slowdownBoundS, samples, syntheticSeed, syntheticLoad, syntheticExactFraction,
                syntheticUsers, benchSyntheticJobs, benchConservativeMaxJobs, benchNodes, benchCoresPerNode,
                rightSizing, addNodesPercent, predictPolicy, fidelityTurnaroundS, fidelityOrderToleranceS, predictJobByJob);
    }

    /** These defaults with another decay half-life of fair-share usage. */
    public SimDefaults withDecayHalfLife(long seconds) {
        return new SimDefaults(backfillDepth, weightAge, weightSize, weightFairshare, maxAgeS, seconds, calcPeriodS,
                favorSmall, slowdownBoundS, samples, syntheticSeed, syntheticLoad, syntheticExactFraction,
                syntheticUsers, benchSyntheticJobs, benchConservativeMaxJobs, benchNodes, benchCoresPerNode,
                rightSizing, addNodesPercent, predictPolicy, fidelityTurnaroundS, fidelityOrderToleranceS, predictJobByJob);
    }

    private static SimDefaults read() {
        Properties p = new Properties();
        try (InputStream in = SimDefaults.class.getResourceAsStream("/dev/reckon/sim/defaults.properties")) {
            if (in == null) throw new IllegalStateException("dev/reckon/sim/defaults.properties is missing");
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SimDefaults(
                Integer.parseInt(need(p, "backfill.depth")),
                Double.parseDouble(need(p, "priority.weight.age")),
                Double.parseDouble(need(p, "priority.weight.size")),
                Double.parseDouble(need(p, "priority.weight.fairshare")),
                Long.parseLong(need(p, "priority.max_age_s")),
                Long.parseLong(need(p, "priority.decay_half_life_s")),
                Long.parseLong(need(p, "priority.calc_period_s")),
                Boolean.parseBoolean(need(p, "priority.favor_small")),
                Long.parseLong(need(p, "metrics.slowdown_bound_s")),
                Integer.parseInt(need(p, "metrics.samples")),
                Long.parseLong(need(p, "synthetic.seed")),
                Double.parseDouble(need(p, "synthetic.load")),
                Double.parseDouble(need(p, "synthetic.exact_fraction")),
                Integer.parseInt(need(p, "synthetic.users")),
                Arrays.stream(need(p, "bench.synthetic_jobs").split(",")).map(String::strip)
                        .mapToInt(Integer::parseInt).toArray(),
                Integer.parseInt(need(p, "bench.conservative_max_jobs")),
                Integer.parseInt(need(p, "bench.nodes")),
                Integer.parseInt(need(p, "bench.cores_per_node")),
                new RightSizing(Double.parseDouble(need(p, "rightsize.time_margin")),
                        Long.parseLong(need(p, "rightsize.time_floor_s")),
                        Double.parseDouble(need(p, "rightsize.mem_margin")),
                        Long.parseLong(need(p, "rightsize.mem_floor_mib")) << 20),
                Double.parseDouble(need(p, "whatif.add_nodes_percent")),
                need(p, "predict.policy"),
                Long.parseLong(need(p, "fidelity.turnaround_s")),
                Long.parseLong(need(p, "fidelity.order_tolerance_s")),
                Boolean.parseBoolean(need(p, "predict.job_by_job")));
    }

    private static String need(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) throw new IllegalStateException("dev/reckon/sim/defaults.properties has no " + key);
        return v.strip();
    }
}
