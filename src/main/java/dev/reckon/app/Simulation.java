package dev.reckon.app;

import dev.reckon.charter.Charters;
import dev.reckon.core.BadRequest;
import dev.reckon.core.InputError;
import dev.reckon.ledger.JobQuery;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.Job;
import dev.reckon.review.Review;
import dev.reckon.sim.Machine;
import dev.reckon.sim.Policies;
import dev.reckon.sim.Predict;
import dev.reckon.sim.PredictAccuracy;
import dev.reckon.sim.RightSizing;
import dev.reckon.sim.RuntimeEstimate;
import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.SimResult;
import dev.reckon.sim.Simulator;
import dev.reckon.sim.WhatIf;
import dev.reckon.sim.Workload;
import dev.reckon.sim.parser.LedgerWorkload;
import dev.reckon.sim.parser.Load;
import dev.reckon.sim.parser.MachineFile;
import dev.reckon.sim.parser.ScontrolNodes;
import dev.reckon.sim.parser.ScontrolJobs;
import dev.reckon.sim.parser.SqueueJobs;
import dev.reckon.sim.parser.SwfWorkload;
import dev.reckon.source.LiveQueue;
import dev.reckon.source.slurm.SlurmCommandException;
import dev.reckon.source.slurm.SlurmCommands;
import dev.reckon.source.slurm.SlurmLiveQueue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/** Simulation: a period replayed under a policy, what-if variants side by side, and when a job would start now. */
public final class Simulation {
    private static final String UNDEFENDED = "undefended";
    private final Context ctx;

    public Simulation(Context ctx) {
        this.ctx = ctx;
    }

    /**
     * Where a simulation's jobs and machine come from, and under which policy.
     *
     * @param trace   an SWF trace; null: the ledger's jobs submitted in {@code [since, until)}
     * @param machine a machine file; null: what the trace says of its machine
     * @param policy  fcfs, easy, conservative or priority
     */
    public record Source(Path trace, Instant since, Instant until, Path machine, String policy) {
        public Source {
            if (!Policies.names().contains(policy))
                throw new BadRequest("--policy " + policy + ": one of " + String.join(", ", Policies.names()));
            if (trace != null && (since != null || until != null)) throw new BadRequest("--since/--until apply to the ledger");
        }

        String name() {
            return trace != null ? trace.getFileName().toString() : "the ledger";
        }
    }

    /** A replay: the result, what was read, and from where. */
    public record Run(SimResult result, Load load, String source) {}

    /** Replays the source's jobs on its machine under its policy; {@code depth} (null: the default) bounds backfill. */
    public Outcome<Run> simulate(Source src, Integer depth) {
        SimDefaults defaults = SimDefaults.load();
        if (depth != null) {
            if (depth < 1) throw new BadRequest("--depth must be at least 1");
            defaults = defaults.withBackfillDepth(depth);
        }
        Load load;
        if (src.trace() != null) {
            load = io(() -> SwfWorkload.read(existing(src.trace())));
        } else {
            try (Ledger ledger = ctx.readLedger()) {
                load = LedgerWorkload.read(ledger, src.since(), src.until());
            }
        }
        List<String> notes = new ArrayList<>();
        Machine machine = machine(src, load, notes);
        return Outcome.of(new Run(Simulator.run(machine, load.workload(), src.policy(), defaults), load, src.name()),
                List.of(), notes);
    }

    /**
     * A what-if comparison.
     *
     * @param addNodesPercent extra nodes for the 'more nodes' variant; null: the default
     * @param undefendedUsers with a trace, the users whose jobs count as undefended
     */
    public record WhatIfRequest(Source source, Double addNodesPercent, List<String> undefendedUsers) {
        public WhatIfRequest {
            if (source.trace() == null && undefendedUsers != null)
                throw new BadRequest("--undefended-users applies to --trace; the ledger's undefended come from the charters");
            if (addNodesPercent != null && (!(addNodesPercent > -100) || addNodesPercent > 10_000))
                throw new BadRequest("--add-nodes: \"" + addNodesPercent + "%\" is not a percentage such as 10%");
        }
    }

    /** A comparison, with the source's name and the machine it ran on. */
    public record WhatIfRun(WhatIf.Result result, String source, Machine machine) {}

    /**
     * The period replayed as it happened, without the undefended jobs (the ledger's as {@link Governance#review}
     * judges them), with more nodes, and right-sized.
     */
    public Outcome<WhatIfRun> whatIf(WhatIfRequest q) {
        SimDefaults defaults = SimDefaults.load();
        double percent = q.addNodesPercent() == null ? defaults.addNodesPercent() : q.addNodesPercent();
        Inputs in = q.source().trace() != null ? fromTrace(q, defaults.rightSizing()) : fromLedger(q, defaults.rightSizing());
        List<String> machineNotes = new ArrayList<>();
        Machine machine = machine(q.source(), in.load, machineNotes);
        WhatIf.Result r = WhatIf.compare(machine, in.load.workload(), in.undefended, in.rightSized,
                WhatIf.Recorded.of(in.waits), percent, q.source().policy(), defaults);
        List<String> notes = new ArrayList<>(in.notes);
        notes.addAll(machineNotes);
        notes.addAll(r.notes());
        notes.add("right-sizing: " + defaults.rightSizing().describe());
        r = new WhatIf.Result(r.policy(), r.variants(), r.recorded(), r.undefended(), r.summary(), notes);
        return Outcome.of(new WhatIfRun(r, q.source().name(), machine), in.problems, List.of());
    }

    private record Inputs(Load load, IntPredicate undefended, Workload rightSized, long[] waits, List<String> notes,
                          List<InputError> problems) {}

    private Inputs fromTrace(WhatIfRequest q, RightSizing sizing) {
        Path t = existing(q.source().trace());
        long[][] waits = {new long[1024]};
        int[] n = {0};
        Load load = io(() -> SwfWorkload.read(t, j -> {
            if (j.submit() != null && j.start() != null && j.elapsedS() != null) {
                if (n[0] == waits[0].length) waits[0] = Arrays.copyOf(waits[0], n[0] * 2);
                waits[0][n[0]++] = j.start().getEpochSecond() - j.submit().getEpochSecond();
            }
            return j;
        }));
        Workload sized = io(() -> SwfWorkload.read(t, sizing::apply)).workload();
        List<String> notes = new ArrayList<>(load.notes());
        IntPredicate undefended = null;
        if (q.undefendedUsers() != null && !q.undefendedUsers().isEmpty()) {
            Set<String> users = new HashSet<>(q.undefendedUsers());
            Workload w = load.workload();
            undefended = j -> users.contains(w.user(j));
            notes.add("undefended: the jobs of " + String.join(", ", q.undefendedUsers()) + " (--undefended-users)");
        } else {
            notes.add("an SWF trace has no charters: give --undefended-users to say whose jobs are undefended");
        }
        return new Inputs(load, undefended, sized, Arrays.copyOf(waits[0], n[0]), notes, List.of());
    }

    /** Whether the query's window (its since and until, as the ledger applies them) selects the job. */
    private static boolean selects(JobQuery q, Job j) {
        if (q.until() != null && j.submit() != null && j.submit().getEpochSecond() >= q.until().getEpochSecond()) return false;
        return q.since() == null || j.end() == null || j.end().getEpochSecond() >= q.since().getEpochSecond();
    }

    private Inputs fromLedger(WhatIfRequest q, RightSizing sizing) {
        Instant from = q.source().since();
        Instant to = q.source().until();
        Outcome<Charters> cs = Chartering.load(ctx);
        // one reading, never holding the window's jobs: whether the review would call a job defended depends on that
        // job alone (recurrence only tells habitual from orphaned), so the review itself is not made. The reading
        // gathers the exits' jobs (the active charters' jobs since the earliest window start) and builds the workload
        // as it was, the right-sized one and the waits; a job of the window no active charter claims is tagged as it
        // is read, the others once the exits say when each charter's exits fell due (after the reading)
        LedgerWorkload.Builder asIs = new LedgerWorkload.Builder(from, to, j -> null);
        LedgerWorkload.Builder sizedBuilder = new LedgerWorkload.Builder(from, to, j -> null);
        long[][] waits = {new long[1024]};
        int[] n = {0};
        List<Job> later = new ArrayList<>();
        int[][] places = {new int[1024]};
        try (Ledger ledger = ctx.readLedger()) {
            Governance.Defending defending = new Governance(ctx).new Defending(cs.value(), ctx.now());
            JobQuery window = JobQuery.all().withWindow(from, to);
            JobQuery exits = defending.query();
            JobQuery reading = exits == null ? window : JobQuery.all().withWindow(
                    from == null || exits.since() == null ? null : from.isBefore(exits.since()) ? from : exits.since(), null);
            ledger.forEachJob(reading, j -> {
                if (exits != null) defending.add(j);
                if (!selects(window, j)) return;
                Review.Defence defence = defending.settled(j);
                String tag = defence != null && defence.undefended(j, from, to) ? UNDEFENDED : null;
                int a = asIs.add(j, tag);
                int b = sizedBuilder.add(sizing.apply(j), tag);
                if (defence == null && (a >= 0 || b >= 0)) {
                    int k = later.size();
                    if (2 * k + 1 >= places[0].length) places[0] = Arrays.copyOf(places[0], places[0].length * 2);
                    places[0][2 * k] = a;
                    places[0][2 * k + 1] = b;
                    later.add(j);
                }
                if (j.submit() == null || j.start() == null || j.end() == null) return;
                if (from != null && j.submit().isBefore(from)) return;
                if (to != null && !j.submit().isBefore(to)) return;
                if (n[0] == waits[0].length) waits[0] = Arrays.copyOf(waits[0], n[0] * 2);
                waits[0][n[0]++] = j.start().getEpochSecond() - j.submit().getEpochSecond();
            });
            Review.Defence defence = defending.defence(ledger);
            for (int k = 0; k < later.size(); k++) {
                if (!defence.undefended(later.get(k), from, to)) continue;
                if (places[0][2 * k] >= 0) asIs.tag(places[0][2 * k], UNDEFENDED);
                if (places[0][2 * k + 1] >= 0) sizedBuilder.tag(places[0][2 * k + 1], UNDEFENDED);
            }
        }
        Load load = asIs.load();
        Workload sized = sizedBuilder.load().workload();
        List<String> notes = new ArrayList<>(load.notes());
        notes.addAll(cs.notes());
        if (cs.value().all().isEmpty()) notes.add("no valid charters in " + cs.value().dir() + ": every job counts as undefended");
        Workload w = load.workload();
        IntPredicate isUndefended = j -> UNDEFENDED.equals(w.tag(j));
        return new Inputs(load, isUndefended, sized, Arrays.copyOf(waits[0], n[0]), notes, cs.problems());
    }

    /**
     * A job shape to predict, and where the queue comes from.
     *
     * @param nodes         {@code --nodes}; 0 when not given (Slurm chooses; one node for the pooled simulator)
     * @param policy        the policy; null: the default for predictions ({@link Predict#SLURM} on a live Slurm
     *                      cluster where it can, else the pooled default)
     * @param squeueOutput  saved squeue output instead of asking Slurm (with {@code nodesOutput})
     * @param tasks         {@code --ntasks}; 0 when not given (one task of all its CPUs, or one per node given)
     */
    public record PredictRequest(int nodes, long cpus, long memBytes, long gpus, long timeS, String partition,
                                 String policy, Path squeueOutput, Path nodesOutput, boolean exclusive, int tasks) {
        public PredictRequest {
            if (policy != null && !policy.equals(Predict.SLURM) && !Policies.names().contains(policy))
                throw new BadRequest("--policy " + policy + ": one of " + Predict.SLURM + ", "
                        + String.join(", ", Policies.names()));
            if ((squeueOutput == null) != (nodesOutput == null))
                throw new BadRequest("--squeue-output and --nodes-output go together");
            if (nodes < 0 || cpus < 1 || gpus < 0 || tasks < 0)
                throw new BadRequest("--cpus at least 1; --nodes, --gpus and --ntasks not negative");
            if (tasks > cpus) throw new BadRequest("--ntasks " + tasks + ": more tasks than --cpus " + cpus);
            if (timeS < 1) throw new BadRequest("--time: at least 1s");
            if (memBytes < 0) throw new BadRequest("--mem: must not be negative");
        }

        /** A shape that does not give its tasks. */
        public PredictRequest(int nodes, long cpus, long memBytes, long gpus, long timeS, String partition,
                              String policy, Path squeueOutput, Path nodesOutput, boolean exclusive) {
            this(nodes, cpus, memBytes, gpus, timeS, partition, policy, squeueOutput, nodesOutput, exclusive, 0);
        }
    }

    /**
     * Predicted starts for the shape asked and its alternatives, from the queue as it stands now; {@code accuracy}:
     * how far off such predictions have been on the cluster's recent jobs in the ledger (null when the ledger has
     * none: the outcome's notes say why).
     */
    public record Prediction(Instant now, String policy, Machine machine, long running, long pending,
                             List<Predict.Prediction> predictions, PredictAccuracy.Report accuracy, String cluster,
                             RuntimeEstimate.Summary runtimes) {}

    /** How many recent jobs {@code predict} checks itself against, and how far back it looks for them. */
    static final int ACCURACY_JOBS = 40;
    static final java.time.Duration ACCURACY_WINDOW = java.time.Duration.ofDays(7);
    /** How far back {@code predict} reads finished jobs to estimate the live jobs' runtimes. */
    static final java.time.Duration RUNTIME_WINDOW = java.time.Duration.ofDays(7);

    public Outcome<Prediction> predict(PredictRequest q) {
        SimDefaults defaults = SimDefaults.load();
        SlurmCommands slurm = q.squeueOutput() != null ? null
                : new SlurmCommands(SlurmCommands.DEFAULT_TIMEOUT, ctx.zone());
        LiveQueue live = slurm == null
                ? io(() -> LiveQueue.saved(existing(q.squeueOutput()), existing(q.nodesOutput())))
                : new SlurmLiveQueue(slurm);
        Machine machine = liveMachine(live, true);
        List<Predict.LiveJob> queue = SqueueJobs.parse(live.queue(), live.queueName(), ctx.zone());
        Instant now = ctx.now();
        String cluster = slurm == null ? ctx.config().cluster() : slurm.clusterName();
        List<String> notes = new ArrayList<>();
        RuntimeEstimate runtimes = runtimes(ctx, queue, cluster, now, notes);
        RuntimeEstimate.Summary used = runtimes.summary(queue);
        int nodes = Math.max(1, q.nodes());
        long[] size = q.exclusive() ? Predict.wholeNodes(machine, q.partition(), nodes, q.cpus(), q.memBytes(), q.gpus())
                : new long[]{q.cpus(), q.memBytes(), q.gpus()};
        Predict.Shape asked = new Predict.Shape("as asked", nodes, size[0], size[1], size[2], q.timeS(), q.partition(), 1);
        List<Predict.Shape> shapes = Predict.alternatives(asked);
        String pooled = q.policy() == null || q.policy().equals(Predict.SLURM) ? defaults.predictPolicy() : q.policy();
        List<Predict.Prediction> ps = null;
        String p = pooled;
        if (Predict.SLURM.equals(q.policy()) || q.policy() == null && defaults.predictJobByJob()) {
            List<String> why = new ArrayList<>();
            ps = jobByJob(live, queue, shapes, new Predict.Layout(q.nodes(), q.tasks(), q.exclusive(), q.gpus()), now,
                    runtimes, why);
            if (ps != null) {
                p = Predict.SLURM;
            } else if (Predict.SLURM.equals(q.policy())) {
                throw new BadRequest("--policy " + Predict.SLURM + ": not possible here: " + String.join("; ", why));
            } else {
                notes.add("simulated with the pooled policy " + pooled + ", not Slurm's scheduler job by job: "
                        + String.join("; ", why));
            }
        }
        if (ps == null) ps = Predict.predict(machine, queue, shapes, now, pooled, defaults, runtimes);
        long running = queue.stream().filter(Predict.LiveJob::running).count();
        long pending = queue.stream().mapToLong(Predict.LiveJob::pendingTasks).sum();
        PredictAccuracy.Report accuracy = accuracy(machine, cluster, pooled, defaults, notes);
        return Outcome.of(new Prediction(now, p, machine, running, pending, ps, accuracy, cluster, used), List.of(),
                notes);
    }

    /**
     * The predictions of Slurm's scheduler job by job ({@link Predict#predictSlurm}) from the live cluster's nodes,
     * settings and job placements; null, with the reason in {@code why}, where the source does not give them (saved
     * outputs) or the model cannot stand in for this queue.
     */
    private List<Predict.Prediction> jobByJob(LiveQueue live, List<Predict.LiveJob> queue, List<Predict.Shape> shapes,
                                              Predict.Layout layout, Instant now, RuntimeEstimate runtimes,
                                              List<String> why) {
        String details = live.jobDetails(), config = live.config();
        if (details == null || config == null) {
            why.add("saved outputs do not say where each running job sits ('scontrol show job -d')");
            return null;
        }
        var model = dev.reckon.sim.SlurmModel.fromScontrol(SqueueJobs.usableNodes(live.nodes()), config,
                dev.reckon.sim.SlurmModel.DEFAULT_TURNAROUND_MS);
        if (model == null) {
            why.add("Slurm reports no node that takes work");
            return null;
        }
        return Predict.predictSlurm(model, queue, ScontrolJobs.parse(details, "scontrol show job -d -o"), shapes,
                layout, now, runtimes, why);
    }

    /**
     * The live jobs' runtimes estimated from the ledger's jobs of {@code cluster} that finished within
     * {@link #RUNTIME_WINDOW} before {@code now} ({@code predict}'s and {@code place}'s); every job to its limit when
     * the queue is empty or the ledger cannot be read (said in {@code notes}).
     */
    static RuntimeEstimate runtimes(Context ctx, List<Predict.LiveJob> queue, String cluster, Instant now,
                                    List<String> notes) {
        if (queue.isEmpty()) return RuntimeEstimate.LIMITS;
        return history(ctx, RuntimeEstimate.forQueue(queue), cluster, now, notes);
    }

    /** {@code b} given the ledger's jobs of {@code cluster} that finished within {@link #RUNTIME_WINDOW}. */
    static RuntimeEstimate history(Context ctx, RuntimeEstimate.Builder b, String cluster, Instant now,
                                   List<String> notes) {
        try (Ledger ledger = ctx.readLedger()) {
            ledger.forEachJob(JobQuery.all().withCluster(cluster).withWindow(now.minus(RUNTIME_WINDOW), now), b::add);
            return b.build();
        } catch (dev.reckon.ledger.LedgerException e) {
            notes.add("every live job is taken to run to its time limit: " + e.getMessage());
            return RuntimeEstimate.LIMITS;
        }
    }

    /**
     * {@link PredictAccuracy} on the cluster's last {@link #ACCURACY_JOBS} jobs that started within
     * {@link #ACCURACY_WINDOW}, read from the ledger in two streamed passes (which jobs; then the queue around them).
     */
    private PredictAccuracy.Report accuracy(Machine machine, String cluster, String policy, SimDefaults defaults,
                                            List<String> notes) {
        Instant now = ctx.now();
        try (Ledger ledger = ctx.readLedger()) {
            java.util.ArrayDeque<Instant> last = new java.util.ArrayDeque<>();
            ledger.forEachJob(JobQuery.all().withCluster(cluster).withWindow(now.minus(ACCURACY_WINDOW), now), j -> {
                if (j.submit() == null || j.start() == null || j.jobId().contains("_[")) return;
                if (j.submit().isBefore(now.minus(ACCURACY_WINDOW))) return;
                last.addLast(j.submit());
                if (last.size() > ACCURACY_JOBS) last.removeFirst();
            });
            if (last.isEmpty()) {
                notes.add("how far off predictions have been is unknown: the ledger holds no job of cluster " + cluster
                        + " that started in the last " + ACCURACY_WINDOW.toDays() + " days (run reckon ingest slurm)");
                return null;
            }
            List<PredictAccuracy.Past> history = new ArrayList<>();
            ledger.forEachJob(JobQuery.all().withCluster(cluster).withWindow(last.getFirst(), null), j -> {
                PredictAccuracy.Past x = PredictAccuracy.Past.of(j);
                if (x != null) history.add(x);
            });
            List<Predict.LiveJob> past = new ArrayList<>();
            for (PredictAccuracy.Past x : history) {
                past.add(new Predict.LiveJob(x.id(), false, x.partition(), x.user(), 0, x.submit(), x.limitS(), 0,
                        x.nodes(), x.cpus(), x.memBytes(), x.gpus(), 1, x.name()));
            }
            RuntimeEstimate.Builder b = RuntimeEstimate.forQueue(past);
            ledger.forEachJob(JobQuery.all().withCluster(cluster).withWindow(now.minus(RUNTIME_WINDOW), now), b::add);
            return PredictAccuracy.check(machine, history, ACCURACY_JOBS, policy, defaults, b.build());
        } catch (dev.reckon.ledger.LedgerException e) {
            notes.add("how far off predictions have been is unknown: " + e.getMessage());
            return null;
        }
    }

    /**
     * The machine of a live cluster, from {@code scontrol show node}: every node, or only those that can take work
     * now ({@code usableOnly}: down, drained and failed nodes left out).
     */
    private static Machine liveMachine(LiveQueue live, boolean usableOnly) {
        String nodeText = live.nodes();
        if (!ScontrolNodes.looksLike(nodeText))
            throw new InputError(live.nodesName(), 0, null, "no NodeName= in scontrol show node output");
        String usable = usableOnly ? SqueueJobs.usableNodes(nodeText) : nodeText;
        if (usable.isBlank()) throw new InputError(live.nodesName(), 0, "State", "no node can take work (all down or drained)");
        return ScontrolNodes.parse(usable, live.nodesName());
    }

    /**
     * A fidelity run: {@code jobs} jobs of the seed's mixed workload, run {@code runs} times on the real cluster, each
     * starting when the Unix second mod 30 is {@code phase}.
     */
    public record FidelityRequest(int jobs, long seed, String workDir, int phase, int runs) {
        public FidelityRequest {
            if (jobs < 2 || jobs > 500) throw new BadRequest("--jobs: between 2 and 500");
            if (phase < 0 || phase > 29) throw new BadRequest("--phase: a second from 0 to 29");
            if (runs < 1 || runs > 5) throw new BadRequest("--runs: between 1 and 5");
        }

        public FidelityRequest(int jobs, long seed, String workDir) {
            this(jobs, seed, workDir, 7, 2);
        }
    }

    /** The workload a fidelity run submits. */
    public List<dev.reckon.sim.Fidelity.Spec> fidelityWorkload(FidelityRequest q) {
        return dev.reckon.sim.Fidelity.mixed(q.seed(), q.jobs());
    }

    /**
     * Runs the workload on the real cluster {@code runs} times at the same alignment, and compares the runs with each
     * other and with their replays: by the model of Slurm's scheduler (settings and nodes read from this cluster's
     * {@code scontrol show config} and {@code scontrol show node}) and by the pooled simulator.
     */
    /**
     * What this host's Slurm ran in a window, replayed job by job and compared with what it did: the jobs submitted
     * from {@code since} to {@code until} (of {@code user}, or everyone's), their shapes, eligible times, limits and
     * runtimes from accounting, other jobs that ran meanwhile beside them, in the model of Slurm's scheduler (the
     * settings and nodes scontrol reports now) and in the pooled simulator. Submits nothing.
     */
    public record ReplayRequest(Instant since, Instant until, String user) {
        public ReplayRequest {
            if (since == null) throw new BadRequest("--since: the window's start is needed");
            if (until != null && !until.isAfter(since)) throw new BadRequest("--until must be after --since");
        }
    }

    /** {@link ReplayRequest}'s comparison: one run, what the cluster did, against the model and the pooled simulator. */
    public dev.reckon.sim.Fidelity.Comparison replayed(ReplayRequest q) {
        SlurmCommands slurm = new SlurmCommands(SlurmCommands.DEFAULT_TIMEOUT, ctx.zone());
        dev.reckon.sim.SlurmModel model = clusterModel(slurm, dev.reckon.sim.SlurmModel.DEFAULT_TURNAROUND_MS);
        long to = (q.until() == null ? ctx.now() : q.until()).getEpochSecond();
        dev.reckon.sim.FidelityRun.Run run;
        try {
            run = dev.reckon.sim.FidelityRun.fromAccounting(slurm, q.since().getEpochSecond(), to, q.user());
        } catch (SlurmCommandException e) {
            throw new dev.reckon.core.Unavailable("Slurm's accounting does not answer: " + e.getMessage());
        }
        if (run == null) {
            throw new InputError("--since", 0, null, "no job " + (q.user() == null ? "" : "of " + q.user() + " ")
                    + "submitted in the window has ended yet: nothing to replay");
        }
        try {
            return dev.reckon.sim.Fidelity.compare(List.of(run), model, SimDefaults.load());
        } catch (dev.reckon.sim.SlurmModel.TooMuchWork e) {
            throw new BadRequest(e.getMessage() + ": replay a shorter window (--until) or one user's jobs (--user)");
        }
    }

    /**
     * The simulator against this host's real Slurm, job by job: a seeded workload submitted, run, read back from
     * accounting and replayed in the model of Slurm's scheduler and the pooled simulator. Audited as one submission.
     */
    public dev.reckon.sim.Fidelity.Comparison fidelity(FidelityRequest q, java.io.PrintStream progress)
            throws InterruptedException {
        SlurmCommands slurm = new SlurmCommands(SlurmCommands.DEFAULT_TIMEOUT, ctx.zone());
        String cluster = slurm.clusterName();
        SimDefaults d = SimDefaults.load();
        dev.reckon.sim.SlurmModel model = clusterModel(slurm, dev.reckon.sim.SlurmModel.DEFAULT_TURNAROUND_MS);
        List<dev.reckon.sim.FidelityRun.Run> runs = new java.util.ArrayList<>();
        for (int k = 0; k < q.runs(); k++) {
            progress.printf("run %d of %d%n", k + 1, q.runs());
            dev.reckon.sim.FidelityRun.Run run = dev.reckon.sim.FidelityRun.run(slurm, fidelityWorkload(q), q.workDir(),
                    progress, java.time.Duration.ofMinutes(20), q.phase());
            try (Ledger ledger = ctx.openLedger()) {
                ledger.audit(new dev.reckon.model.AuditEntry(ctx.now(), ctx.actor(), "submit", cluster, null, null, true,
                        "bench fidelity: " + run.mine().size() + " jobs, seed " + q.seed() + ", tag " + run.tag()));
            }
            runs.add(run);
        }
        return dev.reckon.sim.Fidelity.compare(runs, model, d);
    }

    /**
     * {@code predict} measured on this host's Slurm: {@code background} jobs of load and {@code probes} probe jobs of
     * several shapes ({@link dev.reckon.sim.PredictProbe}); each probe is predicted by {@link #predict} (the shape as
     * asked: its nodes, CPUs in all, memory, limit) just before it is submitted, right after an incremental
     * {@code ingest slurm} into the context's ledger (so the runtime estimate sees the jobs that have finished by then;
     * one ingest before the run reads the history).
     */
    public dev.reckon.sim.PredictProbe.Report predictCheck(int background, int probes, long seed, String workDir,
                                                          java.io.PrintStream progress) throws InterruptedException {
        return predictCheck(background, probes, seed, 1, workDir, progress);
    }

    /** {@link #predictCheck(int, int, long, String, java.io.PrintStream)} with the workload at another pace (see {@link dev.reckon.sim.PredictProbe#background(long, int, double)}). */
    public dev.reckon.sim.PredictProbe.Report predictCheck(int background, int probes, long seed, double pace,
                                                          String workDir, java.io.PrintStream progress)
            throws InterruptedException {
        if (!(pace > 0 && pace <= 10)) throw new BadRequest("pace: more than 0, at most 10");
        if (background < 0 || background > 200) throw new BadRequest("--background: between 0 and 200");
        if (probes < 1 || probes > 50) throw new BadRequest("--probes: between 1 and 50");
        SlurmCommands slurm = new SlurmCommands(SlurmCommands.DEFAULT_TIMEOUT, ctx.zone());
        String cluster = slurm.clusterName();
        try (Ledger ledger = ctx.openLedger()) {
            ledger.audit(new dev.reckon.model.AuditEntry(ctx.now(), ctx.actor(), "submit", cluster, null, null, true,
                    "bench predict: " + background + " background jobs and " + probes + " probes, seed " + seed));
        }
        Ingestion ingestion = new Ingestion(ctx);
        Runnable ingest = () -> {
            try {
                ingestion.slurm(new Ingestion.SlurmRequest(null, null, null));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        long t0 = System.nanoTime();
        ingest.run();
        progress.printf("ingested this cluster's accounting into the ledger (%.1f s)%n", (System.nanoTime() - t0) / 1e9);
        List<dev.reckon.sim.Fidelity.Spec> bg = dev.reckon.sim.PredictProbe.background(seed, background, pace);
        List<dev.reckon.sim.Fidelity.Spec> pr = dev.reckon.sim.PredictProbe.probes(probes, pace);
        List<dev.reckon.sim.Fidelity.Spec> unknown = withoutHistory(cluster, bg, pr);
        if (!unknown.isEmpty()) {
            try (Ledger ledger = ctx.openLedger()) {
                ledger.audit(new dev.reckon.model.AuditEntry(ctx.now(), ctx.actor(), "submit", cluster, null, null, true,
                        "bench predict warm-up: " + unknown.size() + " jobs whose names have no history"));
            }
            dev.reckon.sim.PredictProbe.warmUp(slurm, unknown, workDir, progress, java.time.Duration.ofMinutes(10));
            ingest.run();
        }
        return dev.reckon.sim.PredictProbe.run(slurm, bg, pr, spec -> {
                    ingest.run();
                    int nodes = Math.max(1, spec.nodes());
                    PredictRequest q = new PredictRequest(spec.nodes(), (long) spec.tasks() * spec.cpus(),
                            (spec.memMb() << 20) * nodes, (long) spec.gpusPerNode() * nodes, spec.limitMin() * 60L, null,
                            null, null, null,
                            spec.exclusive(), spec.tasks() > 1 ? spec.tasks() : 0);
                    Outcome<Prediction> o = predict(q);
                    Prediction p = o.value();
                    progress.printf("  %s (%s)%n", p.runtimes().describe(), p.policy());
                    for (String note : o.notes()) progress.printf("  %s%n", note);
                    long pooled = Math.max(0, p.predictions().get(0).waitS());
                    if (Predict.SLURM.equals(p.policy())) {
                        PredictRequest asPooled = new PredictRequest(q.nodes(), q.cpus(), q.memBytes(), q.gpus(),
                                q.timeS(), q.partition(), SimDefaults.load().predictPolicy(), null, null, q.exclusive(),
                                q.tasks());
                        pooled = Math.max(0, predict(asPooled).value().predictions().get(0).waitS());
                    }
                    return new long[]{Math.max(0, p.predictions().get(0).waitS()), pooled};
                }, workDir, progress, java.time.Duration.ofMinutes(15));
    }

    /**
     * The jobs of {@code specs} whose names (one job of each name) have fewer finished jobs of this cluster in the
     * ledger's last {@link #RUNTIME_WINDOW} than the runtime estimate needs to go by name.
     */
    @SafeVarargs
    private List<dev.reckon.sim.Fidelity.Spec> withoutHistory(String cluster, List<dev.reckon.sim.Fidelity.Spec>... specs) {
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        java.util.Map<String, dev.reckon.sim.Fidelity.Spec> byName = new java.util.LinkedHashMap<>();
        for (List<dev.reckon.sim.Fidelity.Spec> l : specs) for (dev.reckon.sim.Fidelity.Spec x : l) byName.putIfAbsent(x.name(), x);
        Instant now = ctx.now();
        try (Ledger ledger = ctx.readLedger()) {
            ledger.forEachJob(JobQuery.all().withCluster(cluster).withWindow(now.minus(RUNTIME_WINDOW), now), j -> {
                RuntimeEstimate.Finished f = RuntimeEstimate.Finished.of(j);
                if (f != null && byName.containsKey(f.name())) seen.merge(f.name(), 1, Integer::sum);
            });
        }
        List<dev.reckon.sim.Fidelity.Spec> out = new ArrayList<>();
        for (var e : byName.entrySet())
            if (seen.getOrDefault(e.getKey(), 0) < RuntimeEstimate.MIN_BY_NAME) out.add(e.getValue());
        return out;
    }

    /** The model of this host's Slurm: its scheduler settings and nodes as scontrol reports them now. */
    private static dev.reckon.sim.SlurmModel clusterModel(SlurmCommands slurm, long turnaroundS) {
        try {
            var settings = dev.reckon.sim.SlurmModel.Settings.parse(slurm.scontrol("show", "config"), turnaroundS);
            var nodes = dev.reckon.sim.SlurmModel.parseNodes(slurm.scontrol("show", "node", "-o"));
            if (nodes.isEmpty()) throw new dev.reckon.core.Unavailable("Slurm reports no nodes");
            return new dev.reckon.sim.SlurmModel(nodes, settings);
        } catch (SlurmCommandException e) {
            throw new dev.reckon.core.Unavailable("Slurm does not answer: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------------ shared

    /**
     * The machine: the machine file, else what the trace says of it, else (for the ledger) this host's Slurm nodes as
     * {@code scontrol show node} prints them now, the reader {@code predict} uses (every node: one down today may
     * have run the period's jobs); an input error when none says. Where the nodes come from goes into {@code notes}.
     */
    private Machine machine(Source src, Load load, List<String> notes) {
        Machine machine = src.machine() != null ? io(() -> MachineFile.read(existing(src.machine()))) : load.machine();
        if (machine == null && src.trace() == null) {
            try {
                machine = liveMachine(new SlurmLiveQueue(new SlurmCommands(SlurmCommands.DEFAULT_TIMEOUT, ctx.zone())),
                        false);
                notes.add("the machine: this cluster's nodes as 'scontrol show node' shows them now (" + machine.describe()
                        + "); --machine FILE gives others");
            } catch (SlurmCommandException e) {
                throw new InputError("--machine", 0, null, "the ledger does not describe the nodes and Slurm does not "
                        + "answer (" + e.getMessage() + "): give --machine FILE (e.g. saved 'scontrol show node -o')");
            }
        }
        if (machine == null) {
            throw new InputError(src.trace().toString(), 0, null,
                    "the trace says nothing of its machine (no MaxNodes/MaxProcs, no .machines file): give --machine FILE");
        }
        return machine;
    }

    private static Path existing(Path p) {
        if (!Files.isRegularFile(p)) throw new UncheckedIOException(new NoSuchFileException(p + ": no such file"));
        return p;
    }

    @FunctionalInterface
    private interface Reading<T> {
        T read() throws IOException;
    }

    private static <T> T io(Reading<T> r) {
        try {
            return r.read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
