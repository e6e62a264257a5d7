package dev.reckon.optimise;

import dev.reckon.model.JobState;
import dev.reckon.source.Cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The optimiser: rounds of small experiments on a {@link Cluster}, each round planned from the evidence of the
 * ones before, for the shortest total wall-clock of a campaign's target work (queue wait + runtime + retries).
 *
 * <ul>
 *   <li><b>Round 0, smoke</b>: one job per stage and allowed lane at the starting shape.</li>
 *   <li><b>Round 1, sweep</b>: memory and time set from the evidence; then at most two factors per stage, those
 *       whose values the evidence and the predicted queue wait say gain most, each tried at two values.</li>
 *   <li><b>Round 2 and on, scale</b>: the best stable candidate run as a wave of {@code concurrency} jobs, measured;
 *       promoted when it beats the incumbent by more than the noise.</li>
 * </ul>
 * Safety: a job that ran out of memory is followed, in the same round, by a trial with more memory (the peak seen x
 * 1.5, at least +1 GiB) or, at the bound, half the work per job; a configuration that ran out of memory twice is never
 * tried again, and an unstable one is never scaled. Every trial is claimed in the campaign's {@link Log} before it is
 * sent and counted against the budget before it is sent: one that would exceed it is refused. It stops at a plateau
 * (no gain beyond the noise for two rounds), when the budget is spent, when the target work is done, or after
 * {@link Settings#maxRounds}.
 */
public final class Optimiser {
    static final long GIB = 1L << 30;
    static final long MIB = 1L << 20;

    /** Predicted queue wait, before a shape is tried: of the last of {@code jobs} such jobs sent now; null unknown. */
    @FunctionalInterface
    public interface Waits {
        Long waitS(Shape shape, int jobs);

        /** The queue now, to forecast a whole stage's work on ({@link Forecast}); null when it cannot be read. */
        default Forecast.Snapshot snapshot() {
            return null;
        }
    }

    /** The campaign's state, kept so that a run killed at any point resumes without sending a trial twice. */
    public interface Log {
        /** Stores (or replaces) the trial, durably, before returning. */
        void save(Trial t);

        /** Every trial stored, in number order. */
        List<Trial> trials();
    }

    /** A log in memory (for dry runs and benches). */
    public static final class MemoryLog implements Log {
        private final Map<Integer, Trial> trials = new java.util.TreeMap<>();

        @Override
        public void save(Trial t) {
            trials.put(t.number(), t);
        }

        @Override
        public List<Trial> trials() {
            return List.copyOf(trials.values());
        }
    }

    /** Predicted waits on a simulated cluster: its queue now, simulated forward as {@code reckon predict} does. */
    public static Waits simulated(dev.reckon.sim.SimulatedCluster c, dev.reckon.sim.SimDefaults defaults) {
        return new Waits() {
            @Override
            public Long waitS(Shape shape, int jobs) {
                dev.reckon.sim.Predict.Shape p = new dev.reckon.sim.Predict.Shape("trial", 1, shape.cpus(),
                        shape.memBytes(), shape.gpus(), shape.timeS(), shape.partition(), Math.max(1, jobs));
                dev.reckon.sim.Predict.Prediction x = dev.reckon.sim.Predict.predict(c.machine(), c.queue(), List.of(p),
                        c.now(), c.policy(), defaults).get(0);
                return x.start() == null ? null : x.waitS();
            }

            @Override
            public Forecast.Snapshot snapshot() {
                return new Forecast.Snapshot(c.machine(), c.queue(), c.policy(), defaults);
            }
        };
    }

    /** What the campaign may still spend: CPU- and GPU-hours left of its charter's budget (infinite: no limit). */
    public record Budget(double cpuHours, double gpuHours) {
        public static final Budget UNLIMITED = new Budget(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    /**
     * How the optimiser works.
     *
     * @param maxRounds   the last round (0 smoke, 1 sweep, then scale)
     * @param noise       gains below this fraction of the incumbent's wall-clock are noise
     * @param sweepJobs   jobs per sweep trial
     * @param memMargin   memory set from evidence: peak x this
     * @param memPad      ... and at least this much more, bytes
     * @param timeMargin  time limits set from evidence: runtime x this, at least {@code timePadS} more
     */
    public record Settings(int maxRounds, double noise, int sweepJobs, double memMargin, long memPad, double timeMargin,
                           long timePadS) {
        public static final Settings DEFAULT = new Settings(5, 0.05, 1, 1.25, 512 * MIB, 1.5, 120);
    }

    /**
     * A campaign's run so far.
     *
     * @param trials     every trial, in number order
     * @param chosen     the configuration chosen per stage (the incumbent)
     * @param estimates  per stage, the estimated wall-clock of its remaining work as submitted and as chosen
     * @param stopped    why it stopped (or what it would do next, for a plan)
     */
    public record Run(Campaign campaign, List<Trial> trials, Map<String, Shape> chosen, Map<String, Estimate> estimates,
                      int rounds, String stopped) {}

    /**
     * One stage's estimated wall-clock for its whole target work: the queue wait of the first wave plus the waves'
     * runtimes, seconds; -1 where unknown.
     */
    public record Estimate(String stage, double asSubmittedS, double chosenS, double runtimeS, Long waitS, int jobs) {}

    private final Campaign campaign;
    private final Cluster cluster;
    private final Waits waits;
    private final Log log;
    private final Settings settings;
    private double cpuLeft, gpuLeft;
    private final Map<String, Evidence> evidence = new HashMap<>();
    private final Map<String, Shape> incumbent = new LinkedHashMap<>();
    private final Map<String, Integer> cursor = new HashMap<>();
    private final Map<String, Integer> doneShards = new HashMap<>();
    private final Set<Shape> unstable = new HashSet<>();
    private final Map<Shape, Integer> oomCount = new HashMap<>();
    private final Map<String, double[]> measured = new HashMap<>();
    private final List<Trial> trials = new ArrayList<>();
    /** The queue as last read, to forecast stages on; null: no forecast, one wave's predicted wait instead. */
    private Forecast.Snapshot snapshot;
    /** The CPUs the others' running jobs held, summed over every reading of the queue, and the readings: their usual load. */
    private final double[] loadSeen = new double[2];
    /** The others' CPUs held or waited for at each reading of the queue. */
    private final List<Double> loadReadings = new ArrayList<>();
    /**
     * The part of one job's runtime added to every forecast: half, the cost of a last wave that does not all fit
     * about half the time. Measured on the bench (docs/optimise.md): without it, queue-bound-wide kept jobs of 8
     * units, 17% over the best known; with a quarter, the same.
     */
    static final double STRAGGLER = 0.5;
    private final Map<String, Double> forecasts = new HashMap<>();

    public Optimiser(Campaign campaign, Cluster cluster, Waits waits, Log log, Budget budget, Settings settings) {
        this.campaign = campaign;
        this.cluster = cluster;
        this.waits = waits;
        this.log = log;
        this.settings = settings;
        this.cpuLeft = budget.cpuHours();
        this.gpuLeft = budget.gpuHours();
        for (Stage s : campaign.stages()) {
            evidence.put(s.name(), new Evidence());
            incumbent.put(s.name(), s.start());
            cursor.put(s.name(), 0);
            doneShards.put(s.name(), 0);
        }
    }

    /** The trials round 0 would send, with their predicted waits: nothing is sent or stored. */
    public Run plan() {
        refresh();
        List<Trial> planned = smoke(1);
        List<Trial> withWaits = new ArrayList<>();
        for (Trial t : planned) withWaits.add(predicted(t));
        return new Run(campaign, withWaits, Map.copyOf(incumbent), estimates(), 0,
                "dry run: round 0 would send these " + planned.size() + " trials");
    }

    /** The campaign as its log stands: the trials, the evidence and the incumbents; nothing is sent or waited for. */
    public Run stored() {
        int round = 0;
        for (Trial t : log.trials()) {
            trials.add(t);
            round = Math.max(round, t.round());
            account(t);
        }
        refresh();
        for (int r = 0; r <= round; r++) promote(r);
        long open = trials.stream().filter(t -> t.status() == Trial.Status.SUBMITTED || t.status() == Trial.Status.PLANNED).count();
        return new Run(campaign, List.copyOf(trials), Map.copyOf(incumbent), estimates(), round,
                "as stored: " + trials.size() + " trials" + (open > 0 ? ", " + open + " not finished (resume to go on)" : ""));
    }

    /** Runs (or resumes, from the log) the campaign's rounds until it stops. */
    public Run run() {
        int round = resume();
        String stopped = null;
        int flat = 0;
        while (stopped == null) {
            if (round > settings.maxRounds()) {
                stopped = "the last round (" + settings.maxRounds() + ") is done";
                break;
            }
            if (workDone()) {
                stopped = "the target work is done";
                break;
            }
            refresh();
            Map<String, Double> before = stageEstimates();
            List<Trial> mine = roundTrials(round);
            if (mine.isEmpty()) mine = planRound(round);
            if (mine.isEmpty()) {
                stopped = round == 0 ? "nothing to try" : "no candidate left to try";
                break;
            }
            boolean refused = execute(mine);
            refresh();
            promote(round);
            Map<String, Double> after = stageEstimates();
            if (round >= 2) {
                double b = total(before), a = total(after);
                flat = b > 0 && a > b * (1 - settings.noise()) ? flat + 1 : 0;
                if (flat >= 2) {
                    stopped = "plateau: no gain beyond the noise (" + Math.round(settings.noise() * 100)
                            + "%) for two rounds";
                    break;
                }
            }
            if (refused) {
                stopped = "the budget is spent";
                break;
            }
            round++;
        }
        int last = trials.stream().mapToInt(Trial::round).max().orElse(0);
        return new Run(campaign, List.copyOf(trials), Map.copyOf(incumbent), estimates(), last, stopped);
    }

    // ------------------------------------------------------------------------------------------------ resuming

    /** Reads the log: finished trials become evidence, sent ones are waited for; returns the round to go on with. */
    private int resume() {
        refresh();
        int round = 0;
        for (Trial t : log.trials()) {
            if (t.status() == Trial.Status.SUBMITTED) t = await(t);
            trials.add(t);
            round = Math.max(round, t.round());
            account(t);
        }
        for (int r = 0; r <= round; r++) promote(r);
        return round;
    }

    private List<Trial> roundTrials(int round) {
        return trials.stream().filter(t -> t.round() == round).toList();
    }

    // ------------------------------------------------------------------------------------------------ planning

    private List<Trial> planRound(int round) {
        List<Trial> out = round == 0 ? smoke(next()) : round == 1 ? sweep(next()) : scale(next());
        for (Trial t : out) {
            Trial p = predicted(t);
            trials.add(p);
            log.save(p);
        }
        return out.stream().map(t -> trials.stream().filter(x -> x.number() == t.number()).findFirst().orElseThrow()).toList();
    }

    private int next() {
        return trials.stream().mapToInt(Trial::number).max().orElse(0) + 1;
    }

    private List<Trial> smoke(int number) {
        List<Trial> out = new ArrayList<>();
        for (Stage s : ordered()) {
            List<Lane> lanes = new ArrayList<>(List.of(s.start().lane()));
            for (Lane l : Lane.values()) if (s.lanes().contains(l) && !lanes.contains(l)) lanes.add(l);
            for (Lane l : lanes) {
                Shape shape = onLane(s, s.start(), l);
                if (shape == null) continue;
                String why = l == s.start().lane() ? "smoke: the starting shape runs correctly"
                        : l == Lane.CPU ? "smoke: the CPU lane (does the stage use its GPU at all?)"
                        : "smoke: the GPU lane (does a GPU speed the stage up?)";
                Trial t = take(0, number++, s, why + " on the " + l.word() + " lane", shape, 1);
                if (t != null) out.add(t);
            }
        }
        return out;
    }

    private List<Trial> sweep(int number) {
        List<Trial> out = new ArrayList<>();
        for (Stage s : ordered()) out.addAll(sweep(s, 1, number + out.size()));
        return out;
    }

    /**
     * A stage's sweep around its incumbent: memory and time from the evidence, then the two factors whose values
     * the evidence and the predicted waits say gain most, each at the values not tried yet.
     */
    private List<Trial> sweep(Stage s, int round, int number) {
        List<Trial> out = new ArrayList<>();
        if (remaining(s) <= 0) return out;
        Shape base = rightSized(s, incumbent.get(s.name()));
        Map<Factor, List<Shape>> candidates = new LinkedHashMap<>();
        candidates(s, base).forEach((f, v) -> candidates.put(f, new ArrayList<>(v)));
        Set<Shape> tried = new HashSet<>();
        for (Trial t : trials) if (t.stage().equals(s.name())) tried.add(t.shape());
        for (List<Shape> v : candidates.values()) v.removeIf(c -> tried.contains(c) || unstable.contains(c));
        candidates.values().removeIf(List::isEmpty);
        List<Map.Entry<Factor, List<Shape>>> ranked = new ArrayList<>(candidates.entrySet());
        double baseEst = estimate(s, base);
        Evidence ev = evidence.get(s.name());
        ranked.sort(Comparator.comparingDouble(e -> {
            // a lane with no clean run yet is tried first: GPU time is for GPU-bound work
            if (e.getKey() == Factor.GPUS && e.getValue().stream().anyMatch(c -> !ev.knows(c.lane()))) return -3.0;
            // then what the runtime's fit needs: runs with other CPU counts (its serial part), with other units per
            // job (its per-job overhead); without them, the shapes it has not seen are guesses
            int[] variety = ev.variety(base.lane());
            if (e.getKey() == Factor.CPUS && variety[0] < 2) return -2.0;
            if (e.getKey() == Factor.SHARDS_PER_JOB && variety[1] < 2) return -1.0;
            return e.getValue().stream().mapToDouble(c -> {
                double x = estimate(s, c);
                return x < 0 ? Double.MAX_VALUE / 2 : x;
            }).min().orElse(Double.MAX_VALUE);
        }));
        if (!base.equals(incumbent.get(s.name())) && !tried.contains(base)) {
            Trial t = take(round, number++, s, "right-size: memory and time from what the jobs used ("
                    + describe(incumbent.get(s.name()), base) + ")", base, settings.sweepJobs());
            if (t != null) out.add(t);
        }
        // exploring spends at most a third of the work left: the rest is for the configuration it finds
        int explore = Math.max(1, remainingToSend(s) / 3);
        // what the fit needs is learnt cheaply: one job of a quarter of the units, at the CPUs and at a quarter (or
        // four times) of them
        int[] variety = ev.variety(base.lane());
        int probeK = base.shardsPerJob();
        if (s.varies(Factor.SHARDS_PER_JOB))
            probeK = (int) Math.min(Math.max(1, s.shards()),
                    s.bounds().get(Factor.SHARDS_PER_JOB).clamp(Math.max(1, base.shardsPerJob() / 4)));
        for (Map.Entry<Factor, List<Shape>> e : ranked.subList(0, Math.min(2, ranked.size()))) {
            List<Shape> values = new ArrayList<>(e.getValue());
            values.sort(Comparator.comparingDouble(c -> {
                double x = estimate(s, c);
                return x < 0 ? Double.MAX_VALUE / 2 : x;
            }));
            Shape probe = null;
            if (e.getKey() == Factor.CPUS && variety[0] < 2) probe = probeCpus(s, base, probeK);
            else if (e.getKey() == Factor.SHARDS_PER_JOB && variety[1] < 2 && probeK != base.shardsPerJob())
                probe = rightSized(s, base.withShardsPerJob(probeK));
            if (probe != null && !tried.contains(probe) && !unstable.contains(probe)) values = List.of(probe);
            for (Shape c : values) {
                int cost = c.shardsPerJob() * settings.sweepJobs();
                if (cost > explore && !out.isEmpty()) continue;
                explore -= cost;
                double est = estimate(s, c);
                String gain = baseEst > 0 && est > 0 ? String.format(Locale.ROOT, " (estimated %+.0f%% stage wall-clock)",
                        100 * (est - baseEst) / baseEst) : "";
                Trial t = take(round, number++, s, "sweep " + e.getKey().word() + ": " + describe(base, c) + gain, c,
                        settings.sweepJobs());
                if (t != null) out.add(t);
            }
        }
        return out;
    }

    /** A job of {@code units} units at a quarter of the base's CPUs (or four times, a half, twice: the first allowed). */
    private Shape probeCpus(Stage s, Shape base, int units) {
        Stage.Range r = s.bounds().get(Factor.CPUS);
        for (long v : new long[] {base.cpus() / 4, base.cpus() * 4L, base.cpus() / 2, base.cpus() * 2L}) {
            long c = r.clamp(Math.max(1, v));
            if (c != base.cpus()) return rightSized(s, base.withShardsPerJob(units).withCpus((int) c));
        }
        return null;
    }

    private List<Trial> scale(int number) {
        List<Trial> out = new ArrayList<>();
        for (Stage s : ordered()) {
            if (remaining(s) <= 0) continue;
            Shape inc = incumbent.get(s.name());
            Shape best = inc;
            double bestEst = estimate(s, inc);
            for (Shape c : triedClean(s)) {
                double e = estimate(s, c);
                if (e > 0 && (bestEst < 0 || e < bestEst)) {
                    best = c;
                    bestEst = e;
                }
            }
            // the best shape of the grid for the stage's work, by the fitted runtime and memory and the forecast
            Shape predicted = gridBest(s);
            if (predicted != null && !predicted.equals(best)) {
                double e = estimate(s, predicted);
                if (e > 0 && (bestEst < 0 || e < bestEst * (1 - settings.noise()))) {
                    best = predicted;
                    bestEst = e;
                }
            }
            // combine the best values of the factors swept
            Shape combined = combine(s, inc);
            if (combined != null && !unstable.contains(combined)) {
                double e = estimate(s, combined);
                if (e > 0 && e < bestEst * (1 - settings.noise())) {
                    best = combined;
                    bestEst = e;
                }
            }
            // one wave, but never more than half the work left while there is more to learn
            int left = best.jobs(remainingToSend(s));
            int jobs = Math.max(1, Math.min(best.concurrency(), round(number) < settings.maxRounds() ? (left + 1) / 2 : left));
            String why = best.equals(inc) ? "scale: confirm the incumbent at one wave of " + jobs + " jobs"
                    : "scale: " + describe(inc, best) + " at one wave of " + jobs + " jobs";
            int round = Math.max(2, roundOf(number));
            Trial t = take(round, number++, s, why, best, jobs);
            if (t != null) out.add(t);
            // and keep climbing: the next values of the most promising factors around the incumbent
            List<Trial> more = sweep(s, round, number);
            number += more.size();
            out.addAll(more);
        }
        return out;
    }

    private int round(int number) {
        return roundOf(number);
    }

    private int roundOf(int number) {
        return trials.stream().mapToInt(Trial::round).max().orElse(0) + 1;
    }

    /**
     * The shape the evidence and the forecast say does the stage's work soonest, of every combination of lane, CPUs
     * and units per job (powers of two within the bounds, the bounds, the start's and the incumbent's) and jobs at
     * once (the start's, the incumbent's, powers of two, the most allowed), each with memory and time from the
     * evidence; shapes the evidence cannot estimate (a lane not run, memory it would run out of) are left out. Null
     * when none can be estimated.
     */
    Shape gridBest(Stage s) {
        Shape inc = incumbent.get(s.name());
        Map<Shape, Double> est = new LinkedHashMap<>();
        for (Shape c : grid(s, inc)) {
            if (unstable.contains(c)) continue;
            double e = estimate(s, c);
            if (e <= 0) continue;
            est.put(c, e);
        }
        // the fastest forecast; of those as fast within a hair, the lighter footprint
        Shape best = null;
        for (Map.Entry<Shape, Double> e : est.entrySet()) {
            Shape c = e.getKey();
            double b = best == null ? Double.MAX_VALUE : est.get(best);
            if (e.getValue() < b * (1 - 1e-9) || (e.getValue() <= b * (1 + 1e-9) && footprint(c) < footprint(best)))
                best = c;
        }
        return best;
    }

    private List<Shape> grid(Stage s, Shape inc) {
        Evidence ev = evidence.get(s.name());
        List<Long> cpus = levels(s, Factor.CPUS, s.start().cpus(), inc.cpus());
        List<Long> units = levels(s, Factor.SHARDS_PER_JOB, s.start().shardsPerJob(), inc.shardsPerJob());
        units.removeIf(k -> k > Math.max(1, s.shards()));
        if (units.isEmpty()) units.add((long) Math.max(1, Math.min(s.shards(), inc.shardsPerJob())));
        List<Long> conc = levels(s, Factor.CONCURRENCY, s.start().concurrency(), inc.concurrency());
        List<Shape> out = new ArrayList<>();
        for (Lane lane : Lane.values()) {
            Shape onLane = onLane(s, inc, lane);
            if (onLane == null || !ev.knows(lane)) continue;
            for (long c : cpus)
                for (long k : units)
                    for (long cc : conc) {
                        Shape x = rightSized(s, onLane.withCpus((int) c).withShardsPerJob((int) k)
                                .withConcurrency((int) cc));
                        if (!out.contains(x)) out.add(x);
                    }
        }
        return out;
    }

    /** A factor's levels for the grid: powers of two within its bounds, its bounds, and the values given. */
    private static List<Long> levels(Stage s, Factor f, long... also) {
        List<Long> out = new ArrayList<>();
        if (!s.varies(f)) {
            out.add(also[0]);
            return out;
        }
        Stage.Range r = s.bounds().get(f);
        for (long v = 1; v <= r.max(); v *= 2) if (r.contains(v)) out.add(v);
        if (!out.contains(r.min())) out.add(Math.max(1, r.min()));
        if (!out.contains(r.max())) out.add(r.max());
        for (long v : also) if (r.contains(v) && !out.contains(v)) out.add(v);
        return out;
    }

    /** The values of each factor the stage may vary, around the base shape. */
    private Map<Factor, List<Shape>> candidates(Stage s, Shape base) {
        Map<Factor, List<Shape>> out = new LinkedHashMap<>();
        if (s.lanes().size() > 1) {
            Lane other = base.lane() == Lane.GPU ? Lane.CPU : Lane.GPU;
            Shape o = onLane(s, base, other);
            if (o != null) out.put(Factor.GPUS, List.of(o));
        }
        if (s.varies(Factor.CPUS))
            out.put(Factor.CPUS, values(s, base, Factor.CPUS, base.cpus() * 2L, base.cpus() / 2L, base.cpus() / 4L));
        if (s.varies(Factor.SHARDS_PER_JOB))
            out.put(Factor.SHARDS_PER_JOB, values(s, base, Factor.SHARDS_PER_JOB, base.shardsPerJob() / 4L,
                    base.shardsPerJob() / 16L, base.shardsPerJob() * 2L));
        if (s.varies(Factor.CONCURRENCY))
            out.put(Factor.CONCURRENCY, values(s, base, Factor.CONCURRENCY, base.concurrency() * 2L,
                    base.concurrency() * 4L, s.bounds().get(Factor.CONCURRENCY).max()));
        out.values().removeIf(List::isEmpty);
        return out;
    }

    private List<Shape> values(Stage s, Shape base, Factor f, long... vs) {
        List<Shape> out = new ArrayList<>();
        Stage.Range r = s.bounds().get(f);
        for (long v : vs) {
            long c = r.clamp(Math.max(1, v));
            Shape x = switch (f) {
                case CPUS -> base.withCpus((int) c);
                case SHARDS_PER_JOB -> base.withShardsPerJob((int) Math.min(c, s.shards()));
                case CONCURRENCY -> base.withConcurrency((int) c);
                default -> base;
            };
            x = rightSized(s, x);
            if (!x.equals(base) && !out.contains(x)) out.add(x);
        }
        return out;
    }

    /** The incumbent with the best value seen of each factor tried cleanly, where that differs. */
    private Shape combine(Stage s, Shape inc) {
        Shape c = inc;
        for (Factor f : List.of(Factor.GPUS, Factor.CPUS, Factor.SHARDS_PER_JOB, Factor.CONCURRENCY)) {
            Shape best = null;
            double bestEst = estimate(s, c);
            for (Shape t : triedClean(s)) {
                Shape x = switch (f) {
                    case GPUS -> t.lane() == c.lane() ? null : onLane(s, c, t.lane());
                    case CPUS -> c.withCpus(t.cpus());
                    case SHARDS_PER_JOB -> c.withShardsPerJob(t.shardsPerJob());
                    case CONCURRENCY -> c.withConcurrency(t.concurrency());
                    default -> null;
                };
                if (x == null) continue;
                x = rightSized(s, x);
                double e = estimate(s, x);
                if (e > 0 && e < bestEst) {
                    best = x;
                    bestEst = e;
                }
            }
            if (best != null) c = best;
        }
        return c.equals(inc) ? null : c;
    }

    private List<Shape> triedClean(Stage s) {
        List<Shape> out = new ArrayList<>();
        for (Trial t : trials)
            if (t.stage().equals(s.name()) && t.result() != null && t.result().clean() && !out.contains(t.shape()))
                out.add(t.shape());
        return out;
    }

    /** The shape on another lane: GPUs at least one (or the start's) on the GPU lane, none on the CPU lane. */
    private static Shape onLane(Stage s, Shape base, Lane lane) {
        if (!s.lanes().contains(lane) && lane != s.start().lane()) return null;
        if (base.lane() == lane) return base;
        if (lane == Lane.CPU) {
            Stage.Range g = s.bounds().get(Factor.GPUS);
            if (g != null && !g.contains(0)) return null;
            if (g == null && s.start().gpus() > 0) return null;
            return base.withGpus(0);
        }
        Stage.Range g = s.bounds().get(Factor.GPUS);
        int gpus = Math.max(1, s.start().gpus());
        if (g != null) gpus = (int) g.clamp(gpus);
        if (gpus < 1) return null;
        return base.withGpus(gpus);
    }

    /** Memory and time limit set from the evidence (peak x margin + pad; runtime x margin + pad), within bounds. */
    Shape rightSized(Stage s, Shape shape) {
        Evidence ev = evidence.get(s.name());
        Shape out = shape;
        double peak = ev.peakBytes(shape.shardsPerJob());
        double floor = ev.needsMoreThan(shape.shardsPerJob());
        if ((peak > 0 || floor > 0) && s.varies(Factor.MEM)) {
            long mem = (long) Math.max(peak * settings.memMargin(), peak + settings.memPad());
            if (floor > 0) mem = Math.max(mem, (long) Math.max(floor * 1.5, floor + GIB));
            mem = ((mem + 255 * MIB) / (256 * MIB)) * 256 * MIB;
            out = out.withMem(s.bounds().get(Factor.MEM).clamp(mem));
        }
        double run = ev.runtimeBoundS(shape.lane(), shape.shardsPerJob(), shape.cpus());
        if (run > 0 && s.varies(Factor.TIME)) {
            long t = (long) Math.max(run * settings.timeMargin(), run + settings.timePadS());
            t = ((t + 59) / 60) * 60;
            // evidence shortens a limit; only a timeout lengthens one (and that is the follow-up's work)
            boolean noMoreWork = shape.shardsPerJob() <= s.start().shardsPerJob() && shape.cpus() >= s.start().cpus();
            if (noMoreWork && t > s.start().timeS()) t = s.start().timeS();
            out = out.withTime(s.bounds().get(Factor.TIME).clamp(t));
        }
        return out;
    }

    /** Claims the next units of the stage's work for a trial of {@code jobs} jobs; null when none are left. */
    private Trial take(int round, int number, Stage s, String why, Shape shape, int jobs) {
        int left = remainingToSend(s);
        if (left <= 0) return null;
        int shards = Math.min(left, jobs * shape.shardsPerJob());
        int n = shape.jobs(shards);
        int first = cursor.get(s.name());
        cursor.put(s.name(), first + shards);
        return new Trial(round, number, s.name(), why, shape, first, n, shards, Trial.Status.PLANNED, List.of(), null, null);
    }

    private Trial predicted(Trial t) {
        Long w = null;
        try {
            w = waits == null ? null : waits.waitS(t.shape(), Math.min(t.jobs(), t.shape().concurrency()));
        } catch (RuntimeException e) {
            // no prediction: the report says so
        }
        return new Trial(t.round(), t.number(), t.stage(), t.hypothesis(), t.shape(), t.firstShard(), t.jobs(),
                t.shards(), t.status(), t.jobIds(), w, t.result());
    }

    // ------------------------------------------------------------------------------------------------ executing

    /**
     * Sends the round's planned trials stage by stage (upstream first): a stage's trials all at once (each at most its
     * concurrency), waited for together; then its follow-ups one by one. True if any was refused for the budget.
     */
    private boolean execute(List<Trial> round) {
        boolean refused = false;
        for (Stage s : ordered()) {
            List<Trial> batch = new ArrayList<>();
            for (Trial t : round) {
                if (!t.stage().equals(s.name())) continue;
                t = current(t);
                if (t.status() == Trial.Status.DONE || t.status() == Trial.Status.REFUSED) continue;
                if (t.status() == Trial.Status.PLANNED) {
                    String why = affordable(t);
                    if (why != null) {
                        replace(t.refused(why));
                        refused = true;
                        continue;
                    }
                }
                batch.add(t);
            }
            List<Trial> done = new ArrayList<>();
            for (Trial t : batch) if (t.status() == Trial.Status.SUBMITTED) done.add(await(t));
            done.addAll(sendAll(s, batch.stream().filter(t -> t.status() == Trial.Status.PLANNED).toList()));
            boolean chained = false;
            for (Trial d : done) {
                replace(d);
                account(d);
            }
            int followUps = 0;
            List<Trial> chain = new ArrayList<>();
            for (Trial d : done) {
                if (chained) break;
                Trial follow = followUp(s, d);
                if (follow != null) {
                    chained = true;
                    chain.add(follow);
                }
            }
            while (!chain.isEmpty() && followUps < 3) {
                Trial f = predicted(chain.remove(0));
                followUps++;
                trials.add(f);
                log.save(f);
                String why = affordable(f);
                if (why != null) {
                    replace(f.refused(why));
                    refused = true;
                    break;
                }
                Trial d = sendAll(s, List.of(f)).get(0);
                replace(d);
                account(d);
                Trial next = followUp(s, d);
                if (next != null) chain.add(next);
            }
        }
        return refused;
    }

    /** Sends the trials' jobs together, each trial at most its concurrency at once; returns them done. */
    private List<Trial> sendAll(Stage s, List<Trial> ts) {
        if (ts.isEmpty()) return List.of();
        Map<Integer, Trial> byNumber = new LinkedHashMap<>();
        Map<Integer, List<String>> ids = new HashMap<>();
        List<Runner.Job> jobs = new ArrayList<>();
        for (Trial t : ts) {
            byNumber.put(t.number(), t);
            ids.put(t.number(), new ArrayList<>());
            for (Runner.Job j : jobsOf(s, t)) jobs.add(new Runner.Job(j.submission(), j.shards(), t.number()));
        }
        // each trial is claimed (PLANNED in the log) before its first job is sent; each id is stored as it is known
        List<Runner.Ended> ended = Runner.run(cluster, jobs, g -> byNumber.get(g).shape().concurrency(), (j, id) -> {
            List<String> mine = ids.get(j.group());
            mine.add(id);
            log.save(byNumber.get(j.group()).with(Trial.Status.SUBMITTED, mine, null));
        }, e -> null);
        List<Trial> out = new ArrayList<>();
        for (Trial t : ts) {
            List<Runner.Ended> mine = ended.stream().filter(e -> e.job().group() == t.number()).toList();
            Trial.Result r = Runner.result(mine);
            refund(t, r);
            out.add(t.with(Trial.Status.DONE, ids.get(t.number()), r));
        }
        return out;
    }

    private Trial current(Trial t) {
        return trials.stream().filter(x -> x.number() == t.number()).findFirst().orElse(t);
    }

    private void replace(Trial t) {
        for (int i = 0; i < trials.size(); i++) if (trials.get(i).number() == t.number()) trials.set(i, t);
        log.save(t);
    }

    /** Null when the budget allows the trial at its time limits; else why not. */
    private String affordable(Trial t) {
        double h = t.jobs() * t.shape().timeS() / 3600.0;
        double cpu = h * t.shape().cpus(), gpu = h * t.shape().gpus();
        if (cpu > cpuLeft + 1e-9 || gpu > gpuLeft + 1e-9)
            return String.format(Locale.ROOT, "it could use %.1f CPU-h and %.1f GPU-h; the charter has %.1f and %.1f left",
                    cpu, gpu, cpuLeft, gpuLeft);
        cpuLeft -= cpu;
        gpuLeft -= gpu;
        return null;
    }

    /** Waits for a trial's jobs that were sent before (a resumed run); none is sent again. */
    private Trial await(Trial t) {
        List<String> ids = t.jobIds();
        List<Cluster.JobStatus> st;
        java.time.Instant sent = cluster.now();
        do {
            st = cluster.poll(ids, Runner.FIRST_POLL);
        } while (st.stream().anyMatch(x -> !Runner.ended(x.state())));
        Stage s = campaign.stage(t.stage()).orElseThrow();
        List<Runner.Job> jobs = jobsOf(s, t);
        List<Runner.Ended> ended = new ArrayList<>();
        for (int i = 0; i < st.size() && i < jobs.size(); i++)
            ended.add(new Runner.Ended(jobs.get(i), st.get(i).id(), st.get(i), st.get(i).start() == null ? sent
                    : st.get(i).start(), 1));
        return t.with(Trial.Status.DONE, ids, Runner.result(ended));
    }

    private void refund(Trial t, Trial.Result r) {
        double h = t.jobs() * t.shape().timeS() / 3600.0;
        cpuLeft += h * t.shape().cpus() - r.cpuHours();
        gpuLeft += h * t.shape().gpus() - r.gpuHours();
    }

    /** The trial's jobs: its units of work cut {@code shardsPerJob} at a time, tagged for the ledger and the model. */
    private List<Runner.Job> jobsOf(Stage s, Trial t) {
        List<Runner.Job> out = new ArrayList<>();
        for (int first = t.firstShard(); first < t.firstShard() + t.shards(); first += t.shape().shardsPerJob()) {
            int n = Math.min(t.shape().shardsPerJob(), t.firstShard() + t.shards() - first);
            out.add(new Runner.Job(submission(campaign, s, t.shape(), first, n, t.round(), t.number()), n));
        }
        return out;
    }

    /** One job of a stage: named after the stage, its comment saying charter, campaign, stage, shards, round, trial. */
    public static Cluster.Submission submission(Campaign c, Stage s, Shape shape, int first, int shards, int round,
                                                int trial) {
        String command = s.command() == null ? "true" : Commands.render(s, shape, first, first + shards - 1, c.name());
        return new Cluster.Submission(s.name() + (trial > 0 ? "_t" + trial : ""), shape.cpus(), shape.memBytes(),
                shape.gpus(), shape.timeS(), shape.partition(),
                Commands.comment(c.charter(), c.name(), s.name(), shards, round, trial), command);
    }

    /** After a trial: more memory (or less work per job) after an OOM, a longer limit after a timeout; else null. */
    private Trial followUp(Stage s, Trial t) {
        Trial.Result r = t.result();
        if (r == null || r.clean()) return null;
        if (r.ooms() > 0) {
            int n = oomCount.merge(t.shape(), 1, Integer::sum);
            if (n >= 2) unstable.add(t.shape());
            long peak = Math.max(r.peakMemBytes(), t.shape().memBytes());
            long want = Math.max((long) (peak * 1.5), t.shape().memBytes() + GIB);
            Stage.Range mem = s.bounds().get(Factor.MEM);
            Shape next;
            String why;
            if (mem != null && mem.contains(want)) {
                next = t.shape().withMem(want);
                why = "after out of memory at " + Runner.gib(t.shape().memBytes()) + ": raise memory to "
                        + Runner.gib(want) + " (peak seen x 1.5, at least +1 GiB)";
            } else if (s.varies(Factor.SHARDS_PER_JOB) && t.shape().shardsPerJob() > 1
                    && s.bounds().get(Factor.SHARDS_PER_JOB).contains(t.shape().shardsPerJob() / 2)) {
                next = t.shape().withShardsPerJob(t.shape().shardsPerJob() / 2);
                why = "after out of memory at " + Runner.gib(t.shape().memBytes()) + " (the most allowed): split the work, "
                        + next.shardsPerJob() + " units per job";
            } else {
                unstable.add(t.shape());
                return null;
            }
            if (unstable.contains(next)) return null;
            return redo(s, t, next, why);
        }
        if (r.timeouts() > 0 && s.varies(Factor.TIME)) {
            long want = s.bounds().get(Factor.TIME).clamp(t.shape().timeS() * 2);
            if (want <= t.shape().timeS()) {
                unstable.add(t.shape());
                return null;
            }
            return redo(s, t, t.shape().withTime(want), "after a timeout at " + t.shape().timeS() + " s: double the limit");
        }
        unstable.add(t.shape());
        return null;
    }

    private Trial redo(Stage s, Trial t, Shape next, String why) {
        // the same units of work again (they were not done)
        return new Trial(t.round(), next(), s.name(), why, next, t.firstShard(), next.jobs(t.shards()), t.shards(),
                Trial.Status.PLANNED, List.of(), null, null);
    }

    // ------------------------------------------------------------------------------------------------ evidence

    private void account(Trial t) {
        if (t.status() != Trial.Status.DONE || t.result() == null) {
            if (t.status() == Trial.Status.PLANNED || t.status() == Trial.Status.SUBMITTED)
                cursor.merge(t.stage(), 0, (a, b) -> Math.max(a, t.firstShard() + t.shards()));
            return;
        }
        evidence.get(t.stage()).add(t);
        cursor.merge(t.stage(), 0, (a, b) -> Math.max(a, t.firstShard() + t.shards()));
        int done = 0;
        for (long[] x : t.result().runtimes()) done += (int) x[0];
        doneShards.merge(t.stage(), done, Integer::sum);
        if (t.result().ooms() > 0) {
            int n = oomCount.merge(t.shape(), 0, Integer::sum);
            if (n >= 2) unstable.add(t.shape());
        }
        if (t.result().clean() && t.result().runtimes().size() > 0)
            measured.merge(t.stage() + "\u0000" + t.shape(), new double[] {t.result().meanWaitS(), t.jobs()},
                    (a, b) -> b[1] >= a[1] ? b : a);
    }

    /** After a round: the incumbent of each stage becomes its best stable, cleanly measured configuration. */
    private void promote(int round) {
        for (Stage s : campaign.stages()) {
            Shape inc = incumbent.get(s.name());
            double incEst = estimate(s, inc);
            boolean incClean = triedClean(s).contains(inc);
            for (Shape c : triedClean(s)) {
                if (unstable.contains(c)) continue;
                double e = estimate(s, c);
                if (e <= 0) continue;
                // GPU time is for GPU-bound work: a stage as fast without its GPU gives it back
                boolean freesGpu = c.gpus() < inc.gpus() && e <= incEst * (1 + settings.noise());
                // as fast within the noise for less held (right-sized memory and limits): take it
                boolean lighter = e <= incEst * (1 + settings.noise()) && footprint(c) < 0.9 * footprint(inc)
                        && c.gpus() <= inc.gpus();
                if (!incClean || incEst <= 0 || e < incEst * (1 - settings.noise()) || freesGpu || lighter) {
                    inc = c;
                    incEst = e;
                    incClean = true;
                }
            }
            incumbent.put(s.name(), inc);
        }
    }

    /** What a shape holds per unit of work: (CPUs + GiB/4 + 10 x GPUs) x time limit / units per job. */
    static double footprint(Shape s) {
        return (s.cpus() + s.memBytes() / (4.0 * GIB) + 10.0 * s.gpus()) * s.timeS() / s.shardsPerJob();
    }

    /** The stage's remaining work in this shape: the first wave's queue wait plus the waves' runtimes, seconds. */
    double estimate(Stage s, Shape shape) {
        Evidence ev = evidence.get(s.name());
        // what was measured beats the fit: a job shape that has run is forecast at its measured runtime
        double run = ev.measuredRuntimeS(shape.lane(), shape.shardsPerJob(), shape.cpus());
        if (run < 0) run = ev.runtimeS(shape.lane(), shape.shardsPerJob(), shape.cpus());
        if (run < 0) return -1;
        boolean proven = triedClean(s).contains(shape);
        if (!proven && (ev.peakBytes(shape.shardsPerJob()) > shape.memBytes()
                || ev.needsMoreThan(shape.shardsPerJob()) >= shape.memBytes()))
            return -1; // would run out of memory
        if (!proven && run > shape.timeS()) return -1; // would time out
        int jobs = shape.jobs(Math.max(1, s.shards()));
        if (snapshot != null) {
            // the whole work forecast on the queue as it stands: every wave's wait, and how many fit at once
            String key = s.name() + "\u0000" + shape + "\u0000" + Math.round(run) + "\u0000" + jobs;
            Double f = forecasts.get(key);
            if (f == null) {
                try {
                    f = robustForecast(shape, jobs, run);
                } catch (RuntimeException e) {
                    f = Double.NaN; // no forecast: one wave's predicted wait, below
                }
                forecasts.put(key, f);
            }
            if (!f.isNaN()) return f;
        }
        int wave = Math.min(jobs, shape.concurrency());
        int waves = (jobs + wave - 1) / wave;
        // a wait measured on as many jobs as a wave is evidence; one job's wait says little of a wave's
        double[] m = measured.get(s.name() + "\u0000" + shape);
        Long predicted = waits == null ? null : safeWait(shape, wave);
        Long w = m != null && m[1] >= Math.max(1, wave / 2.0) ? Long.valueOf(Math.round(m[0]))
                : predicted != null ? predicted : m != null ? Long.valueOf(Math.round(m[0])) : null;
        return (w == null ? 0 : w) + waves * run;
    }

    /**
     * The stage's whole work in the shape, forecast so that a choice holds up when the others' load moves: the mean
     * of three forecasts, with the others' load carried on at the least, the mean and the most of the CPUs they held
     * over the campaign's readings of the queue; plus {@link #STRAGGLER} of one job's runtime, what a wave costs when
     * its last jobs find no room and wait for a whole job to end (shorter jobs lose less).
     */
    private double robustForecast(Shape shape, int jobs, double run) {
        double mean = loadSeen[0] / Math.max(1, loadSeen[1]);
        double lo = mean, hi = mean;
        for (double l : loadReadings) {
            lo = Math.min(lo, l);
            hi = Math.max(hi, l);
        }
        double sum = 0;
        double last = Double.NaN, f = 0;
        for (double load : new double[] {lo, mean, hi}) {
            if (load != last) f = Forecast.makespanS(snapshot, shape, jobs, run, load);
            if (f < 0) return f; // fits no node
            sum += f;
            last = load;
        }
        return sum / 3 + STRAGGLER * run;
    }

    /** Reads the queue again (the cluster has moved on): forecasts from then on are made on it. */
    private void refresh() {
        forecasts.clear();
        try {
            snapshot = waits == null ? null : waits.snapshot();
        } catch (RuntimeException e) {
            snapshot = null;
        }
        if (snapshot != null) {
            loadSeen[0] += Forecast.othersCores(snapshot);
            loadSeen[1]++;
            loadReadings.add((double) Forecast.othersCores(snapshot));
        }
    }

    private Long safeWait(Shape shape, int jobs) {
        try {
            return waits.waitS(shape, jobs);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Map<String, Double> stageEstimates() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Stage s : campaign.stages()) out.put(s.name(), estimate(s, incumbent.get(s.name())));
        return out;
    }

    /** The pipeline's wall-clock from stage estimates: the longest chain of dependencies. */
    double total(Map<String, Double> est) {
        Map<String, Double> finish = new HashMap<>();
        double max = 0;
        for (Stage s : ordered()) {
            double start = 0;
            for (String d : s.dependsOn()) start = Math.max(start, finish.getOrDefault(d, 0.0));
            double f = start + Math.max(0, est.getOrDefault(s.name(), 0.0));
            finish.put(s.name(), f);
            max = Math.max(max, f);
        }
        return max;
    }

    private Map<String, Estimate> estimates() {
        Map<String, Estimate> out = new LinkedHashMap<>();
        for (Stage s : campaign.stages()) {
            Shape c = incumbent.get(s.name());
            Evidence ev = evidence.get(s.name());
            int jobs = c.jobs(s.shards());
            double asSubmitted = estimate(s, s.start());
            double chosenEst = estimate(s, c);
            if (asSubmitted < 0 && chosenEst > 0) {
                // as submitted it fails (out of memory, out of time): each wave dies once, then runs as it must
                for (Trial t : trials) {
                    if (!t.stage().equals(s.name()) || !t.shape().equals(s.start()) || t.result() == null
                            || t.result().clean()) continue;
                    int wave = Math.min(jobs, s.start().concurrency());
                    asSubmitted = ((jobs + wave - 1) / wave) * t.result().meanRuntimeS() + chosenEst;
                    break;
                }
            }
            out.put(s.name(), new Estimate(s.name(), asSubmitted, chosenEst,
                    ev.runtimeS(c.lane(), c.shardsPerJob(), c.cpus()), waits == null ? null
                    : safeWait(c, Math.min(jobs, c.concurrency())), jobs));
        }
        return out;
    }

    private int remaining(Stage s) {
        return s.shards() - doneShards.getOrDefault(s.name(), 0);
    }

    private int remainingToSend(Stage s) {
        return s.shards() - cursor.getOrDefault(s.name(), 0);
    }

    private boolean workDone() {
        for (Stage s : campaign.stages()) if (remaining(s) > 0) return false;
        return true;
    }

    /** The stages with each after the ones it depends on (the file's order otherwise). */
    List<Stage> ordered() {
        List<Stage> out = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        List<Stage> left = new ArrayList<>(campaign.stages());
        while (!left.isEmpty()) {
            boolean moved = false;
            for (java.util.Iterator<Stage> it = left.iterator(); it.hasNext(); ) {
                Stage s = it.next();
                if (placed.containsAll(s.dependsOn().stream().filter(d -> campaign.stage(d).isPresent()).toList())) {
                    out.add(s);
                    placed.add(s.name());
                    it.remove();
                    moved = true;
                }
            }
            if (!moved) {
                out.addAll(left);
                break;
            }
        }
        return out;
    }

    static String describe(Shape from, Shape to) {
        List<String> d = new ArrayList<>();
        if (from.lane() != to.lane()) d.add(to.lane() == Lane.CPU ? "CPU lane (no GPU)" : "GPU lane (" + to.gpus() + " GPU)");
        else if (from.gpus() != to.gpus()) d.add("gpus " + from.gpus() + " -> " + to.gpus());
        if (from.cpus() != to.cpus()) d.add("cpus " + from.cpus() + " -> " + to.cpus());
        if (from.memBytes() != to.memBytes()) d.add("mem " + Runner.gib(from.memBytes()) + " -> " + Runner.gib(to.memBytes()));
        if (from.timeS() != to.timeS()) d.add("time " + human(from.timeS()) + " -> " + human(to.timeS()));
        if (from.shardsPerJob() != to.shardsPerJob())
            d.add("units per job " + from.shardsPerJob() + " -> " + to.shardsPerJob());
        if (from.concurrency() != to.concurrency()) d.add("at once " + from.concurrency() + " -> " + to.concurrency());
        return d.isEmpty() ? "unchanged" : String.join(", ", d);
    }

    static String human(long s) {
        if (s % 3600 == 0) return s / 3600 + "h";
        if (s % 60 == 0) return s / 60 + "m";
        return s + "s";
    }

    /** Whether a state means the job ran out of memory. */
    static boolean oom(JobState s) {
        return s == JobState.OUT_OF_MEMORY;
    }
}
