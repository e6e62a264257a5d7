package dev.reckon.bench;

import dev.reckon.core.InputError;
import dev.reckon.optimise.Campaign;
import dev.reckon.optimise.CampaignFile;
import dev.reckon.optimise.Factor;
import dev.reckon.optimise.Lane;
import dev.reckon.optimise.ModelFile;
import dev.reckon.optimise.Optimiser;
import dev.reckon.optimise.PipelineModel;
import dev.reckon.optimise.PipelineRun;
import dev.reckon.optimise.Shape;
import dev.reckon.optimise.Stage;
import dev.reckon.optimise.Trial;
import dev.reckon.sim.Machine;
import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.SimulatedCluster;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;

/**
 * The optimiser against the alternatives, on simulated clusters with other users' load: per workload model, the
 * pipeline's wall-clock as submitted (failed jobs resubmitted with more memory); after right-sizing alone (memory
 * and time set to the largest use of a previous run plus a margin, retried with more memory: what Seqera Platform's
 * optimisation does); after reckon's rounds; and the best found by exhaustive search of each stage's factor grid.
 *
 * <p>Every column is scored the same way: the mean wall-clock over the same {@code draws} draws of the others' load
 * (draw 0 the model as given, draw i its background and jitter seeds moved by i and started i x 30 minutes into
 * the others' load), each run on a fresh copy of the cluster. One start time is one sample of a noisy quantity; the mean over the draws is what a configuration is
 * worth on that cluster. The exhaustive search scores every grid point by that mean, pruned only where a point
 * provably cannot beat the best mean found (its draws so far plus a lower bound for the rest), so it stays exhaustive
 * over what is scored.
 */
public final class OptimiseBench {
    static final long GIB = 1L << 30;
    static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");
    /** The draws of the others' load each column is scored over, by default. */
    public static final int DRAWS = 16;
    /** How far apart the seeds of two draws are. */
    static final long DRAW_SEED_STEP = 1_000_003;
    /** How much later into the others' load each draw starts than the one before. */
    static final long DRAW_OFFSET_S = 30 * 60;

    private OptimiseBench() {}

    /** One workload: a campaign as submitted and the truth of its jobs. */
    public record Workload(String name, String what, Campaign campaign, PipelineModel model) {}

    /**
     * One workload's figures: each wall-clock the mean over the draws, with each draw's value beside it.
     *
     * @param asSubmittedS  wall-clock as submitted, seconds
     * @param rightSizedS   after right-sizing alone
     * @param reckonS       after reckon's rounds
     * @param exhaustiveS   the best known: of the exhaustive search's configuration, reckon's and right-sizing's
     * @param rounds        rounds reckon ran
     * @param trialHours    CPU-hours (GPU-hours counted as 10 CPU-hours) its trials held
     * @param oomsAfterRound1 jobs that ran out of memory in reckon's rounds 2 and on, and in its final runs
     * @param draws         the draws of the others' load every column is the mean over
     * @param reckonDrawsS  reckon's configuration's wall-clock on each draw
     * @param exhaustiveDrawsS the best known configuration's wall-clock on each draw
     */
    public record Figure(String workload, double asSubmittedS, double rightSizedS, double reckonS, double exhaustiveS,
                         int rounds, int trials, double trialHours, int oomsAfterRound1, double seconds, int draws,
                         List<Double> asSubmittedDrawsS, List<Double> rightSizedDrawsS, List<Double> reckonDrawsS,
                         List<Double> exhaustiveDrawsS, int gridPoints, int gridRuns) {
        public double vsSubmitted() {
            return 1 - reckonS / asSubmittedS;
        }

        public double vsRightSized() {
            return 1 - reckonS / rightSizedS;
        }

        public double vsOptimum() {
            return reckonS / exhaustiveS - 1;
        }

        Figure took(double s) {
            return new Figure(workload, asSubmittedS, rightSizedS, reckonS, exhaustiveS, rounds, trials, trialHours,
                    oomsAfterRound1, s, draws, asSubmittedDrawsS, rightSizedDrawsS, reckonDrawsS, exhaustiveDrawsS,
                    gridPoints, gridRuns);
        }
    }

    public static List<Figure> run(List<Workload> workloads, PrintStream out) {
        return run(workloads, DRAWS, Runtime.getRuntime().availableProcessors(), out);
    }

    /** The figures of each workload over {@code draws} draws of the others' load, on {@code threads} threads. */
    public static List<Figure> run(List<Workload> workloads, int draws, int threads, PrintStream out) {
        List<Figure> figures = new ArrayList<>();
        if (out != null) out.printf(Locale.ROOT, "%-22s %12s %12s %12s %12s %8s %8s %9s %7s %6s %7s %14s %14s%n",
                "workload", "submitted", "rightsized", "reckon", "exhaustive", "vs sub", "vs rs", "vs best", "rounds",
                "OOMs", "trial h", "reckon draws", "best draws");
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, threads));
        try {
            for (Workload w : workloads) {
                long t0 = System.nanoTime();
                Figure f = one(w, draws, pool).took((System.nanoTime() - t0) / 1e9);
                figures.add(f);
                if (out != null) out.printf(Locale.ROOT,
                        "%-22s %12s %12s %12s %12s %7.0f%% %7.0f%% %8.1f%% %7d %6d %7.1f %14s %14s%n",
                        w.name(), h(f.asSubmittedS()), h(f.rightSizedS()), h(f.reckonS()), h(f.exhaustiveS()),
                        100 * f.vsSubmitted(), 100 * f.vsRightSized(), 100 * f.vsOptimum(), f.rounds(),
                        f.oomsAfterRound1(), f.trialHours(), range(f.reckonDrawsS()), range(f.exhaustiveDrawsS()));
            }
        } finally {
            pool.shutdown();
        }
        return figures;
    }

    /** One workload over the default draws, on this machine's cores. */
    static Figure one(Workload w) {
        ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
        try {
            return one(w, DRAWS, pool);
        } finally {
            pool.shutdown();
        }
    }

    static Figure one(Workload w, int draws, ForkJoinPool pool) {
        if (draws < 1) throw new IllegalArgumentException("draws: at least 1");
        List<Draw> loads = draws(w.model(), draws);
        Campaign c = w.campaign();
        Map<String, Shape> start = new LinkedHashMap<>();
        for (Stage s : c.stages()) start.put(s.name(), s.start());
        Map<String, Shape> rs = rightSized(w, start);

        // reckon's rounds run once, on the model as given (draw 0): the cluster the campaign meets
        SimulatedCluster lab = loads.get(0).cluster();
        Optimiser.Run run = new Optimiser(c, lab, Optimiser.simulated(lab, SimDefaults.load()), new Optimiser.MemoryLog(),
                Optimiser.Budget.UNLIMITED, Optimiser.Settings.DEFAULT).run();
        Search grid = exhaustive(w, loads, pool);

        List<PipelineRun.Result> submitted = scored(c, start, loads, pool);
        List<PipelineRun.Result> rightSized = scored(c, rs, loads, pool);
        List<PipelineRun.Result> reckon = scored(c, run.chosen(), loads, pool);
        List<PipelineRun.Result> best = scored(c, grid.shapes(), loads, pool);
        int ooms = 0;
        for (PipelineRun.Result r : reckon) ooms += r.ooms();
        double hours = 0;
        for (Trial t : run.trials()) {
            if (t.result() == null) continue;
            hours += t.result().cpuHours() + 10 * t.result().gpuHours();
            if (t.round() >= 2) ooms += t.result().ooms();
        }
        // the best known: the exhaustive search's configuration, reckon's or right-sizing's, by the same mean
        List<PipelineRun.Result> bestKnown = best;
        for (List<PipelineRun.Result> x : List.of(reckon, rightSized))
            if (mean(x) < mean(bestKnown)) bestKnown = x;
        if (System.getenv("RECKON_BENCH_VERBOSE") != null) {
            for (Stage s : c.stages())
                System.err.println(w.name() + " " + s.name() + ": start " + s.start() + "\n  reckon " + run.chosen().get(s.name())
                        + "\n  grid   " + grid.shapes().get(s.name()) + "\n  stopped: " + run.stopped());
            System.err.println("  grid: " + grid.points() + " points, " + grid.runs() + " runs of " + draws + " draws");
            for (Trial t : run.trials())
                System.err.println("  " + t.round() + " #" + t.number() + " " + t.stage() + " " + t.hypothesis() + " | "
                        + dev.reckon.optimise.RoundReport.config(t.shape()) + " | " + t.shards() + " units | "
                        + (t.result() == null ? t.status() : t.result().completed() + " ok " + t.result().ooms() + " oom "
                        + Math.round(t.result().meanRuntimeS()) + "s run " + Math.round(t.result().meanWaitS()) + "s wait")
                        + " | predicted " + t.predictedWaitS());
        }
        return new Figure(w.name(), mean(submitted), mean(rightSized), mean(reckon), mean(bestKnown), run.rounds(),
                run.trials().size(), hours, ooms, 0, draws, walls(submitted), walls(rightSized), walls(reckon),
                walls(bestKnown), grid.points(), grid.runs());
    }

    /**
     * One draw of the others' load: the model (its background's and its jobs' seeds) and how long the others' load
     * has run before the pipeline's first job is sent.
     */
    record Draw(PipelineModel model, long offsetS) {
        /** A fresh cluster of this draw, at the moment the pipeline starts. */
        SimulatedCluster cluster() {
            SimulatedCluster c = model.simulatedCluster(T0);
            if (offsetS > 0) c.advanceTo(T0.plusSeconds(offsetS));
            return c;
        }
    }

    /**
     * The draws of the others' load: draw 0 the model as given, started at once (the bench's single figure before
     * there were draws); draw i with its background's seed and its jobs' jitter seed moved by i steps, and started
     * i x 30 minutes into that load, so each meets other arrivals and a load that has drifted from its mean.
     */
    static List<Draw> draws(PipelineModel m, int k) {
        List<Draw> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            long step = i * DRAW_SEED_STEP;
            PipelineModel.Background b = m.background();
            out.add(i == 0 ? new Draw(m, 0) : new Draw(new PipelineModel(m.machine(), b == null ? null
                    : new PipelineModel.Background(b.utilisation(), b.jobCores(), b.jobTimeS(), b.seed() + step,
                    b.horizonS()), m.seed() + step, m.noise(), m.policy(), m.stages()), i * DRAW_OFFSET_S));
        }
        return out;
    }

    /** The campaign at the shapes, run whole on a fresh cluster of each draw. */
    static List<PipelineRun.Result> scored(Campaign c, Map<String, Shape> shapes, List<Draw> loads, ForkJoinPool pool) {
        return pool.submit(() -> loads.parallelStream()
                .map(d -> PipelineRun.run(c, shapes, d.cluster(), PipelineRun.Retry.MORE_MEMORY))
                .toList()).join();
    }

    static double mean(List<PipelineRun.Result> rs) {
        double sum = 0;
        for (PipelineRun.Result r : rs) sum += r.wallClockS();
        return sum / rs.size();
    }

    private static List<Double> walls(List<PipelineRun.Result> rs) {
        return rs.stream().map(PipelineRun.Result::wallClockS).toList();
    }

    /** The search's outcome: the fastest shape per stage, the grid points and the stage runs it took. */
    record Search(Map<String, Shape> shapes, int points, int runs) {}

    /**
     * Seqera-style right-sizing: a previous run as submitted (failed jobs retried with more memory) gives each
     * stage's largest peak memory and runtime; memory = peak x 1.2, time = runtime x 1.5 (at least 10 min), CPUs,
     * GPUs, granularity and concurrency as submitted.
     */
    static Map<String, Shape> rightSized(Workload w, Map<String, Shape> start) {
        Map<String, Shape> out = new LinkedHashMap<>();
        for (Stage s : w.campaign().stages()) {
            Shape sh = start.get(s.name());
            PipelineModel.StageModel m = w.model().stage(s.name());
            double peak = m.peakBytes(sh.shardsPerJob()) * (1 + w.model().noise());
            double run = m.runtimeS(sh.cpus(), sh.gpus(), sh.shardsPerJob()) * (1 + w.model().noise());
            long mem = ((long) (peak * 1.2) + (1L << 28) - 1) / (1L << 28) * (1L << 28);
            long time = Math.max(600, ((long) (run * 1.5) + 59) / 60 * 60);
            out.put(s.name(), sh.withMem(mem).withTime(time));
        }
        return out;
    }

    /** Per stage, the grid of its factors (CPUs, units per job, lane, concurrency) tried whole; the fastest kept. */
    static Map<String, Shape> exhaustive(Workload w) {
        ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
        try {
            return exhaustive(w, List.of(new Draw(w.model(), 0)), pool).shapes();
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Per stage, every point of the grid of its factors (CPUs, units per job, lane, concurrency), with memory and
     * time from the true model, run alone on a fresh cluster of each draw; the one of the least mean wall-clock kept.
     * Every point is run on draw 0 first; then, best first, on the other draws, skipping the rest of a point's draws
     * only when what it took so far plus a lower bound for each draw left (its waves at the fewest jobs at once, each
     * at its shortest runtime) already exceeds the best mean's total: a point skipped cannot be the best.
     */
    static Search exhaustive(Workload w, List<Draw> loads, ForkJoinPool pool) {
        Map<String, Shape> out = new LinkedHashMap<>();
        int points = 0;
        int[] runs = {0};
        int k = loads.size();
        for (Stage s : w.campaign().stages()) {
            List<Shape> cands = candidates(w, s);
            List<Double> bounds = new ArrayList<>();
            for (Shape x : cands) bounds.add(lowerBound(w.model(), s, x));
            points += cands.size();
            // every point on draw 0
            List<double[]> first = pool.submit(() -> java.util.stream.IntStream.range(0, cands.size()).parallel()
                    .mapToObj(i -> new double[] {i, stageRun(w, s, cands.get(i), loads.get(0))}).toList()).join();
            runs[0] += cands.size();
            List<double[]> order = new ArrayList<>(first);
            order.removeIf(x -> Double.isNaN(x[1]));
            order.sort(Comparator.comparingDouble(x -> x[1]));
            Shape best = null;
            double bestSum = Double.MAX_VALUE;
            for (double[] x : order) {
                int i = (int) x[0];
                double lb = bounds.get(i);
                if (x[1] + (k - 1) * lb >= bestSum) continue; // cannot beat the best mean
                double sum = x[1];
                if (k > 1) {
                    List<Double> rest = pool.submit(() -> loads.subList(1, k).parallelStream()
                            .map(l -> stageRun(w, s, cands.get(i), l)).toList()).join();
                    runs[0] += k - 1;
                    for (double r : rest) sum = Double.isNaN(r) || Double.isNaN(sum) ? Double.NaN : sum + r;
                }
                if (!Double.isNaN(sum) && sum < bestSum) {
                    bestSum = sum;
                    best = cands.get(i);
                }
            }
            out.put(s.name(), best == null ? s.start() : best);
        }
        return new Search(out, points, runs[0]);
    }

    /**
     * The points of a stage's grid the search scores: each combination of its factors (CPUs, units per job, lane,
     * concurrency) with memory and time from the true model (peak x 1.15, runtime x 1.3), those whose memory is
     * within the stage's bounds.
     */
    static List<Shape> candidates(Workload w, Stage s) {
        PipelineModel.StageModel m = w.model().stage(s.name());
        List<Shape> out = new ArrayList<>();
        for (Shape cand : grid(s)) {
            double peak = m.peakBytes(cand.shardsPerJob()) * (1 + w.model().noise());
            double run = m.runtimeS(cand.cpus(), cand.gpus(), cand.shardsPerJob()) * (1 + w.model().noise());
            Stage.Range mr = s.bounds().get(Factor.MEM);
            long mem = ((long) (peak * 1.15) + (1L << 28) - 1) / (1L << 28) * (1L << 28);
            if (mr != null && !mr.contains(mem)) continue;
            long time = Math.max(300, ((long) (run * 1.3) + 59) / 60 * 60);
            out.add(cand.withMem(mr == null ? cand.memBytes() : mem).withTime(time));
        }
        return out;
    }

    /** The stage alone at the shape on a fresh cluster of the draw: its wall-clock, NaN when work is left undone. */
    static double stageRun(Workload w, Stage s, Shape x, Draw load) {
        Campaign one = new Campaign(w.campaign().name(), 1, w.campaign().charter(), List.of(
                new Stage(s.name(), s.shards(), s.command(), x, s.bounds(), s.lanes(), List.of(), s.match())));
        PipelineRun.Result r = PipelineRun.run(one, Map.of(s.name(), x), load.cluster(),
                PipelineRun.Retry.MORE_MEMORY);
        return r.unfinished() == 0 ? r.wallClockS() : Double.NaN;
    }

    /**
     * No draw runs the stage at the shape sooner than this: its jobs in waves of as many as may run at once (its
     * jobs at once, and no more than the machine's cores or GPUs hold), each job at the shortest runtime the jitter
     * allows (the last, shorter job once).
     */
    static double lowerBound(PipelineModel model, Stage s, Shape x) {
        PipelineModel.StageModel m = model.stage(s.name());
        int jobs = x.jobs(Math.max(1, s.shards()));
        long fit = Math.max(1, model.machine().totalCores() / Math.max(1, x.cpus()));
        if (x.gpus() > 0) {
            long gpus = 0;
            for (Machine.Group g : model.machine().groups()) gpus += (long) g.nodes() * g.gpus();
            fit = Math.min(fit, Math.max(1, gpus / x.gpus()));
        }
        long cap = Math.max(1, Math.min(Math.min(jobs, x.concurrency()), fit));
        long waves = (jobs + cap - 1) / cap;
        // some slot runs `waves` jobs one after another; at most one of them is the short last job
        int units = Math.min(x.shardsPerJob(), Math.max(1, s.shards()));
        int last = Math.max(1, s.shards()) - (jobs - 1) * units;
        double full = Math.max(0, Math.floor(m.runtimeS(x.cpus(), x.gpus(), units) * (1 - model.noise())) - 1);
        double shortest = Math.max(0, Math.floor(m.runtimeS(x.cpus(), x.gpus(), Math.max(1, last)) * (1 - model.noise())) - 1);
        return (waves - 1) * full + Math.min(full, shortest);
    }

    static List<Shape> grid(Stage s) {
        List<Long> cpus = values(s, Factor.CPUS, s.start().cpus());
        List<Long> k = values(s, Factor.SHARDS_PER_JOB, s.start().shardsPerJob());
        List<Long> conc = s.varies(Factor.CONCURRENCY)
                ? List.of((long) s.start().concurrency(), s.bounds().get(Factor.CONCURRENCY).max())
                : List.of((long) s.start().concurrency());
        List<Shape> out = new ArrayList<>();
        for (Lane lane : s.lanes())
            for (long c : cpus)
                for (long kk : k)
                    for (long cc : conc) {
                        Shape x = s.start().withCpus((int) c).withShardsPerJob((int) Math.min(kk, s.shards()))
                                .withConcurrency((int) cc);
                        if (lane == Lane.CPU) x = x.withGpus(0);
                        else x = x.withGpus(Math.max(1, s.start().gpus()));
                        if (!out.contains(x)) out.add(x);
                    }
        return out;
    }

    private static List<Long> values(Stage s, Factor f, long start) {
        if (!s.varies(f)) return List.of(start);
        Stage.Range r = s.bounds().get(f);
        List<Long> out = new ArrayList<>();
        for (long v = Math.max(1, r.min()); v <= r.max(); v *= 2) out.add(v);
        if (!out.contains(r.max())) out.add(r.max());
        return out;
    }

    private static String range(List<Double> xs) {
        double lo = Double.MAX_VALUE, hi = 0;
        for (double x : xs) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        return h(lo) + "-" + h(hi);
    }

    private static String h(double s) {
        if (s >= 3600) return String.format(Locale.ROOT, "%.1fh", s / 3600);
        return String.format(Locale.ROOT, "%.0fm", s / 60);
    }

    // ------------------------------------------------------------------------------------------------ the models

    /**
     * A workload from files: a campaign file as submitted and its workload model file (both as {@code reckon optimise
     * run --model} reads them), named after the campaign.
     *
     * @throws InputError the first problem of either file, or a stage the model has no model for
     */
    public static Workload fromFiles(Path campaignFile, Path modelFile) {
        Campaign c = CampaignFile.read(campaignFile).orThrow();
        PipelineModel m = ModelFile.read(modelFile).orThrow();
        List<String> missing = m.unmodelled(c);
        if (!missing.isEmpty()) throw new InputError(modelFile.toString(), 0, "stages",
                "no model for stage" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing));
        return new Workload(c.name(), campaignFile.getFileName() + " on " + modelFile.getFileName(), c, m);
    }

    /** The workload models of the bench: the five the issue names, and one more with other numbers. */
    public static List<Workload> models() {
        Machine machine = new Machine(List.of(new Machine.Group("cpu", 24, 32, 128 * GIB, 0, Set.of()),
                new Machine.Group("gpu", 4, 32, 256 * GIB, 4, Set.of())));
        PipelineModel.Background load = new PipelineModel.Background(0.85, 16, 3600, 7, 3 * 86_400);
        List<Workload> out = new ArrayList<>();
        Map<Factor, Stage.Range> wide = bounds(1, 32, 1, 64, 1, 64);

        // queue-bound: wide jobs of much work each wait for whole nodes on a busy cluster
        out.add(new Workload("queue-bound-wide", "32-CPU jobs of 20 units, 2 at a time, on a busy cluster",
                campaign("wide", stage("simulate", 400, new Shape(32, 16 * GIB, 0, 8 * 3600, null, 20, 4), wide,
                        Set.of(Lane.CPU), List.of())),
                model(machine, load, Map.of("simulate", new PipelineModel.StageModel(600, 0.3, 1, 60, GIB, 256L << 20, 0)))));

        // preprocessing that holds an idle GPU: the few GPU nodes are the bottleneck
        Map<Factor, Stage.Range> gpuIdle = new HashMap<>(bounds(1, 16, 1, 64, 1, 64));
        gpuIdle.put(Factor.GPUS, new Stage.Range(0, 1));
        out.add(new Workload("idle-gpu-preprocess", "a GPU per job that the work never uses",
                campaign("prep", stage("preprocessing", 400, new Shape(4, 8 * GIB, 1, 2 * 3600, null, 8, 16), gpuIdle,
                        Set.of(Lane.CPU, Lane.GPU), List.of())),
                model(machine, load, Map.of("preprocessing", new PipelineModel.StageModel(120, 0.2, 1, 60, GIB, 256L << 20, 0)))));

        // out of memory at the starting shape
        out.add(new Workload("oom-prone", "memory asked below what 10 units need",
                campaign("oom", stage("caching", 300, new Shape(4, 4 * GIB, 0, 3600, null, 10, 10),
                        bounds(1, 16, 1, 50, 1, 64), Set.of(Lane.CPU), List.of())),
                model(machine, load, Map.of("caching", new PipelineModel.StageModel(90, 0.2, 1, 30, 2 * GIB, 700L << 20, 0)))));

        // asks ten times the memory it uses: big requests wait for room
        out.add(new Workload("memory-over-ask", "96G asked, about 9G used",
                campaign("overask", stage("eval", 200, new Shape(8, 96 * GIB, 0, 3 * 3600, null, 5, 10),
                        bounds(1, 16, 1, 20, 1, 40), Set.of(Lane.CPU), List.of())),
                model(machine, load, Map.of("eval", new PipelineModel.StageModel(300, 0.1, 1, 60, 4 * GIB, GIB, 0)))));

        // a pipeline mixing them
        Map<Factor, Stage.Range> trainB = new HashMap<>(bounds(4, 32, 1, 1, 1, 4));
        trainB.put(Factor.GPUS, new Stage.Range(1, 4));
        out.add(new Workload("mixed-pipeline", "fetch, preprocess on an idle GPU, cache with OOMs, train on GPUs, eval over-asking",
                campaign("mixed",
                        stage("data_fetching", 100, new Shape(2, 4 * GIB, 0, 3600, null, 10, 4), bounds(1, 8, 1, 50, 1, 32),
                                Set.of(Lane.CPU), List.of()),
                        stage("preprocessing", 200, new Shape(4, 8 * GIB, 1, 2 * 3600, null, 8, 8), gpuIdle,
                                Set.of(Lane.CPU, Lane.GPU), List.of("data_fetching")),
                        stage("caching", 100, new Shape(4, 4 * GIB, 0, 3600, null, 10, 10), bounds(1, 16, 1, 50, 1, 64),
                                Set.of(Lane.CPU), List.of("preprocessing")),
                        stage("training", 4, new Shape(8, 64 * GIB, 2, 12 * 3600, null, 1, 2), trainB, Set.of(Lane.GPU),
                                List.of("caching")),
                        stage("eval", 40, new Shape(8, 96 * GIB, 0, 3 * 3600, null, 5, 4), bounds(1, 16, 1, 20, 1, 40),
                                Set.of(Lane.CPU), List.of("training"))),
                model(machine, load, Map.of(
                        "data_fetching", new PipelineModel.StageModel(60, 0.9, 1, 30, GIB, 128L << 20, 0),
                        "preprocessing", new PipelineModel.StageModel(120, 0.2, 1, 60, GIB, 256L << 20, 0),
                        "caching", new PipelineModel.StageModel(90, 0.2, 1, 30, 2 * GIB, 700L << 20, 0),
                        "training", new PipelineModel.StageModel(4 * 3600, 0.3, 6, 300, 16 * GIB, 8 * GIB, 0),
                        "eval", new PipelineModel.StageModel(300, 0.1, 1, 60, 4 * GIB, GIB, 0)))));

        // not one of the five the optimiser was built against: other numbers, another machine and load, more noise.
        // Jobs of one unit each spend 5 minutes staging before any work, and memory grows steeply with the units per
        // job (3 GiB + 1.5 GiB a unit), on 12 nodes of 48 cores kept 75% busy by 8-core, two-hour jobs
        Machine small = new Machine(List.of(new Machine.Group("cpu", 12, 48, 192 * GIB, 0, Set.of())));
        out.add(new Workload("staging-heavy", "one unit per job, 5 minutes' staging each; memory 3G + 1.5G a unit",
                campaign("staging", stage("tokenise", 480, new Shape(2, 6 * GIB, 0, 2 * 3600, null, 1, 8),
                        bounds(1, 24, 1, 48, 1, 96), Set.of(Lane.CPU), List.of())),
                new PipelineModel(small, new PipelineModel.Background(0.75, 8, 2 * 3600, 23, 3 * 86_400), 29, 0.08,
                        "easy", Map.of("tokenise", new PipelineModel.StageModel(45, 0.4, 1, 300, 3 * GIB, 1536L << 20, 0)))));
        return out;
    }

    private static Map<Factor, Stage.Range> bounds(int cpuMin, int cpuMax, int kMin, int kMax, int concMin, int concMax) {
        Map<Factor, Stage.Range> b = new HashMap<>();
        b.put(Factor.CPUS, new Stage.Range(cpuMin, cpuMax));
        b.put(Factor.MEM, new Stage.Range(GIB, 200 * GIB));
        b.put(Factor.TIME, new Stage.Range(300, 24 * 3600));
        if (kMax > kMin) b.put(Factor.SHARDS_PER_JOB, new Stage.Range(kMin, kMax));
        if (concMax > concMin) b.put(Factor.CONCURRENCY, new Stage.Range(concMin, concMax));
        return b;
    }

    private static Stage stage(String name, int shards, Shape start, Map<Factor, Stage.Range> bounds, Set<Lane> lanes,
                               List<String> after) {
        return new Stage(name, shards, null, start, bounds, lanes, after, null);
    }

    private static Campaign campaign(String name, Stage... stages) {
        return new Campaign(name, 1, "bench", List.of(stages));
    }

    private static PipelineModel model(Machine m, PipelineModel.Background load, Map<String, PipelineModel.StageModel> stages) {
        return new PipelineModel(m, load, 11, 0.05, "easy", stages);
    }
}
