package dev.reckon.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Predicted wait: when a job of a given shape would start if submitted now, found by simulating forward from the
 * live queue. The policy plans with the jobs' time limits (the scheduler's own assumption: a running job's
 * reservation-holding end is limit - elapsed from now); each live job really ends when a {@link RuntimeEstimate}
 * from the ledger's finished jobs expects it to (at its limit where there is no history). Pending jobs queue in
 * priority order (highest first, ties by submit time); the new job queues behind all of them (a new job has no age)
 * and may backfill under the policy. Several shapes are compared, each in its own simulation.
 */
public final class Predict {
    /** The name {@code predict} gives Slurm's own scheduler job by job ({@link #predictSlurm}) beside the pooled policies. */
    public static final String SLURM = "slurm";

    /** The limit assumed for a job whose limit is unlimited or unknown: 365 days. */
    public static final long UNLIMITED_S = 365L * 86_400;

    private Predict() {}

    /**
     * A job of the live queue.
     *
     * @param running  whether it runs (else it is pending)
     * @param limitS   its time limit, seconds; null when unlimited
     * @param elapsedS how long it has run, seconds (0 when pending)
     * @param memBytes memory in all, bytes (0: unknown)
     * @param pendingTasks how many pending jobs this entry stands for: 1 for a pending job, 0 for a running one; a
     *                 job array held to {@code %N} tasks at once runs as N lanes, each its share of the tasks back to
     *                 back (its limit the sum of theirs), and a running task of such an array carries its lane's
     *                 pending tasks after it
     * @param name     its job name, or null when the source does not say
     */
    public record LiveJob(String id, boolean running, String partition, String user, long priority, Instant submit,
                          Long limitS, long elapsedS, int nodes, long cpus, long memBytes, long gpus, long pendingTasks,
                          String name, boolean exclusive) {
        /** A job that shares its nodes (not {@code --exclusive}). */
        public LiveJob(String id, boolean running, String partition, String user, long priority, Instant submit,
                       Long limitS, long elapsedS, int nodes, long cpus, long memBytes, long gpus, long pendingTasks,
                       String name) {
            this(id, running, partition, user, priority, submit, limitS, elapsedS, nodes, cpus, memBytes, gpus,
                    pendingTasks, name, false);
        }

        /** A job whose name is not known. */
        public LiveJob(String id, boolean running, String partition, String user, long priority, Instant submit,
                       Long limitS, long elapsedS, int nodes, long cpus, long memBytes, long gpus, long pendingTasks) {
            this(id, running, partition, user, priority, submit, limitS, elapsedS, nodes, cpus, memBytes, gpus,
                    pendingTasks, null);
        }

        /** One job: a running one, or one pending job. */
        public LiveJob(String id, boolean running, String partition, String user, long priority, Instant submit,
                       Long limitS, long elapsedS, int nodes, long cpus, long memBytes, long gpus) {
            this(id, running, partition, user, priority, submit, limitS, elapsedS, nodes, cpus, memBytes, gpus,
                    running ? 0 : 1);
        }
    }

    /**
     * A job shape to predict for.
     *
     * @param label     how tables name it, e.g. {@code as asked}, {@code half the time limit}
     * @param nodes     nodes
     * @param cpus      CPUs in all
     * @param memBytes  memory in all, bytes (0: none asked)
     * @param gpus      GPUs in all
     * @param timeS     time limit, seconds
     * @param partition partition, or null
     * @param count     how many such jobs are submitted together (2 for a job split in two); the prediction is the
     *                  latest of their starts
     */
    public record Shape(String label, int nodes, long cpus, long memBytes, long gpus, long timeS, String partition,
                        int count) {
        public Shape {
            if (nodes < 1 || cpus < 1 || memBytes < 0 || gpus < 0 || timeS < 1 || count < 1) {
                throw new IllegalArgumentException("a shape needs nodes, CPUs and a time limit of at least 1");
            }
        }

        /** This shape under another label. */
        public Shape named(String other) {
            return new Shape(other, nodes, cpus, memBytes, gpus, timeS, partition, count);
        }
    }

    /**
     * One shape's prediction.
     *
     * @param start when it would start (the latest of its jobs' starts); null when it cannot run on the machine
     * @param waitS seconds from now to {@code start}; -1 when it cannot run
     * @param note  why it cannot run, or null
     */
    public record Prediction(Shape shape, Instant start, long waitS, String note) {}

    /**
     * The shape asked and a few alternatives: fewer GPUs (half, rounded down; none from one), half the time limit,
     * and split in two (two jobs, each with half the nodes, CPUs, memory and GPUs, at least one node and CPU, the
     * same time limit), where they differ from the shape asked.
     */
    public static List<Shape> alternatives(Shape asked) {
        List<Shape> out = new ArrayList<>();
        out.add(asked.named("as asked"));
        if (asked.gpus() > 0) {
            long g = asked.gpus() / 2;
            out.add(new Shape(g == 0 ? "no GPU" : g + (g == 1 ? " GPU" : " GPUs") + " instead of " + asked.gpus(), asked.nodes(), asked.cpus(),
                    asked.memBytes(), g, asked.timeS(), asked.partition(), 1));
        }
        if (asked.timeS() >= 2) {
            out.add(new Shape("half the time limit", asked.nodes(), asked.cpus(), asked.memBytes(), asked.gpus(),
                    asked.timeS() / 2, asked.partition(), 1));
        }
        if (asked.cpus() >= 2 || asked.gpus() >= 2) {
            out.add(new Shape("split in two halves", Math.max(1, asked.nodes() / 2), Math.max(1, asked.cpus() / 2),
                    asked.memBytes() / 2, asked.gpus() / 2, asked.timeS(), asked.partition(), 2));
        }
        return out;
    }

    /** Predicts every shape's start, each in its own forward simulation from {@code now}, every job run to its limit. */
    public static List<Prediction> predict(Machine machine, List<LiveJob> queue, List<Shape> shapes, Instant now,
                                           String policy, SimDefaults defaults) {
        return predict(machine, queue, shapes, now, policy, defaults, RuntimeEstimate.LIMITS);
    }

    /**
     * Predicts every shape's start, each in its own forward simulation from {@code now}: the policy plans with the
     * jobs' limits (as the scheduler does) while each live job ends when {@code runtimes} expects it to (never past its
     * limit; {@link RuntimeEstimate#LIMITS}: at its limit).
     */
    public static List<Prediction> predict(Machine machine, List<LiveJob> queue, List<Shape> shapes, Instant now,
                                           String policy, SimDefaults defaults, RuntimeEstimate runtimes) {
        List<LiveJob> running = new ArrayList<>(), pending = new ArrayList<>();
        for (LiveJob j : queue) (j.running() ? running : pending).add(j);
        pending.sort(Comparator.comparingLong(LiveJob::priority).reversed()
                .thenComparing(LiveJob::submit, Comparator.nullsLast(Comparator.naturalOrder())));
        long[] expected = new long[queue.size()];
        java.util.IdentityHashMap<LiveJob, Integer> ids = new java.util.IdentityHashMap<>();
        for (int i = 0; i < queue.size(); i++) {
            LiveJob j = queue.get(i);
            ids.put(j, i);
            long left = Math.max(0, limit(j) - (j.running() ? j.elapsedS() : 0));
            expected[i] = Math.min(left, runtimes.estimate(j).remainingS());
        }
        List<Prediction> out = new ArrayList<>();
        for (Shape s : shapes) {
            Workload.Builder b = new Workload.Builder();
            for (LiveJob j : running) {
                long left = Math.max(0, limit(j) - j.elapsedS());
                b.add(j.id(), 0, left, expected[ids.get(j)], j.nodes(), j.cpus(), j.memBytes(), j.gpus(), j.user(),
                        j.partition(), null);
            }
            for (LiveJob j : pending) {
                long l = limit(j);
                long[] size = j.exclusive() ? wholeNodes(machine, j.partition(), j.nodes(), j.cpus(), j.memBytes(), j.gpus())
                        : new long[]{j.cpus(), j.memBytes(), j.gpus()};
                b.add(j.id(), 0, l, expected[ids.get(j)], j.nodes(), size[0], size[1], size[2], j.user(),
                        j.partition(), null);
            }
            int first = b.size();
            for (int k = 0; k < s.count(); k++) {
                b.add("new" + k, 0, s.timeS(), s.timeS(), s.nodes(), s.cpus(), s.memBytes(), s.gpus(), null,
                        s.partition(), null);
            }
            Workload w = b.build();
            SimResult r = Simulator.run(machine, w, policy, defaults);
            long latest = Long.MIN_VALUE;
            String why = null;
            for (int j = first; j < w.size(); j++) {
                if (!r.ran(j)) {
                    for (Dropped d : r.dropped()) if (d.jobId().equals(w.id(j))) why = d.reason();
                    break;
                }
                latest = Math.max(latest, r.start(j));
            }
            out.add(why != null ? new Prediction(s, null, -1, why)
                    : new Prediction(s, now.plusSeconds(latest), latest, null));
        }
        return out;
    }

    /**
     * What a job of {@code nodes} nodes in {@code partition} (a list such as {@code debug,gpu}, or null) holds when it
     * has its nodes to itself ({@code --exclusive}): the CPUs, memory and GPUs of that many nodes of the first node
     * group that serves the partition, and never less than it asked for. As {@code {cpus, memBytes, gpus}}. A pending
     * exclusive job shows only the CPUs it asked for in {@code squeue}, but takes whole nodes when it starts.
     */
    public static long[] wholeNodes(Machine machine, String partition, int nodes, long cpus, long memBytes, long gpus) {
        java.util.Set<String> wanted = partition == null || partition.isBlank() ? java.util.Set.of()
                : new java.util.HashSet<>(java.util.Arrays.asList(partition.split(",")));
        for (Machine.Group g : machine.groups()) {
            boolean serves = g.partitions().isEmpty() || wanted.isEmpty()
                    || wanted.stream().anyMatch(g.partitions()::contains);
            if (!serves) continue;
            int n = Math.max(1, nodes);
            return new long[]{Math.max(cpus, (long) n * g.cores()), Math.max(memBytes, n * g.memBytes()),
                    Math.max(gpus, (long) n * g.gpus())};
        }
        return new long[]{cpus, memBytes, gpus};
    }

    /**
     * How a live job asked Slurm for its CPUs, and where it sits while it runs, as {@code scontrol show job -d}
     * tells: what {@link SlurmModel} needs beyond squeue.
     *
     * @param tasks        {@code NumTasks}, at least 1
     * @param cpusPerTask  {@code CPUs/Task}, at least 1
     * @param nodesAsked   the node count the job fixed ({@code NumNodes=2-2} while pending); 0 when Slurm chooses
     * @param tasksPerNode {@code --ntasks-per-node}; 0 when not given
     * @param memPerNodeMb {@code MinMemoryNode}, MB; 0 when not given
     * @param memPerCpuMb  {@code MinMemoryCPU}, MB; 0 when not given
     * @param exclusive    {@code OverSubscribe=NO}: it asked for {@code --exclusive}
     * @param gpus         the GPUs it asked for ({@code TresPerNode}, {@code TresPerTask}, {@code TresPerJob})
     * @param held         by node name, the CPUs, MB and GPUs it holds there ({@code {cpus, mb, gpus}}; empty while
     *                     pending)
     */
    public record Asked(String id, int tasks, int cpusPerTask, int nodesAsked, int tasksPerNode, long memPerNodeMb,
                        long memPerCpuMb, boolean exclusive, SlurmModel.Gpus gpus, Map<String, long[]> held) {
        public Asked {
            if (gpus == null) gpus = SlurmModel.Gpus.NONE;
        }

        /** A job that asked for no GPU. */
        public Asked(String id, int tasks, int cpusPerTask, int nodesAsked, int tasksPerNode, long memPerNodeMb,
                     long memPerCpuMb, boolean exclusive, Map<String, long[]> held) {
            this(id, tasks, cpusPerTask, nodesAsked, tasksPerNode, memPerNodeMb, memPerCpuMb, exclusive,
                    SlurmModel.Gpus.NONE, held);
        }
    }

    /**
     * How the new job asks Slurm for its CPUs.
     *
     * @param nodes     {@code --nodes}; 0 when not given (Slurm chooses)
     * @param tasks     {@code --ntasks}; 0 when not given (one task of all its CPUs, or one per node given)
     * @param exclusive {@code --exclusive}
     * @param gpus      GPUs asked (an exclusive shape also holds its nodes' GPUs, which it did not ask for)
     */
    public record Layout(int nodes, int tasks, boolean exclusive, long gpus) {
        /** A job that asks for no GPU. */
        public Layout(int nodes, int tasks, boolean exclusive) {
            this(nodes, tasks, exclusive, 0);
        }
    }

    /** The most live jobs, and nodes, that {@link #predictSlurm} replays; a larger cluster goes to the pooled simulator. */
    public static final int SLURM_MAX_JOBS = 2_000;
    public static final int SLURM_MAX_NODES = 2_000;

    /**
     * Predicts every shape's start with Slurm's own scheduler job by job ({@link SlurmModel}: nodes one by one, the
     * main scheduler's pass, backfill every {@code bf_interval}, the will-run test's 30-s groups), from the live
     * queue as it stands at {@code now}: each running job holds the CPUs and memory {@code asked} says it holds on
     * each node until the runtime estimate expects it to end; pending jobs queue in priority order (highest first,
     * ties by submit time) and each asks as it asked Slurm; the new job queues behind them all. Returns null, with the
     * reason added to {@code why}, where this model cannot stand in for the queue: a running job whose nodes
     * {@code asked} does not give, a live job whose GPUs it does not say, more than {@link #SLURM_MAX_JOBS} jobs or
     * {@link #SLURM_MAX_NODES} nodes.
     */
    public static List<Prediction> predictSlurm(SlurmModel model, List<LiveJob> queue, Map<String, Asked> asked,
                                                List<Shape> shapes, Layout layout, Instant now,
                                                RuntimeEstimate runtimes, List<String> why) {
        if (queue.size() > SLURM_MAX_JOBS || model.nodes().size() > SLURM_MAX_NODES) {
            why.add("more than " + SLURM_MAX_JOBS + " live jobs or " + SLURM_MAX_NODES + " nodes");
            return null;
        }
        if (layout.gpus() > 0 && model.nodes().stream().noneMatch(nd -> nd.gpus() > 0)) {
            why.add("the job asks for GPUs and 'scontrol show node' names none");
            return null;
        }
        for (LiveJob j : queue) {
            Asked a = asked.get(j.running() ? j.id() : arrayKey(j.id()));
            if (j.gpus() > 0 && (a == null || (j.running() ? heldGpus(a) == 0 : !a.gpus().any()))) {
                why.add("'scontrol show job -d' does not say which GPUs job " + j.id() + " "
                        + (j.running() ? "holds" : "asks for"));
                return null;
            }
        }
        Map<String, Integer> nodeIndex = new HashMap<>();
        for (int i = 0; i < model.nodes().size(); i++) nodeIndex.put(model.nodes().get(i).name(), i);
        long nowS = now.getEpochSecond();
        List<SlurmModel.Running> running = new ArrayList<>();
        List<LiveJob> pending = new ArrayList<>();
        for (LiveJob j : queue) {
            if (!j.running()) {
                pending.add(j);
                continue;
            }
            Asked a = asked.get(j.id());
            if (a == null || a.held().isEmpty()) {
                // completing (squeue gives it no time left): its nodes free now
                if (a != null && limit(j) <= j.elapsedS()) continue;
                why.add("'scontrol show job -d' does not say where running job " + j.id() + " sits");
                return null;
            }
            int[] cpusOn = new int[nodeIndex.size()];
            long[] memOn = new long[nodeIndex.size()];
            int[] gpusOn = new int[nodeIndex.size()];
            boolean any = false;
            for (Map.Entry<String, long[]> e : a.held().entrySet()) {
                Integer i = nodeIndex.get(e.getKey());
                if (i == null) continue; // a node that takes no work now (down, drained)
                long[] h = e.getValue();
                cpusOn[i] += (int) Math.min(Integer.MAX_VALUE, h[0]);
                memOn[i] += h[1];
                if (h.length > 2) gpusOn[i] += (int) Math.min(Integer.MAX_VALUE, h[2]);
                any = true;
            }
            if (!any) continue;
            long left = Math.max(0, limit(j) - j.elapsedS());
            long expected = Math.min(left, runtimes.estimate(j).remainingS());
            running.add(new SlurmModel.Running(j.id(), nowS - j.elapsedS(), limit(j), nowS + expected, cpusOn, memOn,
                    gpusOn));
        }
        pending.sort(Comparator.comparingLong(LiveJob::priority).reversed()
                .thenComparing(LiveJob::submit, Comparator.nullsLast(Comparator.naturalOrder())));
        int maxCpus = 1;
        for (SlurmModel.Node nd : model.nodes()) maxCpus = Math.max(maxCpus, nd.cpus());
        List<SlurmModel.Job> base = new ArrayList<>();
        long rank = 0;
        for (LiveJob j : pending) {
            long expected = Math.min(limit(j), runtimes.estimate(j).remainingS());
            base.add(slurmJob(j, asked.get(arrayKey(j.id())), ++rank, nowS, expected, maxCpus,
                    model.settings().defMemPerCpuMb()));
        }
        List<Prediction> out = new ArrayList<>();
        Shape first = shapes.get(0);
        for (Shape s : shapes) {
            List<SlurmModel.Job> jobs = new ArrayList<>(base);
            for (int k = 0; k < s.count(); k++) jobs.add(newJob("new" + k, s, first, layout, rank + 1 + k, nowS));
            Map<String, Long> starts;
            try {
                starts = model.run(jobs, running);
            } catch (SlurmModel.TooMuchWork e) {
                why.add(e.getMessage());
                return null;
            }
            long latest = Long.MIN_VALUE;
            boolean never = false;
            for (int k = 0; k < s.count(); k++) {
                Long st = starts.get("new" + k);
                if (st == null) never = true;
                else latest = Math.max(latest, st);
            }
            out.add(never ? new Prediction(s, null, -1, "no node of its partition can ever take it")
                    : new Prediction(s, Instant.ofEpochSecond(Math.max(nowS, latest)), Math.max(0, latest - nowS), null));
        }
        return out;
    }

    /** The key {@code scontrol show job} gives a pending array's line: {@code 105_[1-6%2]#3} as {@code 105_1-6}. */
    private static String arrayKey(String id) {
        int cut = id.indexOf('#');
        if (cut < 0) cut = id.indexOf("/lane");
        if (cut < 0) return id;
        String s = id.substring(0, cut).replace("[", "").replace("]", "");
        int pct = s.indexOf('%');
        return pct < 0 ? s : s.substring(0, pct);
    }

    /** A pending live job as Slurm's scheduler sees it: as it asked where {@code a} says, else from squeue's figures. */
    private static SlurmModel.Job slurmJob(LiveJob j, Asked a, long rank, long nowS, long expected, int maxCpus,
                                           long defMemPerCpuMb) {
        long limit = limit(j);
        if (a != null) {
            long mem = a.memPerNodeMb();
            if (mem == 0 && a.memPerCpuMb() > 0 && a.memPerCpuMb() != defMemPerCpuMb) {
                mem = a.memPerCpuMb() * a.tasks() * a.cpusPerTask() / Math.max(1, a.nodesAsked());
            }
            return new SlurmModel.Job(j.id(), rank, nowS, limit, expected, j.partition(), a.nodesAsked(), a.tasks(),
                    a.cpusPerTask(), a.tasksPerNode(), mem, a.exclusive() || j.exclusive(), a.gpus());
        }
        int nodes = j.nodes() > 1 ? j.nodes() : 0;
        long cpus = Math.max(1, j.cpus());
        boolean oneTask = nodes == 0 && cpus <= maxCpus;
        int tasks = oneTask ? 1 : (int) Math.min(Integer.MAX_VALUE, cpus);
        long mem = j.memBytes() <= 0 ? 0 : ((j.memBytes() >> 20) + Math.max(1, nodes) - 1) / Math.max(1, nodes);
        return new SlurmModel.Job(j.id(), rank, nowS, limit, expected, j.partition(), nodes, tasks,
                oneTask ? (int) cpus : 1, 0, mem, j.exclusive());
    }

    /** The new job of shape {@code s} (the shape asked, or an alternative of {@code asked}) as it would ask Slurm. */
    private static SlurmModel.Job newJob(String id, Shape s, Shape asked, Layout l, long rank, long nowS) {
        int nodes = l.nodes() == 0 ? 0 : s.nodes();
        int tasks, per;
        if (l.exclusive()) {
            tasks = l.tasks() > 0 ? Math.max(1, s.count() > 1 ? l.tasks() / 2 : l.tasks()) : Math.max(1, nodes);
            per = 1;
        } else if (l.tasks() > 0) {
            per = (int) Math.max(1, asked.cpus() / l.tasks());
            tasks = (int) Math.max(1, s.cpus() / per);
        } else if (nodes > 1) {
            tasks = nodes;
            per = (int) Math.max(1, s.cpus() / nodes);
        } else {
            tasks = 1;
            per = (int) Math.min(Integer.MAX_VALUE, s.cpus());
        }
        long mem = s.memBytes() <= 0 ? 0 : ((s.memBytes() >> 20) + Math.max(1, nodes) - 1) / Math.max(1, nodes);
        // the GPUs asked: per node where the nodes are given or it is one task (--gres=gpu:N, as place submits it),
        // else in all (--gpus=N); an exclusive shape's widened GPUs are its nodes', not asked
        long g = l.exclusive() ? Math.min(s.gpus(), l.gpus()) : s.gpus();
        SlurmModel.Gpus gpus = SlurmModel.Gpus.NONE;
        if (g > 0 && (nodes > 0 || tasks == 1)) {
            gpus = new SlurmModel.Gpus((int) Math.min(Integer.MAX_VALUE, (g + Math.max(1, nodes) - 1) / Math.max(1, nodes)), 0, 0);
        } else if (g > 0) {
            gpus = new SlurmModel.Gpus(0, 0, (int) Math.min(Integer.MAX_VALUE, g));
        }
        return new SlurmModel.Job(id, rank, nowS, s.timeS(), s.timeS(), s.partition(), nodes, tasks, per, 0, mem,
                l.exclusive(), gpus);
    }

    private static long heldGpus(Asked a) {
        long n = 0;
        for (long[] h : a.held().values()) if (h.length > 2) n += h[2];
        return n;
    }

    private static long limit(LiveJob j) {
        return j.limitS() == null || j.limitS() <= 0 ? UNLIMITED_S : j.limitS();
    }
}
