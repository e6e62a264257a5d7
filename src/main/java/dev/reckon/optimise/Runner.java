package dev.reckon.optimise;

import dev.reckon.model.JobState;
import dev.reckon.source.Cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs batches of jobs on a {@link Cluster}: at most {@code concurrency} at once, the next sent as one ends, until
 * all have ended; a job that failed may be sent again as the retry rule says. Polls with a growing wait (the cluster
 * decides what a wait means: wall-clock on Slurm, virtual time in the simulator).
 */
final class Runner {
    /** The first poll's wait; it doubles up to {@link #MAX_POLL}. */
    static final Duration FIRST_POLL = Duration.ofSeconds(2);
    static final Duration MAX_POLL = Duration.ofSeconds(30);
    private static final double GIB = 1024.0 * 1024 * 1024;

    private Runner() {}

    /** One job to run, with the units of work it does, and the group (a trial) whose cap of jobs at once it counts in. */
    record Job(Cluster.Submission submission, int shards, int group) {
        Job(Cluster.Submission submission, int shards) {
            this(submission, shards, 0);
        }
    }

    /** One ended job. */
    record Ended(Job job, String id, Cluster.JobStatus status, Instant submitted, int attempt) {}

    /**
     * Runs the jobs; returns every attempt, in the order they ended.
     *
     * @param sent  told each job id as soon as it is submitted (before any wait)
     * @param retry given a failed attempt, the job to send instead, or null to give up
     */
    static List<Ended> run(Cluster cluster, List<Job> jobs, int concurrency, Consumer<String> sent,
                           Function<Ended, Job> retry) {
        return run(cluster, jobs, g -> concurrency, (j, id) -> sent.accept(id), retry);
    }

    /** Runs jobs of several groups at once, each group at most {@code cap} of its jobs at a time. */
    static List<Ended> run(Cluster cluster, List<Job> jobs, java.util.function.IntUnaryOperator cap,
                           java.util.function.BiConsumer<Job, String> sent, Function<Ended, Job> retry) {
        List<Job> queue = new ArrayList<>(jobs);
        Map<String, Object[]> running = new LinkedHashMap<>(); // id -> {job, submitted, attempt}
        Map<Integer, Integer> active = new HashMap<>();
        List<Ended> out = new ArrayList<>();
        Duration wait = FIRST_POLL;
        Map<Job, Integer> attempts = new HashMap<>();
        while (!queue.isEmpty() || !running.isEmpty()) {
            for (java.util.Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
                Job j = it.next();
                if (active.getOrDefault(j.group(), 0) >= cap.applyAsInt(j.group())) continue;
                it.remove();
                String id = cluster.submit(j.submission());
                sent.accept(j, id);
                active.merge(j.group(), 1, Integer::sum);
                running.put(id, new Object[] {j, cluster.now(), attempts.getOrDefault(j, 1)});
                wait = FIRST_POLL;
            }
            boolean changed = false;
            for (Cluster.JobStatus st : cluster.poll(running.keySet(), wait)) {
                if (!ended(st.state())) continue;
                Object[] r = running.remove(st.id());
                Job j = (Job) r[0];
                active.merge(j.group(), -1, Integer::sum);
                int attempt = (Integer) r[2];
                Ended e = new Ended(j, st.id(), st, (Instant) r[1], attempt);
                out.add(e);
                changed = true;
                if (st.state() != JobState.COMPLETED) {
                    Job again = retry.apply(e);
                    if (again != null) {
                        attempts.put(again, attempt + 1);
                        queue.add(0, again);
                    }
                }
            }
            if (!changed) wait = wait.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : wait.multipliedBy(2);
        }
        return out;
    }

    static boolean ended(JobState s) {
        return s != null && s != JobState.PENDING && s != JobState.RUNNING && s != JobState.SUSPENDED
                && s != JobState.REQUEUED && s != JobState.RESIZING;
    }

    /** What ended jobs showed, as a trial's result. */
    static Trial.Result result(List<Ended> ended) {
        int completed = 0, ooms = 0, timeouts = 0, failures = 0;
        double waitSum = 0, runSum = 0, runAll = 0, cpuH = 0, gpuH = 0;
        long peak = 0;
        Instant first = null, last = null;
        List<long[]> peaks = new ArrayList<>(), runtimes = new ArrayList<>();
        for (Ended e : ended) {
            Cluster.JobStatus s = e.status();
            Instant start = s.start() != null ? s.start() : s.end();
            if (start != null) waitSum += Math.max(0, Duration.between(e.submitted(), start).getSeconds());
            runAll += s.elapsedS();
            switch (s.state()) {
                case COMPLETED -> {
                    completed++;
                    runSum += s.elapsedS();
                    runtimes.add(new long[] {e.job().shards(), s.elapsedS()});
                }
                case OUT_OF_MEMORY -> ooms++;
                case TIMEOUT -> timeouts++;
                default -> failures++;
            }
            if (s.peakMemBytes() != null) {
                peak = Math.max(peak, s.peakMemBytes());
                if (s.state() == JobState.COMPLETED) peaks.add(new long[] {e.job().shards(), s.peakMemBytes()});
            }
            cpuH += e.job().submission().cpus() * s.elapsedS() / 3600.0;
            gpuH += e.job().submission().gpus() * s.elapsedS() / 3600.0;
            if (first == null || e.submitted().isBefore(first)) first = e.submitted();
            if (s.end() != null && (last == null || s.end().isAfter(last))) last = s.end();
        }
        int n = Math.max(1, ended.size());
        double wall = first == null || last == null ? 0 : Duration.between(first, last).getSeconds();
        return new Trial.Result(completed, ooms, timeouts, failures, waitSum / n,
                completed > 0 ? runSum / completed : runAll / n, peak, wall, cpuH, gpuH, peaks, runtimes);
    }

    static String gib(long bytes) {
        if (bytes < (1L << 30)) return ((bytes + (1L << 20) - 1) >> 20) + "M";
        double g = bytes / GIB;
        return g >= 10 ? String.format(java.util.Locale.ROOT, "%.0fG", g) : String.format(java.util.Locale.ROOT, "%.1fG", g);
    }
}
