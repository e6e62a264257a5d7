package dev.reckon.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Predicted wait: when a job of a given shape would start if submitted now, found by simulating forward from the
 * live queue. The policy plans with the jobs' time limits (the scheduler's own assumption: a running job's
 * reservation-holding end is limit - elapsed from now); each live job really ends when a {@link RuntimeEstimate}
 * from the ledger's finished jobs expects it to (at its limit where there is no history). Pending jobs queue in
 * priority order (highest first, ties by submit time); the new job queues behind all of them (a new job has no age)
 * and may backfill under the policy. Several shapes are compared, each in its own simulation.
 */
public final class Predict {
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

    private static long limit(LiveJob j) {
        return j.limitS() == null || j.limitS() <= 0 ? UNLIMITED_S : j.limitS();
    }
}
