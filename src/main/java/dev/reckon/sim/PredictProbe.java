package dev.reckon.sim;

import dev.reckon.sim.parser.SqueueJobs;
import dev.reckon.source.slurm.SlurmCommands;
import dev.reckon.source.slurm.SlurmLiveQueue;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code predict} measured on a real cluster: a background load is submitted, and at set moments a probe job of some
 * shape is first predicted (by the caller's predictor: {@code reckon predict}'s own path) and then submitted; once
 * everything has ended, each probe's real wait is set against the predicted one and against the naive estimate
 * (the queued work, running jobs' remaining limits and pending jobs' limits times their CPUs, divided by the
 * cluster's CPUs). Jobs carry a comment unique to the run; only they are read or cancelled.
 */
public final class PredictProbe {
    private PredictProbe() {}

    /** What predicts a probe's wait, in seconds, just before it is submitted. */
    @FunctionalInterface
    public interface Predictor {
        /** The predicted wait of the probe, and the pooled policy's on the same queue (-1 where not asked). */
        long[] predictedWaitS(Fidelity.Spec probe);
    }

    /**
     * One probe.
     *
     * @param name      its name
     * @param shape     its shape, as {@link Fidelity.Spec#shape()}
     * @param predicted predicted wait, s
     * @param naive     the naive estimate, s
     * @param actual    its real wait, s
     */
    public record Result(String name, String shape, long predicted, long naive, long actual, long pooled) {
        /** A probe without the pooled policy's prediction. */
        public Result(String name, String shape, long predicted, long naive, long actual) {
            this(name, shape, predicted, naive, actual, -1);
        }
    }

    /**
     * The measurement.
     *
     * @param results            per probe
     * @param medianAbsErrorS    median |actual - predicted|, s
     * @param within20           share of probes whose real wait lies within ±20% of the predicted wait (or 5 s)
     * @param naiveMedianAbsErrorS the same for the naive estimate
     * @param naiveWithin20      the same for the naive estimate
     * @param foreignJobs        other users' jobs that shared the cluster meanwhile
     */
    public record Report(List<Result> results, double medianAbsErrorS, double within20, double naiveMedianAbsErrorS,
                         double naiveWithin20, int foreignJobs, Double pooledMedianAbsErrorS, Double pooledWithin20) {
        public String summary() {
            return String.format(Locale.ROOT, "%d probes: predict off by a median of %.0f s, %.0f%% within ±20%% of "
                            + "the predicted wait; naive estimate (queued work / CPUs) off by %.0f s, %.0f%% within ±20%%"
                            + "%s%s", results.size(), medianAbsErrorS, 100 * within20, naiveMedianAbsErrorS,
                    100 * naiveWithin20, pooledMedianAbsErrorS == null ? "" : String.format(Locale.ROOT,
                            "; the pooled policy off by %.0f s, %.0f%% within ±20%%", pooledMedianAbsErrorS,
                            100 * pooledWithin20),
                    foreignJobs > 0 ? "; " + foreignJobs + " other jobs shared the cluster" : "");
        }
    }

    /**
     * A background of long jobs with limits close to their runtimes (1-2 CPUs, 30-50 s of 1 minute, arriving over
     * the first 10 s), deterministic for a seed; each job's name says its seed and place ({@code bg3-1}), so that
     * jobs of one name always run as long (a recurring workload, as the ledger's history sees it).
     */
    public static List<Fidelity.Spec> background(long seed, int n) {
        return background(seed, n, 1);
    }

    /**
     * {@link #background(long, int)} at another pace: arrivals and runtimes times {@code pace} (the limits, whole
     * minutes, stay), for a shorter run of the same shapes.
     */
    public static List<Fidelity.Spec> background(long seed, int n, double pace) {
        java.util.Random r = new java.util.Random(seed);
        List<Fidelity.Spec> out = new ArrayList<>();
        for (int i = 0; i < n; i++)
            out.add(new Fidelity.Spec("bg" + seed + "-" + (i + 1) + paced(pace), Math.round(i * 10.0 / Math.max(1, n) * pace),
                    r.nextDouble() < 0.5 ? 1 : 2, 300 + 100L * r.nextInt(10), 1,
                    (int) Math.max(1, Math.round((30 + r.nextInt(21)) * pace)), 1, 1, false, 0));
        return out;
    }

    /**
     * The probes: {@code n} of them, every 12 s from 3 s, cycling over six shapes (1 CPU, 2 CPUs on one node, 2 tasks,
     * exclusive, 2 nodes, 1 CPU with a GPU), each 20 s of 1 minute.
     */
    public static List<Fidelity.Spec> probes(int n) {
        return probes(n, 1);
    }

    /**
     * The name suffix of a workload at another pace ({@code -p60} at 0.6): its jobs run shorter than the bench's of
     * the same place, so they are named apart, and each keeps a history of its own in the ledger.
     */
    private static String paced(double pace) {
        return pace == 1 ? "" : "-p" + Math.round(pace * 100);
    }

    /** {@link #probes(int)} at another pace: submission times and runtimes times {@code pace}. */
    public static List<Fidelity.Spec> probes(int n, double pace) {
        List<Fidelity.Spec> out = new ArrayList<>();
        int sleep = (int) Math.max(1, Math.round(20 * pace));
        for (int i = 0; i < n; i++) {
            long at = Math.round((3 + 12.0 * i) * pace);
            String name = "probe-" + (i + 1) + paced(pace);
            out.add(switch (i % 6) {
                case 0 -> new Fidelity.Spec(name, at, 1, 500, 1, sleep, 1, 1, false, 0);
                case 1 -> new Fidelity.Spec(name, at, 2, 500, 1, sleep, 1, 1, false, 0);
                case 2 -> new Fidelity.Spec(name, at, 1, 500, 1, sleep, 2, 0, false, 0);
                case 3 -> new Fidelity.Spec(name, at, 1, 500, 1, sleep, 1, 1, true, 0);
                case 4 -> new Fidelity.Spec(name, at, 1, 500, 1, sleep, 2, 2, false, 0);
                default -> new Fidelity.Spec(name, at, 1, 500, 1, sleep, 1, 1, false, 0, 0, 1);
            });
        }
        return out;
    }

    /** Runs the background and the probes, predicting each probe just before it is submitted. */
    public static Report run(SlurmCommands slurm, List<Fidelity.Spec> background, List<Fidelity.Spec> probes,
                             Predictor predictor, String outputDir, PrintStream progress, Duration timeout)
            throws InterruptedException {
        String tag = "reckon-predict-probe-" + Long.toString(System.currentTimeMillis(), 36);
        List<String> ids = new ArrayList<>();
        Map<String, Fidelity.Spec> probeById = new HashMap<>();
        Map<String, long[]> estimates = new HashMap<>();
        boolean done = false;
        long origin = System.currentTimeMillis() / 1000 + 1;
        try {
            List<Fidelity.Spec> all = new ArrayList<>(background);
            all.addAll(probes);
            all.sort(Comparator.comparingLong(Fidelity.Spec::submitAfterS));
            java.util.Set<String> isProbe = new java.util.HashSet<>();
            for (Fidelity.Spec p : probes) isProbe.add(p.name());
            for (Fidelity.Spec s : all) {
                long sleep = (origin + s.submitAfterS()) * 1000 - System.currentTimeMillis();
                if (sleep > 0) Thread.sleep(sleep);
                long predicted = 0, naive = 0, pooled = -1;
                if (isProbe.contains(s.name())) {
                    long[] p = predictor.predictedWaitS(s);
                    predicted = p[0];
                    pooled = p.length > 1 ? p[1] : -1;
                    naive = naive(slurm);
                }
                String id = submit(slurm, s, tag, outputDir);
                ids.add(id);
                if (isProbe.contains(s.name())) {
                    probeById.put(id, s);
                    estimates.put(id, new long[]{predicted, naive, pooled});
                    progress.printf("%s (%s): predicted wait %d s, naive %d s%s%n", s.name(), s.shape(), predicted,
                            naive, pooled < 0 ? "" : ", pooled " + pooled + " s");
                }
            }
            progress.printf("submitted %d jobs; waiting for them to end%n", ids.size());
            Instant deadline = Instant.now().plus(timeout);
            Map<String, long[]> real;
            while ((real = ended(slurm, ids)) == null) {
                if (Instant.now().isAfter(deadline))
                    throw new IllegalStateException("the probe jobs did not all end within " + timeout);
                Thread.sleep(2000);
            }
            done = true;
            List<Result> results = new ArrayList<>();
            long last = origin;
            for (long[] r : real.values()) last = Math.max(last, r[2]);
            for (String id : ids) {
                Fidelity.Spec s = probeById.get(id);
                if (s == null) continue;
                long[] r = real.get(id), e = estimates.get(id);
                results.add(new Result(s.name(), s.shape(), e[0], e[1], r[1] - r[0], e[2]));
            }
            int foreign = FidelityRun.foreign(slurm, new java.util.HashSet<>(ids), origin, last).size();
            return report(results, foreign);
        } finally {
            if (!done && !ids.isEmpty()) slurm.scancel(ids.toArray(String[]::new));
        }
    }

    /**
     * Runs {@code jobs} once, all submitted at once, and waits until they have all ended: the history that a recurring
     * workload leaves in accounting, for jobs whose names have none yet. Carries its own run's comment; cancels what it
     * submitted if it is interrupted or runs past {@code timeout}.
     */
    public static void warmUp(SlurmCommands slurm, List<Fidelity.Spec> jobs, String outputDir, PrintStream progress,
                              Duration timeout) throws InterruptedException {
        String tag = "reckon-predict-warmup-" + Long.toString(System.currentTimeMillis(), 36);
        List<String> ids = new ArrayList<>();
        boolean done = false;
        try {
            for (Fidelity.Spec s : jobs) ids.add(submit(slurm, s, tag, outputDir));
            progress.printf("warm-up: submitted %d jobs whose names have no history yet; waiting for them to end%n",
                    ids.size());
            Instant deadline = Instant.now().plus(timeout);
            while (ended(slurm, ids) == null) {
                if (Instant.now().isAfter(deadline))
                    throw new IllegalStateException("the warm-up jobs did not all end within " + timeout);
                Thread.sleep(2000);
            }
            done = true;
        } finally {
            if (!done && !ids.isEmpty()) slurm.scancel(ids.toArray(String[]::new));
        }
    }

    private static String submit(SlurmCommands slurm, Fidelity.Spec s, String tag, String outputDir) {
        List<String> args = new ArrayList<>(List.of("--job-name=" + s.name(), "--comment=" + tag));
        args.addAll(s.sbatchOptions());
        args.addAll(List.of("--chdir=" + outputDir, "--output=/dev/null", "--wrap=sleep " + s.sleepS()));
        return slurm.sbatch(args.toArray(String[]::new));
    }

    /** The figures of a set of results. */
    public static Report report(List<Result> results, int foreign) {
        List<Double> err = new ArrayList<>(), nerr = new ArrayList<>(), perr = new ArrayList<>();
        int close = 0, nclose = 0, pclose = 0;
        for (Result r : results) {
            err.add((double) Math.abs(r.actual() - r.predicted()));
            nerr.add((double) Math.abs(r.actual() - r.naive()));
            if (close(r.actual(), r.predicted())) close++;
            if (close(r.actual(), r.naive())) nclose++;
            if (r.pooled() >= 0) {
                perr.add((double) Math.abs(r.actual() - r.pooled()));
                if (close(r.actual(), r.pooled())) pclose++;
            }
        }
        int n = Math.max(1, results.size());
        boolean pooled = !results.isEmpty() && perr.size() == results.size();
        return new Report(results, median(err), (double) close / n, median(nerr), (double) nclose / n, foreign,
                pooled ? median(perr) : null, pooled ? (double) pclose / n : null);
    }

    /** Whether a real wait lies within ±20% of the estimate (or 5 s). */
    private static boolean close(long actual, long estimate) {
        return Math.abs(actual - estimate) <= Math.max(5, 0.2 * estimate);
    }

    private static double median(List<Double> v) {
        if (v.isEmpty()) return 0;
        List<Double> s = new ArrayList<>(v);
        s.sort(Comparator.naturalOrder());
        int m = s.size();
        return m % 2 == 1 ? s.get(m / 2) : (s.get(m / 2 - 1) + s.get(m / 2)) / 2;
    }

    /** The naive estimate now: queued work (remaining limits of running jobs, limits of pending ones) / CPUs. */
    static long naive(SlurmCommands slurm) {
        SlurmLiveQueue live = new SlurmLiveQueue(slurm);
        List<Predict.LiveJob> queue = SqueueJobs.parse(live.queue(), live.queueName(), slurm.zone());
        double work = 0;
        for (Predict.LiveJob j : queue) {
            long limit = j.limitS() == null || j.limitS() <= 0 ? Predict.UNLIMITED_S : j.limitS();
            work += (double) (j.running() ? Math.max(0, limit - j.elapsedS()) : limit * Math.max(1, j.pendingTasks()))
                    * j.cpus();
        }
        long cpus = 0;
        for (SlurmModel.Node nd : SlurmModel.parseNodes(live.nodes())) cpus += nd.cpus();
        return Math.round(work / Math.max(1, cpus));
    }

    /** Each job's {submit, start, end} once all have ended; null while some have not. */
    private static Map<String, long[]> ended(SlurmCommands slurm, List<String> ids) {
        String out = slurm.run("sacct", "-X", "-n", "-P", "-j", String.join(",", ids), "-o", "JobIDRaw,State,Submit,Start,End");
        Map<String, long[]> m = new HashMap<>();
        for (String line : out.lines().toList()) {
            String[] f = line.split("\\|", -1);
            if (f.length < 5 || !ids.contains(f[0])) continue;
            if (!f[4].matches("\\d{4}-.*") || !f[3].matches("\\d{4}-.*")) return null;
            m.put(f[0], new long[]{epoch(f[2], slurm), epoch(f[3], slurm), epoch(f[4], slurm)});
        }
        return m.size() == ids.size() ? m : null;
    }

    private static long epoch(String t, SlurmCommands slurm) {
        return LocalDateTime.parse(t).atZone(slurm.zone()).toEpochSecond();
    }
}
