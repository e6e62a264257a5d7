package dev.reckon.optimise;

import dev.reckon.model.JobState;
import dev.reckon.source.Cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole pipeline run at given shapes: every stage's target work, stage after stage in dependency order, at most
 * {@code concurrency} jobs of a stage at once, failed jobs sent again as the {@link Retry} rule says. What the
 * benches compare strategies by, and the simulator's estimate in the round report.
 */
public final class PipelineRun {
    private PipelineRun() {}

    /** What is done with a job that did not complete. */
    public enum Retry {
        /** Nothing: its work stays undone. */
        NONE,
        /** Sent again as it was, up to twice (what a user resubmitting does). */
        SAME,
        /** Sent again with memory x the attempt's number, up to three attempts (Nextflow's memory * task.attempt). */
        MORE_MEMORY
    }

    /**
     * The run's figures.
     *
     * @param wallClockS from the first submission to the last end, seconds
     * @param queueS     the jobs' queue waits, summed, seconds
     * @param runtimeS   the completed jobs' runtimes, summed, seconds
     * @param retryS     the failed attempts' runtimes, summed, seconds
     * @param unfinished units of work left undone
     */
    public record Result(double wallClockS, double queueS, double runtimeS, double retryS, int jobs, int retries,
                         int ooms, int timeouts, int unfinished, double cpuHours, double gpuHours,
                         Map<String, Double> stageWallClockS) {}

    public static Result run(Campaign c, Map<String, Shape> shapes, Cluster cluster, Retry retry) {
        Instant t0 = cluster.now();
        double queue = 0, runtime = 0, retryS = 0, cpuH = 0, gpuH = 0;
        int jobs = 0, retries = 0, ooms = 0, timeouts = 0, unfinished = 0;
        Map<String, Double> stageWall = new LinkedHashMap<>();
        Optimiser order = new Optimiser(c, cluster, null, new Optimiser.MemoryLog(), Optimiser.Budget.UNLIMITED,
                Optimiser.Settings.DEFAULT);
        for (Stage s : order.ordered()) {
            Shape shape = shapes.getOrDefault(s.name(), s.start());
            List<Runner.Job> js = new ArrayList<>();
            for (int first = 0; first < s.shards(); first += shape.shardsPerJob()) {
                int n = Math.min(shape.shardsPerJob(), s.shards() - first);
                js.add(new Runner.Job(Optimiser.submission(c, s, shape, first, n, -1, 0), n));
            }
            Instant stageStart = cluster.now();
            List<Runner.Ended> ended = Runner.run(cluster, js, shape.concurrency(), id -> { }, e -> {
                if (retry == Retry.NONE) return null;
                int max = retry == Retry.SAME ? 3 : 3;
                if (e.attempt() >= max) return null;
                Cluster.Submission x = e.job().submission();
                long mem = retry == Retry.MORE_MEMORY ? x.memBytes() / e.attempt() * (e.attempt() + 1) : x.memBytes();
                return new Runner.Job(new Cluster.Submission(x.name(), x.cpus(), mem, x.gpus(), x.timeLimitS(),
                        x.partition(), x.comment(), x.command()), e.job().shards());
            });
            Instant stageEnd = stageStart;
            for (Runner.Ended e : ended) {
                Cluster.JobStatus st = e.status();
                jobs++;
                if (e.attempt() > 1) retries++;
                Instant start = st.start() != null ? st.start() : st.end();
                if (start != null) queue += Math.max(0, Duration.between(e.submitted(), start).getSeconds());
                if (st.state() == JobState.COMPLETED) runtime += st.elapsedS();
                else retryS += st.elapsedS();
                if (st.state() == JobState.OUT_OF_MEMORY) ooms++;
                if (st.state() == JobState.TIMEOUT) timeouts++;
                cpuH += e.job().submission().cpus() * st.elapsedS() / 3600.0;
                gpuH += e.job().submission().gpus() * st.elapsedS() / 3600.0;
                if (st.end() != null && st.end().isAfter(stageEnd)) stageEnd = st.end();
            }
            int done = 0;
            for (Runner.Ended e : ended) if (e.status().state() == JobState.COMPLETED) done += e.job().shards();
            unfinished += s.shards() - done;
            stageWall.put(s.name(), (double) Duration.between(stageStart, stageEnd).getSeconds());
            if (cluster.now().isBefore(stageEnd) && cluster instanceof dev.reckon.sim.SimulatedCluster sc) sc.advanceTo(stageEnd);
        }
        double wall = Duration.between(t0, cluster.now()).getSeconds();
        return new Result(wall, queue, runtime, retryS, jobs, retries, ooms, timeouts, unfinished, cpuH, gpuH, stageWall);
    }
}
