package dev.reckon.source;

import dev.reckon.model.JobState;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The seam between reckon's planners (the optimiser, enforcement) and a cluster: submit, poll, cancel, accounting,
 * and the cluster's own "now". Implemented by the real Slurm CLI ({@code source.slurm.SlurmCluster}) and by the
 * simulator on virtual time ({@code sim.SimulatedCluster}), so the same planning code runs against either.
 */
public interface Cluster {

    /**
     * A job to submit: one task on one node.
     *
     * @param name       the job name
     * @param cpus       CPUs, at least 1
     * @param memBytes   memory, bytes (0: the partition's default)
     * @param gpus       GPUs
     * @param timeLimitS time limit, seconds, at least 1
     * @param partition  the partition, or null for the default
     * @param comment    the job's comment (e.g. {@code charter=llm-ft}), or null
     * @param command    what the job runs (a shell command line); a simulated cluster ignores it
     */
    record Submission(String name, int cpus, long memBytes, int gpus, long timeLimitS, String partition,
                      String comment, String command) {
        public Submission {
            if (cpus < 1 || memBytes < 0 || gpus < 0 || timeLimitS < 1) {
                throw new IllegalArgumentException("a submission needs cpus >= 1, memory and GPUs >= 0, time >= 1 s");
            }
        }
    }

    /**
     * A job's state as the cluster knows it now.
     *
     * @param start        when it started; null while pending (or never)
     * @param end          when it ended; null while pending or running
     * @param exitCode     {@code code:signal} once ended, else null
     * @param peakMemBytes its largest memory use so far; null when unknown
     * @param elapsedS     how long it has run (so far), seconds
     */
    record JobStatus(String id, JobState state, Instant start, Instant end, String exitCode, Long peakMemBytes,
                     long elapsedS) {}

    /** Submits a job; returns its id. A cluster that refuses the job (it fits nowhere) raises an exception. */
    String submit(Submission s);

    /**
     * The jobs' states after waiting at most {@code wait} for any of them to change (zero: no wait). A real cluster
     * waits in wall-clock time; a simulated one advances its virtual clock to the next change or by {@code wait}.
     */
    List<JobStatus> poll(Collection<String> ids, Duration wait);

    /** Cancels a pending or running job; a job that has ended is left as it is. */
    void cancel(String id);

    /** The accounting records of the jobs among {@code ids} that have ended. */
    List<JobStatus> accounting(Collection<String> ids);

    /** The cluster's current time (virtual for a simulated cluster). */
    Instant now();
}
