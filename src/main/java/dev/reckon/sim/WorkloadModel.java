package dev.reckon.sim;

import dev.reckon.source.Cluster;

import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * What a submitted job truly needs, for a {@link SimulatedCluster}: how long it would run given all it needs, its
 * peak memory, and whether it fails of its own accord. The cluster then decides what happens under the job's
 * requests: too little memory kills it (out of memory), too short a limit times it out.
 */
public interface WorkloadModel {

    /**
     * A job's truth.
     *
     * @param runtimeS     how long it runs to its end, seconds
     * @param peakMemBytes its peak memory, bytes (0: not modelled, never out of memory)
     * @param fails        whether it ends FAILED (exit 1) instead of COMPLETED
     */
    record Outcome(long runtimeS, long peakMemBytes, boolean fails) {
        public Outcome {
            if (runtimeS < 0 || peakMemBytes < 0) throw new IllegalArgumentException("runtime and memory >= 0");
        }
    }

    /** The truth of one submission. Called once per submission, in submission order. */
    Outcome outcome(Cluster.Submission s);

    /**
     * A model with noise from a fixed seed: {@code typical}'s runtime and peak memory each scaled by a factor drawn
     * uniformly from {@code [1 - jitter, 1 + jitter]}, and a failure drawn with probability {@code failureRate}
     * (or {@code typical}'s own verdict). The same seed and submissions give the same outcomes.
     */
    static WorkloadModel seeded(long seed, Function<Cluster.Submission, Outcome> typical, double jitter,
                                double failureRate) {
        if (jitter < 0 || jitter >= 1 || failureRate < 0 || failureRate > 1) {
            throw new IllegalArgumentException("jitter in [0, 1), failure rate in [0, 1]");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        return s -> {
            Outcome o = typical.apply(s);
            double a = 1 + jitter * (2 * rnd.nextDouble() - 1), b = 1 + jitter * (2 * rnd.nextDouble() - 1);
            boolean fails = rnd.nextDouble() < failureRate || o.fails();
            return new Outcome(Math.round(o.runtimeS() * a), Math.round(o.peakMemBytes() * b), fails);
        };
    }
}
