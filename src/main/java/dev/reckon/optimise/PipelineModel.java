package dev.reckon.optimise;

import dev.reckon.sim.Machine;
import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.SimulatedCluster;
import dev.reckon.sim.Workload;
import dev.reckon.sim.WorkloadModel;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A pipeline's workload as a model, to try the optimiser on a simulated cluster in seconds: the machine, the other
 * users' load on it, and per stage how a job's runtime, peak memory and failures depend on its shape. Read from a
 * model file by {@link ModelFile} (format: {@code docs/optimise.md}).
 *
 * <p>A job of stage S doing {@code n} shards with {@code c} CPUs and {@code g} GPUs runs
 * {@code startup + work_per_shard x n x (serial + (1 - serial) / c) / (g > 0 ? gpu_speedup : 1)} seconds (Amdahl's
 * law; the speedup does not grow with more GPUs) and peaks at {@code mem_base + mem_per_shard x n} bytes; both are
 * scaled by a factor drawn uniformly from {@code [1 - noise, 1 + noise]}, and it fails with probability
 * {@code failure_rate}. Which stage and how many shards a submission is about comes from its comment,
 * {@code stage=<name>,shards=<n>} (the convention of {@link Commands#comment}).
 *
 * @param machine    the simulated cluster's nodes
 * @param background the other users' load; null for an idle cluster
 * @param seed       the seed of the jobs' noise and failures
 * @param noise      runtime and memory jitter, a fraction in {@code [0, 1)}
 * @param policy     the scheduler: {@code fcfs}, {@code easy} or {@code conservative}
 * @param stages     each stage's model, by stage name
 */
public record PipelineModel(Machine machine, Background background, long seed, double noise, String policy,
                            Map<String, StageModel> stages) {
    /** The scheduling policies a simulated cluster runs. */
    public static final List<String> POLICIES = List.of("fcfs", "easy", "conservative");
    /** The most background jobs generated. */
    public static final int MAX_BACKGROUND_JOBS = 200_000;

    public PipelineModel {
        Objects.requireNonNull(machine, "machine");
        if (noise < 0 || noise >= 1) throw new IllegalArgumentException("noise in [0, 1)");
        if (!POLICIES.contains(policy)) throw new IllegalArgumentException("policy one of " + POLICIES);
        stages = Map.copyOf(stages);
    }

    /**
     * How one stage's jobs behave.
     *
     * @param workPerShardS    CPU seconds per shard on one core
     * @param serialFraction   the part of the work that does not spread over CPUs, in {@code [0, 1]}
     * @param gpuSpeedup       how many times faster the work runs with a GPU (1: the GPU sits idle)
     * @param startupS         per-job overhead, seconds (loading, staging), not sped up
     * @param memBaseBytes     peak memory of a job doing nothing, bytes
     * @param memPerShardBytes peak memory each shard of a job adds, bytes
     * @param failureRate      the probability that a job fails of its own accord, in {@code [0, 1]}
     */
    public record StageModel(long workPerShardS, double serialFraction, double gpuSpeedup, long startupS,
                             long memBaseBytes, long memPerShardBytes, double failureRate) {
        public StageModel {
            if (workPerShardS < 0 || startupS < 0 || memBaseBytes < 0 || memPerShardBytes < 0)
                throw new IllegalArgumentException("work, startup and memory >= 0");
            if (!(serialFraction >= 0 && serialFraction <= 1) || !(failureRate >= 0 && failureRate <= 1))
                throw new IllegalArgumentException("serial fraction and failure rate in [0, 1]");
            if (!(gpuSpeedup > 0) || Double.isInfinite(gpuSpeedup)) throw new IllegalArgumentException("gpu speedup > 0");
        }

        /** The runtime of a job of {@code shards} shards with {@code cpus} CPUs and {@code gpus} GPUs, seconds, unjittered. */
        public double runtimeS(int cpus, int gpus, int shards) {
            double compute = (double) workPerShardS * shards * (serialFraction + (1 - serialFraction) / Math.max(1, cpus));
            return startupS + compute / (gpus > 0 ? gpuSpeedup : 1);
        }

        /** The peak memory of a job of {@code shards} shards, bytes, unjittered. */
        public double peakBytes(int shards) {
            return memBaseBytes + (double) memPerShardBytes * shards;
        }
    }

    /**
     * Other users' load: jobs of {@code jobCores} cores on one node running {@code jobTimeS} each, arriving as a
     * Poisson process whose rate keeps {@code utilisation} of the machine's cores busy on average; the machine starts
     * already at that load (jobs part-way through their runs), and arrivals go on for {@code horizonS}.
     */
    public record Background(double utilisation, int jobCores, long jobTimeS, long seed, long horizonS) {
        public Background {
            if (!(utilisation > 0 && utilisation <= 1.5) || jobCores < 1 || jobTimeS < 1 || horizonS < 1)
                throw new IllegalArgumentException("utilisation in (0, 1.5], job cores, job time and horizon >= 1");
        }
    }

    /** The model of one stage; null when the model has none of that name. */
    public StageModel stage(String name) {
        return stages.get(name);
    }

    /**
     * The truth of each submission for a {@link SimulatedCluster}, drawn in submission order from the model's seed:
     * the same seed and submissions give the same outcomes.
     *
     * @throws IllegalArgumentException (from {@code outcome}) for a submission whose comment names no modelled stage
     *                                  or no shard count
     */
    public WorkloadModel workloadModel() {
        SplittableRandom rnd = new SplittableRandom(seed);
        return s -> {
            Map<String, String> tags = Commands.tags(s.comment());
            String name = tags.get("stage");
            StageModel m = name == null ? null : stages.get(name);
            if (m == null) {
                throw new IllegalArgumentException("job " + s.name() + ": its comment "
                        + (s.comment() == null ? "is empty" : "\"" + s.comment() + "\"") + " names "
                        + (name == null ? "no stage=" : "stage " + name + ", which the model has not") + " (it models "
                        + String.join(", ", new TreeMap<>(stages).keySet()) + ")");
            }
            int shards;
            try {
                shards = Integer.parseInt(tags.getOrDefault("shards", ""));
            } catch (NumberFormatException e) {
                shards = 0;
            }
            if (shards < 1) {
                throw new IllegalArgumentException("job " + s.name() + ": its comment names no shards=<n> (n >= 1)");
            }
            double a = 1 + noise * (2 * rnd.nextDouble() - 1), b = 1 + noise * (2 * rnd.nextDouble() - 1);
            boolean fails = rnd.nextDouble() < m.failureRate();
            long runtime = Math.max(1, Math.round(m.runtimeS(s.cpus(), s.gpus(), shards) * a));
            long peak = Math.round(m.peakBytes(shards) * b);
            return new WorkloadModel.Outcome(runtime, peak, fails);
        };
    }

    /** The background load's jobs, on a clock starting at 0 (the cluster's start); null when there is none. */
    public Workload backgroundLoad() {
        if (background == null) return null;
        Background bg = background;
        SplittableRandom rnd = new SplittableRandom(bg.seed());
        double busyJobs = bg.utilisation() * machine.totalCores() / bg.jobCores();
        double rate = busyJobs / bg.jobTimeS(); // jobs per second
        Workload.Builder b = new Workload.Builder();
        int id = 1;
        // already running at the start: the steady state's residual runtimes are uniform over a job's time
        long initial = Math.round(busyJobs);
        for (long k = 0; k < initial && id <= MAX_BACKGROUND_JOBS; k++) {
            long left = 1 + (long) (rnd.nextDouble() * bg.jobTimeS());
            b.add(Integer.toString(id++), 0, left, left, 1, bg.jobCores(), 0, 0, "background", null, null);
        }
        double t = 0;
        while (id <= MAX_BACKGROUND_JOBS) {
            t += -Math.log(1 - rnd.nextDouble()) / rate;
            if (t >= bg.horizonS()) break;
            b.add(Integer.toString(id++), (long) t, bg.jobTimeS(), bg.jobTimeS(), 1, bg.jobCores(), 0, 0, "background",
                    null, null);
        }
        return b.build();
    }

    /** A simulated cluster of this model starting at {@code start}: the machine, the background load, the policy. */
    public SimulatedCluster simulatedCluster(Instant start) {
        return new SimulatedCluster(machine, workloadModel(), backgroundLoad(), start, policy, SimDefaults.load());
    }

    /** The stage names of a campaign this model has no model for (a simulated campaign needs them all). */
    public List<String> unmodelled(Campaign campaign) {
        return campaign.stages().stream().map(Stage::name).filter(n -> !stages.containsKey(n)).toList();
    }
}
