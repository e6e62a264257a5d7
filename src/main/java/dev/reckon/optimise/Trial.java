package dev.reckon.optimise;

import java.util.List;
import java.util.Locale;

/**
 * One experiment: a configuration tried on part of a stage's work, why, and what it showed.
 *
 * @param round          0 smoke, 1 sweep, 2 and on scale
 * @param number         its number in the campaign (1, 2, ...), stable across resumes
 * @param stage          the stage
 * @param hypothesis     what it tests, in plain words
 * @param shape          the configuration
 * @param firstShard     the first unit of the stage's work it does (0-based)
 * @param jobs           how many jobs it submits (each {@code shape.shardsPerJob()} units, the last maybe fewer)
 * @param shards         how many units of work it does in all
 * @param status         where it stands
 * @param jobIds         the cluster's ids of its jobs, in submission order (empty until submitted)
 * @param predictedWaitS the queue wait predicted before it was sent; null when none could be
 * @param result         what its jobs showed; null until they have all ended
 */
public record Trial(int round, int number, String stage, String hypothesis, Shape shape, int firstShard, int jobs,
                    int shards, Status status, List<String> jobIds, Long predictedWaitS, Result result) {
    public Trial {
        jobIds = List.copyOf(jobIds);
    }

    /** Where a trial stands. */
    public enum Status {
        /** Planned and claimed in the campaign's state; not (known to be) sent. */
        PLANNED,
        /** Its jobs are on the cluster. */
        SUBMITTED,
        /** All its jobs have ended. */
        DONE,
        /** Not sent: refused (budget), or stopped by a safety rule. */
        REFUSED;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What a trial's jobs showed.
     *
     * @param completed     jobs that ended COMPLETED
     * @param ooms          jobs killed for memory
     * @param timeouts      jobs ended at their time limit
     * @param failures      jobs that failed otherwise (or were cancelled)
     * @param meanWaitS     mean queue wait, seconds
     * @param meanRuntimeS  mean runtime of the completed jobs (of all, when none completed), seconds
     * @param peakMemBytes  the largest peak memory seen
     * @param wallClockS    from the first submission to the last end, seconds
     * @param cpuHours      CPU-hours held (allocated x elapsed)
     * @param gpuHours      GPU-hours held
     * @param peaks         each job's peak memory with its shard count: {@code [shards, peak]} pairs
     * @param runtimes      each completed job's runtime with its shard count: {@code [shards, seconds]} pairs
     */
    public record Result(int completed, int ooms, int timeouts, int failures, double meanWaitS, double meanRuntimeS,
                         long peakMemBytes, double wallClockS, double cpuHours, double gpuHours, List<long[]> peaks,
                         List<long[]> runtimes) {
        public Result {
            peaks = List.copyOf(peaks);
            runtimes = List.copyOf(runtimes);
        }

        /** Whether every job completed. */
        public boolean clean() {
            return ooms == 0 && timeouts == 0 && failures == 0;
        }
    }

    public Trial with(Status s, List<String> ids, Result r) {
        return new Trial(round, number, stage, hypothesis, shape, firstShard, jobs, shards, s, ids, predictedWaitS, r);
    }

    public Trial refused(String why) {
        return new Trial(round, number, stage, hypothesis + " — not sent: " + why, shape, firstShard, jobs, shards,
                Status.REFUSED, List.of(), predictedWaitS, null);
    }
}
