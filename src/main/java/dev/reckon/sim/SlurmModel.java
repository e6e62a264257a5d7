package dev.reckon.sim;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Slurm's own scheduler (22.05, {@code sched/backfill} with {@code select/cons_tres}), job by job and in absolute
 * (Unix) time, for replaying what a real cluster did and predicting what it will do. Where the pooled
 * {@link Simulator} is fast and right on average, this model reproduces the mechanisms that decide who starts when:
 *
 * <ul>
 * <li>nodes one by one (cores, memory and GPUs per node): a job of tasks has its tasks spread over nodes, filling the first
 *     node that has room before the next (block distribution, best fit among runs of consecutive usable nodes), a job
 *     with {@code --nodes} takes that many nodes, {@code --exclusive} takes whole idle nodes; a job without
 *     {@code --mem} gets {@code DefMemPerCPU} per CPU;</li>
 * <li>the main scheduler: at every submission and every end, pending jobs in priority order (submit time, then
 *     job id: the order of equal priorities), each started if it fits now, and the first that does not fit closes
 *     its partition's nodes to the rest of the pass;</li>
 * <li>backfill every {@code bf_interval} seconds while something changed since the last cycle: up to
 *     {@code bf_max_job_test} jobs in priority order, each given the earliest start that the select plugin's
 *     will-run test finds on the nodes not reserved for higher-priority jobs, and a reservation of those whole
 *     nodes from that start rounded down to {@code bf_resolution} to its end (start plus limit) rounded down
 *     likewise, within {@code bf_window}; a job that can start now on unreserved nodes starts;</li>
 * <li>the will-run test: running jobs are taken away in order of their limit's end, in groups: the first group
 *     ends at the first end rounded up to the next multiple of 30 s of Unix time plus 30 s, and the window doubles
 *     for each further group until it reaches the next end; after each group the job is tried, and it is planned
 *     to start at the last limit end of the group that lets it fit. So the outcome depends on the second, mod 30,
 *     at which jobs started;</li>
 * <li>the turnaround: a job's nodes are free {@code turnaround} seconds after its recorded end (completion, epilog,
 *     then the scheduling pass that it triggers);</li>
 * <li>a held job may start once released (its eligible time), and keeps its place in the queue by submission:
 *     measured on Slurm 22.05 with equal priorities, a released job starts before jobs submitted after it;</li>
 * <li>a job cancelled while it waited holds its place in the queue (and its backfill reservation) until then;</li>
 * <li>a job array's tasks wait in task order, and at most its {@code %N} of them run at once: a task over the limit
 *     waits without holding back the jobs behind it;</li>
 * <li>each job on its partition's nodes.</li>
 * </ul>
 *
 * <p>What it leaves out: partition priority tiers, QOS and association limits, preemption, GPU types and GRES other than
 * GPUs, GPU binding to sockets,
 * advance reservations, node weights and features, topology, {@code bf_max_job_user}-style limits; priorities other
 * than by eligible time and id (the dev cluster's multifactor weights are all zero).
 */
public final class SlurmModel {
    /**
     * The scheduler's settings, as {@code scontrol show config} reports them.
     *
     * @param bfIntervalS    {@code bf_interval}: seconds between backfill cycles
     * @param bfResolutionS  {@code bf_resolution}: granularity of reservations
     * @param bfMaxJobTest   {@code bf_max_job_test}: jobs tested per cycle
     * @param bfWindowS      {@code bf_window}: how far ahead reservations are made
     * @param defMemPerCpuMb {@code DefMemPerCPU}: memory of a job that gives none, per CPU (0: the whole node)
     * @param turnaroundMs   milliseconds from a job's end until its nodes take the next job (completion, epilog,
     *                       the scheduling pass it triggers): the model keeps time in milliseconds, as a chain of jobs
     *                       drifts by this much per link
     */
    public record Settings(long bfIntervalS, long bfResolutionS, int bfMaxJobTest, long bfWindowS, long defMemPerCpuMb,
                           long turnaroundMs) {
        public Settings {
            if (bfIntervalS < 1 || bfResolutionS < 1 || bfMaxJobTest < 1 || bfWindowS < 1 || defMemPerCpuMb < 0
                    || turnaroundMs < 0)
                throw new IllegalArgumentException("scheduler settings out of range");
        }

        /** Slurm 22.05's defaults: bf_interval 30 s, bf_resolution 60 s, bf_max_job_test 500, bf_window 1 day. */
        public static Settings defaults() {
            return new Settings(30, 60, 500, 1440 * 60, 0, DEFAULT_TURNAROUND_MS);
        }

        /** This one with another turnaround. */
        public Settings withTurnaroundMs(long ms) {
            return new Settings(bfIntervalS, bfResolutionS, bfMaxJobTest, bfWindowS, defMemPerCpuMb, ms);
        }

        /** Reads {@code scontrol show config}'s output; what it does not say keeps Slurm's default. */
        public static Settings parse(String showConfig, long turnaroundMs) {
            Settings d = defaults();
            long interval = d.bfIntervalS, resolution = d.bfResolutionS, window = d.bfWindowS, defMem = 0;
            int maxTest = d.bfMaxJobTest;
            for (String line : showConfig.lines().toList()) {
                int eq = line.indexOf('=');
                if (eq < 0) continue;
                String key = line.substring(0, eq).trim(), value = line.substring(eq + 1).trim();
                if (key.equals("DefMemPerCPU") && value.matches("\\d+")) defMem = Long.parseLong(value);
                if (!key.equals("SchedulerParameters")) continue;
                for (String p : value.split(",")) {
                    String[] kv = p.trim().split("=", 2);
                    if (kv.length != 2 || !kv[1].matches("\\d+")) continue;
                    long v = Long.parseLong(kv[1]);
                    switch (kv[0]) {
                        case "bf_interval" -> interval = Math.max(1, v);
                        case "bf_resolution" -> resolution = Math.max(1, v);
                        case "bf_max_job_test" -> maxTest = (int) Math.max(1, Math.min(Integer.MAX_VALUE, v));
                        case "bf_window" -> window = Math.max(1, v) * 60;
                        default -> { }
                    }
                }
            }
            return new Settings(interval, resolution, maxTest, window, defMem, turnaroundMs);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "bf_interval=%ds bf_resolution=%ds bf_max_job_test=%d bf_window=%dmin "
                    + "DefMemPerCPU=%dMB turnaround=%dms", bfIntervalS, bfResolutionS, bfMaxJobTest, bfWindowS / 60,
                    defMemPerCpuMb, turnaroundMs);
        }
    }

    /**
     * One node.
     *
     * @param name       its name
     * @param cpus       CPUs the scheduler hands out
     * @param memMb      memory, MB ({@code RealMemory})
     * @param gpus       GPUs ({@code Gres=gpu:N}, of any type)
     * @param partitions the partitions it is in
     */
    public record Node(String name, int cpus, long memMb, int gpus, Set<String> partitions) {
        public Node {
            if (cpus < 1 || memMb < 0 || gpus < 0)
                throw new IllegalArgumentException("node " + name + ": cpus >= 1, memory and GPUs >= 0");
            partitions = Set.copyOf(new LinkedHashSet<>(partitions));
        }

        /** A node without GPUs. */
        public Node(String name, int cpus, long memMb, Set<String> partitions) {
            this(name, cpus, memMb, 0, partitions);
        }
    }

    /**
     * The GPUs a job asks for, as Slurm's options give them; {@link #NONE} when it asks for none.
     *
     * @param perNode {@code --gres=gpu:N} or {@code --gpus-per-node=N}: on each of its nodes
     * @param perTask {@code --gpus-per-task=N}: for each task
     * @param perJob  {@code --gpus=N}: in all, over its nodes
     */
    public record Gpus(int perNode, int perTask, int perJob) {
        public static final Gpus NONE = new Gpus(0, 0, 0);

        public Gpus {
            if (perNode < 0 || perTask < 0 || perJob < 0) throw new IllegalArgumentException("GPUs >= 0");
        }

        public boolean any() {
            return perNode > 0 || perTask > 0 || perJob > 0;
        }

        /**
         * Reads the GPUs of Slurm's TRES-per fields as {@code scontrol show job} prints them ({@code gres:gpu:2},
         * {@code gres/gpu:a100:2}, {@code gpu:2}, several comma-separated): the GPU count, 0 when none is named.
         */
        public static int count(String tresPer) {
            if (tresPer == null || tresPer.isBlank() || tresPer.equals("(null)")) return 0;
            long n = 0;
            for (String part : tresPer.split(",")) {
                String p = part.strip();
                if (p.startsWith("gres:") || p.startsWith("gres/")) p = p.substring(5);
                int paren = p.indexOf('(');
                if (paren >= 0) p = p.substring(0, paren);
                if (!p.equals("gpu") && !p.startsWith("gpu:") && !p.startsWith("gpu=")) continue;
                String[] f = p.split("[:=]");
                String last = f[f.length - 1];
                if (f.length == 1) n += 1;
                else if (last.matches("\\d{1,9}")) n += Long.parseLong(last);
                else if (f.length == 2) n += 1; // gpu:TYPE: one of that type
                else throw new IllegalArgumentException("\"" + part.strip() + "\" is not a GPU count");
            }
            return (int) Math.min(Integer.MAX_VALUE, n);
        }
    }

    /**
     * Reads {@code scontrol show node -o} (one node a line): NodeName, CPUTot (CPUEfctv), RealMemory, Gres (the GPUs),
     * Partitions.
     */
    public static List<Node> parseNodes(String showNodeOneLine) {
        List<Node> out = new ArrayList<>();
        for (String line : showNodeOneLine.lines().toList()) {
            Map<String, String> f = new HashMap<>();
            for (String tok : line.trim().split("\\s+")) {
                int eq = tok.indexOf('=');
                if (eq > 0) f.put(tok.substring(0, eq), tok.substring(eq + 1));
            }
            String name = f.get("NodeName");
            if (name == null) continue;
            String cpus = f.getOrDefault("CPUEfctv", f.get("CPUTot"));
            if (cpus == null || !cpus.matches("\\d+")) continue;
            String mem = f.getOrDefault("RealMemory", "0");
            Set<String> parts = new LinkedHashSet<>();
            String p = f.get("Partitions");
            if (p != null && !p.isBlank() && !p.equals("(null)")) parts.addAll(List.of(p.split(",")));
            int gpus;
            try {
                gpus = Gpus.count(f.get("Gres"));
            } catch (IllegalArgumentException e) {
                gpus = 0; // a GRES this model does not read: the node's GPUs are left out
            }
            out.add(new Node(name, Integer.parseInt(cpus), mem.matches("\\d+") ? Long.parseLong(mem) : 0, gpus, parts));
        }
        return out;
    }

    /**
     * One job.
     *
     * @param id           the scheduler's id (numeric ids order equal priorities)
     * @param submit       when it was submitted (Unix seconds): with the id, its place in the queue
     * @param eligible     when it may start: its submission, or its release when it was held
     * @param limitS       its time limit, seconds
     * @param runtimeS     how long it ran, seconds
     * @param partition    its partition, or null for any node
     * @param nodes        {@code --nodes}: exactly this many nodes; 0 when not given
     * @param tasks        tasks ({@code --ntasks}), at least 1
     * @param cpusPerTask  CPUs per task
     * @param tasksPerNode {@code --ntasks-per-node}, 0 when not given
     * @param memPerNodeMb {@code --mem}, MB per node; 0 when not given ({@code DefMemPerCPU} then applies)
     * @param exclusive    {@code --exclusive}: whole nodes
     * @param gpus         the GPUs it asks for
     * @param leavesAt     when it was taken out of the system (Unix seconds): cancelled while it waited, it leaves the
     *                     queue then, and where the replay has started it, it ends then; {@link #STAYS} when never
     * @param array        the job array it is a task of ({@code 123} for {@code 123_4}), null when none
     * @param arrayMax     the array's {@code %N}: at most this many of its tasks run at once; 0 for no limit. A task
     *                     over the limit waits without holding back the jobs behind it, as in Slurm (reason
     *                     {@code JobArrayTaskLimit})
     */
    public record Job(String id, long submit, long eligible, long limitS, long runtimeS, String partition, int nodes, int tasks,
                      int cpusPerTask, int tasksPerNode, long memPerNodeMb, boolean exclusive, Gpus gpus, long leavesAt,
                      String array, int arrayMax) {
        /** {@link #leavesAt} of a job that stays until it has run. */
        public static final long STAYS = Long.MAX_VALUE / 2_000;

        public Job {
            if (tasks < 1 || cpusPerTask < 1 || nodes < 0 || tasksPerNode < 0 || limitS < 0 || runtimeS < 0
                    || memPerNodeMb < 0 || arrayMax < 0)
                throw new IllegalArgumentException("job " + id + ": tasks and CPUs >= 1, nothing negative");
            if (gpus == null) gpus = Gpus.NONE;
            leavesAt = Math.min(leavesAt, STAYS);
            if (array == null) arrayMax = 0;
        }

        /** A job that is no array's task (or whose array runs all its tasks at once). */
        public Job(String id, long submit, long eligible, long limitS, long runtimeS, String partition, int nodes,
                   int tasks, int cpusPerTask, int tasksPerNode, long memPerNodeMb, boolean exclusive, Gpus gpus,
                   long leavesAt) {
            this(id, submit, eligible, limitS, runtimeS, partition, nodes, tasks, cpusPerTask, tasksPerNode,
                    memPerNodeMb, exclusive, gpus, leavesAt, null, 0);
        }

        /** This job as a task of {@code array}, of which at most {@code max} run at once (0: no limit). */
        public Job inArray(String array, int max) {
            return new Job(id, submit, eligible, limitS, runtimeS, partition, nodes, tasks, cpusPerTask, tasksPerNode,
                    memPerNodeMb, exclusive, gpus, leavesAt, array, max);
        }

        /** A job that stays until it has run. */
        public Job(String id, long submit, long eligible, long limitS, long runtimeS, String partition, int nodes,
                   int tasks, int cpusPerTask, int tasksPerNode, long memPerNodeMb, boolean exclusive, Gpus gpus) {
            this(id, submit, eligible, limitS, runtimeS, partition, nodes, tasks, cpusPerTask, tasksPerNode,
                    memPerNodeMb, exclusive, gpus, STAYS);
        }

        /** A job that asks for no GPU. */
        public Job(String id, long submit, long eligible, long limitS, long runtimeS, String partition, int nodes,
                   int tasks, int cpusPerTask, int tasksPerNode, long memPerNodeMb, boolean exclusive) {
            this(id, submit, eligible, limitS, runtimeS, partition, nodes, tasks, cpusPerTask, tasksPerNode,
                    memPerNodeMb, exclusive, Gpus.NONE);
        }

        /** A job of one task of {@code cpus} CPUs on one node. */
        public static Job simple(String id, long eligible, long limitS, long runtimeS, int cpus, long memMb) {
            return new Job(id, eligible, eligible, limitS, runtimeS, null, 1, 1, cpus, 0, memMb, false, Gpus.NONE, STAYS);
        }
    }

    /**
     * A replay that would take more work than {@link #WORK_LIMIT} allows: a long window of a deep queue (the backfill
     * cycles test up to {@code bf_max_job_test} waiting jobs against every running one, every {@code bf_interval}).
     */
    public static final class TooMuchWork extends RuntimeException {
        private final int maxWaiting;

        TooMuchWork(int jobs, int nodes, int maxWaiting) {
            super("replaying " + jobs + " jobs on " + nodes + " nodes job by job takes more work than reckon allows "
                    + "(up to " + maxWaiting + " jobs waited at once)");
            this.maxWaiting = maxWaiting;
        }

        /** The most jobs that waited at once before the replay stopped. */
        public int maxWaiting() {
            return maxWaiting;
        }
    }

    /**
     * The work a replay may take, in nodes looked at (each placement looks at every allowed node; each job backfill
     * tests, at the running jobs too): about a minute on the project's 2-core machine.
     */
    public static final long WORK_LIMIT = 20_000_000_000L;

    /** The turnaround that replays the dev cluster best: 0.5 s from one job's end to the next start on its CPUs. */
    public static final long DEFAULT_TURNAROUND_MS = 500;
    /** Internal time unit: milliseconds. */
    private static final long MS = 1000;

    private final List<Node> nodeList;
    private final Settings settings;
    private final int n;
    private final int[] cpus;
    private final long[] mem;
    private final int[] gpus;

    public SlurmModel(List<Node> nodes, Settings settings) {
        if (nodes.isEmpty()) throw new IllegalArgumentException("no nodes");
        this.nodeList = List.copyOf(nodes);
        this.settings = settings;
        this.n = nodes.size();
        this.cpus = new int[n];
        this.mem = new long[n];
        this.gpus = new int[n];
        for (int i = 0; i < n; i++) {
            cpus[i] = nodes.get(i).cpus();
            mem[i] = nodes.get(i).memMb();
            gpus[i] = nodes.get(i).gpus();
        }
    }

    /**
     * The model of a cluster as scontrol shows it: its nodes ({@code show node -o}, as {@link #parseNodes} reads them)
     * and settings ({@code show config}); null when the text names no node.
     */
    public static SlurmModel fromScontrol(String showNodeOneLine, String showConfig, long turnaroundMs) {
        List<Node> nodes = parseNodes(showNodeOneLine);
        return nodes.isEmpty() ? null : new SlurmModel(nodes, Settings.parse(showConfig, turnaroundMs));
    }

    public List<Node> nodes() {
        return nodeList;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * A job already running when the replay begins: it holds these CPUs, MB and GPUs per node until {@code release}.
     */
    public record Running(String id, long start, long limitS, long release, int[] cpusOn, long[] memOn, int[] gpusOn) {
        public Running {
            if (gpusOn == null) gpusOn = new int[cpusOn.length];
        }

        /** A job that holds no GPU. */
        public Running(String id, long start, long limitS, long release, int[] cpusOn, long[] memOn) {
            this(id, start, limitS, release, cpusOn, memOn, null);
        }
    }

    // ------------------------------------------------------------------------------------------------ state

    /** Free CPUs, memory and GPUs per node, and how many jobs each node holds. */
    private static final class State {
        final int[] freeCpu;
        final long[] freeMem;
        final int[] freeGpu;
        final int[] jobsOn;

        State(int[] cpu, long[] mem, int[] gpu) {
            freeCpu = cpu.clone();
            freeMem = mem.clone();
            freeGpu = gpu.clone();
            jobsOn = new int[cpu.length];
        }

        State(State s) {
            freeCpu = s.freeCpu.clone();
            freeMem = s.freeMem.clone();
            freeGpu = s.freeGpu.clone();
            jobsOn = s.jobsOn.clone();
        }

        void take(Alloc a) {
            for (int i = 0; i < a.cpu.length; i++) {
                if (a.cpu[i] == 0 && a.mem[i] == 0 && a.gpu[i] == 0) continue;
                freeCpu[i] -= a.cpu[i];
                freeMem[i] -= a.mem[i];
                freeGpu[i] -= a.gpu[i];
                jobsOn[i]++;
            }
        }

        void give(Alloc a) {
            for (int i = 0; i < a.cpu.length; i++) {
                if (a.cpu[i] == 0 && a.mem[i] == 0 && a.gpu[i] == 0) continue;
                freeCpu[i] += a.cpu[i];
                freeMem[i] += a.mem[i];
                freeGpu[i] += a.gpu[i];
                jobsOn[i]--;
            }
        }
    }

    /** A placement: CPUs, MB and GPUs per node. */
    private record Alloc(int[] cpu, long[] mem, int[] gpu) {
        static Alloc of(Running r) {
            return new Alloc(r.cpusOn().clone(), r.memOn().clone(), r.gpusOn().clone());
        }

        BitSet nodes() {
            BitSet b = new BitSet();
            for (int i = 0; i < cpu.length; i++) if (cpu[i] > 0 || gpu[i] > 0) b.set(i);
            return b;
        }
    }

    private final class Live {
        final int job;
        final long start, limitEnd, end, release;
        final Alloc alloc;
        final BitSet nodes;
        final String id;

        Live(int job, String id, long start, long limitEnd, long end, long release, Alloc alloc) {
            this.job = job;
            this.id = id;
            this.start = start;
            this.limitEnd = limitEnd;
            this.end = end;
            this.release = release;
            this.alloc = alloc;
            this.nodes = alloc.nodes();
        }
    }

    /** Where cons_tres would put the job now, on the allowed nodes of this state; null when it does not fit. */
    private Alloc place(Job j, State s, BitSet allowed) {
        int cpt = j.cpusPerTask();
        Gpus g = j.gpus();
        // GPUs per job on one node (one node asked, or one task): that node needs them all, as per node
        boolean oneNode = j.nodes() == 1 || (j.nodes() == 0 && j.tasks() == 1);
        int gpuPerNode = g.perJob() > 0 && oneNode ? Math.max(g.perNode(), g.perJob()) : g.perNode();
        boolean spreadGpus = g.perJob() > 0 && !oneNode;
        // usable nodes and how many tasks each takes
        int[] cap = new int[n];
        boolean any = false;
        for (int i = allowed.nextSetBit(0); i >= 0 && i < n; i = allowed.nextSetBit(i + 1)) {
            if (g.any()) {
                if (s.freeGpu[i] < Math.max(1, gpuPerNode)) continue;
                if (j.exclusive() && gpus[i] < Math.max(1, gpuPerNode)) continue;
            }
            if (j.exclusive()) {
                if (s.jobsOn[i] != 0) continue;
                if (j.memPerNodeMb() > mem[i]) continue;
                cap[i] = cpus[i] / cpt;
                if (g.perTask() > 0) cap[i] = Math.min(cap[i], gpus[i] / g.perTask());
            } else {
                int t = s.freeCpu[i] / cpt;
                if (j.tasksPerNode() > 0) t = t >= j.tasksPerNode() ? j.tasksPerNode() : 0;
                long perTaskMem = j.memPerNodeMb() > 0 ? 0 : memPerCpu(i) * cpt;
                if (j.memPerNodeMb() > 0) {
                    if (s.freeMem[i] < j.memPerNodeMb()) t = 0;
                } else if (perTaskMem > 0) {
                    t = (int) Math.min(t, s.freeMem[i] / perTaskMem);
                } else if (s.jobsOn[i] != 0 || s.freeMem[i] < mem[i]) {
                    t = 0; // no DefMemPerCPU: a job without --mem takes the whole node's memory
                }
                if (g.perTask() > 0) t = Math.min(t, s.freeGpu[i] / g.perTask());
                cap[i] = t;
            }
            if (cap[i] > 0) any = true;
        }
        if (!any) return null;
        int minNodes = j.nodes() > 0 ? j.nodes() : 1;
        int maxNodes = j.nodes() > 0 ? j.nodes() : Integer.MAX_VALUE;
        int tasks = j.tasks();
        if (j.tasksPerNode() > 0 && j.nodes() > 0) tasks = Math.max(tasks, j.tasksPerNode() * j.nodes());
        // runs of consecutive usable nodes; best fit: the smallest run that holds the job alone
        List<int[]> runs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (cap[i] == 0) continue;
            int a = i;
            while (i + 1 < n && cap[i + 1] > 0) i++;
            runs.add(new int[]{a, i});
        }
        int[] best = null;
        long bestCap = Long.MAX_VALUE;
        for (int[] r : runs) {
            long c = 0;
            int count = r[1] - r[0] + 1;
            for (int i = r[0]; i <= r[1]; i++) c += cap[i];
            if (count >= minNodes && c >= tasks && c < bestCap) {
                best = r;
                bestCap = c;
            }
        }
        List<Integer> order = new ArrayList<>();
        if (best != null) {
            for (int i = best[0]; i <= best[1]; i++) order.add(i);
        } else {
            for (int[] r : runs) for (int i = r[0]; i <= r[1]; i++) order.add(i);
        }
        int[] taskOn = new int[n];
        List<Integer> chosen = new ArrayList<>();
        if (j.nodes() > 0) {
            if (order.size() < minNodes) return null;
            long c = 0;
            for (int k = 0; k < minNodes; k++) {
                chosen.add(order.get(k));
                c += cap[order.get(k)];
            }
            if (c < tasks) return null;
            int left = tasks;
            for (int i : chosen) { // one task on each node, then fill in order
                taskOn[i] = 1;
                left--;
            }
            for (int i : chosen) {
                int more = Math.min(cap[i] - taskOn[i], Math.max(0, left));
                taskOn[i] += more;
                left -= more;
            }
        } else {
            int left = tasks;
            for (int i : order) {
                if (left <= 0 || chosen.size() >= maxNodes) break;
                int t = Math.min(cap[i], left);
                taskOn[i] = t;
                left -= t;
                chosen.add(i);
            }
            if (left > 0) return null;
        }
        int[] c = new int[n];
        long[] m = new long[n];
        int[] gp = new int[n];
        int gpusLeft = spreadGpus ? g.perJob() : 0;
        for (int i : chosen) {
            if (j.exclusive()) {
                c[i] = cpus[i];
                m[i] = mem[i];
                gp[i] = gpus[i];
                gpusLeft -= gpus[i];
            } else {
                c[i] = taskOn[i] * cpt;
                m[i] = j.memPerNodeMb() > 0 ? j.memPerNodeMb()
                        : memPerCpu(i) > 0 ? memPerCpu(i) * c[i] : mem[i];
                gp[i] = Math.max(gpuPerNode, taskOn[i] * g.perTask());
                if (spreadGpus) {
                    int more = Math.max(0, Math.min(gpusLeft, s.freeGpu[i]) - gp[i]);
                    gp[i] += more;
                    gpusLeft -= gp[i];
                }
            }
        }
        if (gpusLeft > 0) return null; // the chosen nodes do not hold the GPUs asked in all
        return new Alloc(c, m, gp);
    }

    private long memPerCpu(int node) {
        return settings.defMemPerCpuMb();
    }

    /** Whether the job could ever run on the allowed nodes of an empty cluster. */
    private boolean everFits(Job j, BitSet allowed) {
        return place(j, new State(cpus, mem, gpus), allowed) != null;
    }

    // ------------------------------------------------------------------------------------------------ the run

    /** What the replay did: each job's start (Unix seconds); jobs that could never start are absent. */
    public Map<String, Long> run(List<Job> jobs) {
        return run(jobs, List.of());
    }

    /**
     * Replays the jobs, with {@code running} already on the nodes; returns each job's start (Unix seconds), jobs that
     * could never start left out.
     */
    public Map<String, Long> run(List<Job> jobs, List<Running> running) {
        return run(jobs, running, WORK_LIMIT);
    }

    /** {@link #run(List, List)} within {@code workLimit} (in {@link #WORK_LIMIT}'s units): else {@link TooMuchWork}. */
    Map<String, Long> run(List<Job> jobs, List<Running> running, long workLimit) {
        int m = jobs.size();
        Integer[] byEligible = new Integer[m];
        for (int k = 0; k < m; k++) byEligible[k] = k;
        Comparator<Integer> prio = Comparator.<Integer>comparingLong(k -> jobs.get(k).submit())
                .thenComparingLong(k -> idNumber(jobs.get(k).id())).thenComparingLong(k -> taskNumber(jobs.get(k).id()))
                .thenComparing(k -> jobs.get(k).id());
        java.util.Arrays.sort(byEligible, prio);

        BitSet[] partNodes = new BitSet[m];
        Map<String, BitSet> parts = new HashMap<>();
        BitSet all = new BitSet();
        all.set(0, n);
        for (int k = 0; k < m; k++) {
            String p = jobs.get(k).partition();
            if (p == null) {
                partNodes[k] = all;
                continue;
            }
            partNodes[k] = parts.computeIfAbsent(p, name -> {
                BitSet b = new BitSet();
                for (int i = 0; i < n; i++) if (nodeList.get(i).partitions().contains(name)) b.set(i);
                return b.isEmpty() ? all : b; // a partition the nodes do not name: any node
            });
        }

        State state = new State(cpus, mem, gpus);
        List<Live> live = new ArrayList<>();
        for (Running r : running) {
            Alloc a = Alloc.of(r);
            state.take(a);
            live.add(new Live(-1, r.id(), r.start() * MS, (r.start() + r.limitS()) * MS, r.release() * MS, r.release() * MS, a));
        }
        Map<String, Long> starts = new LinkedHashMap<>();
        Tasks tasks = new Tasks(jobs);
        List<Integer> pending = new ArrayList<>(); // in priority order
        int nextArrival = 0;
        // jobs that can never run are dropped up front, as Slurm rejects them at submission
        List<Integer> arrivals = new ArrayList<>();
        for (int k : byEligible) {
            Job j = jobs.get(k);
            if (j.leavesAt() > j.eligible() && everFits(j, partNodes[k])) arrivals.add(k);
        }
        arrivals.sort(Comparator.comparingLong(k -> jobs.get(k).eligible()));
        long[] eligibleMs = new long[m];
        for (int k = 0; k < m; k++) eligibleMs[k] = jobs.get(k).eligible() * MS;

        long bf = settings.bfIntervalS() * MS;
        boolean changedSinceBackfill = true;
        long t = arrivals.isEmpty() ? 0 : eligibleMs[arrivals.get(0)];
        for (Live l : live) t = Math.min(t, l.release);
        long[] work = {0};
        int maxWaiting = 0;
        while (nextArrival < arrivals.size() || !pending.isEmpty()) {
            maxWaiting = Math.max(maxWaiting, pending.size());
            if (work[0] > workLimit) throw new TooMuchWork(m, n, maxWaiting);
            boolean event = false;
            for (int i = live.size() - 1; i >= 0; i--) {
                Live l = live.get(i);
                if (l.release <= t) {
                    state.give(l.alloc);
                    tasks.ended(l.job);
                    live.remove(i);
                    event = true;
                }
            }
            for (int i = pending.size() - 1; i >= 0; i--) {
                if (jobs.get(pending.get(i)).leavesAt() * MS <= t) { // cancelled while it waited
                    pending.remove(i);
                    event = true;
                }
            }
            while (nextArrival < arrivals.size() && eligibleMs[arrivals.get(nextArrival)] <= t) {
                int k = arrivals.get(nextArrival++);
                int pos = 0;
                while (pos < pending.size() && prio.compare(pending.get(pos), k) < 0) pos++;
                pending.add(pos, k);
                event = true;
            }
            if (event) {
                changedSinceBackfill = true;
                // the main scheduler: priority order, the first job that cannot start closes its partition's nodes
                BitSet avail = (BitSet) all.clone();
                for (int idx = 0; idx < pending.size() && !avail.isEmpty(); idx++) {
                    int k = pending.get(idx);
                    if (tasks.atLimit(k)) continue; // waits for its array's running tasks, holding nothing back
                    BitSet allowed = (BitSet) partNodes[k].clone();
                    allowed.and(avail);
                    work[0] += n;
                    Alloc a = allowed.isEmpty() ? null : place(jobs.get(k), state, allowed);
                    if (a == null) {
                        avail.andNot(partNodes[k]);
                        continue;
                    }
                    live.add(start(jobs.get(k), k, t, a, state, starts));
                    tasks.started(k);
                    pending.remove(idx--);
                }
            }
            if (changedSinceBackfill && !pending.isEmpty() && t % bf == 0) {
                changedSinceBackfill = backfill(t, jobs, pending, partNodes, all, state, live, starts, work, tasks);
            }
            // the next moment anything can happen
            long next = Long.MAX_VALUE;
            if (nextArrival < arrivals.size()) next = eligibleMs[arrivals.get(nextArrival)];
            for (Live l : live) next = Math.min(next, l.release);
            for (int k : pending) if (jobs.get(k).leavesAt() < Job.STAYS) next = Math.min(next, jobs.get(k).leavesAt() * MS);
            if (changedSinceBackfill && !pending.isEmpty()) next = Math.min(next, (t / bf + 1) * bf);
            if (next == Long.MAX_VALUE) break; // pending jobs that nothing will ever free room for
            t = Math.max(t + 1, next);
        }
        return starts;
    }

    /**
     * The will-run test alone: when the job could start at {@code now} among the running jobs (on any node), as
     * backfill would plan it before rounding. Null when it never fits.
     */
    Long estimate(Job j, List<Running> running, long now) {
        State state = new State(cpus, mem, gpus);
        List<Live> live = new ArrayList<>();
        for (Running r : running) {
            Alloc a = Alloc.of(r);
            state.take(a);
            live.add(new Live(-1, r.id(), r.start() * MS, (r.start() + r.limitS()) * MS, r.release() * MS, r.release() * MS, a));
        }
        BitSet all = new BitSet();
        all.set(0, n);
        WillRun w = willRun(j, all, now * MS, state, live);
        return w == null ? null : w.start / MS;
    }

    private Live start(Job j, int k, long t, Alloc a, State state, Map<String, Long> starts) {
        state.take(a);
        starts.put(j.id(), Math.floorDiv(t, MS));
        // Slurm's clock is whole seconds: the limit ends a whole number of seconds after the recorded start
        long end = Math.min(t + Math.min(j.runtimeS(), j.limitS()) * MS, Math.max(t, j.leavesAt() * MS));
        return new Live(k, j.id(), t, (Math.floorDiv(t, MS) + j.limitS()) * MS, end, end + settings.turnaroundMs(), a);
    }

    /** One node-space record of the backfill plan: from begin to end, these nodes are not reserved. */
    private static final class Space {
        long begin, end;
        BitSet avail;

        Space(long begin, long end, BitSet avail) {
            this.begin = begin;
            this.end = end;
            this.avail = avail;
        }
    }

    /** One backfill cycle at {@code t}; whether it started a job (which makes the next cycle run). */
    private boolean backfill(long t, List<Job> jobs, List<Integer> pending, BitSet[] partNodes, BitSet all,
                             State state, List<Live> live, Map<String, Long> starts, long[] work, Tasks tasks) {
        List<Space> space = new ArrayList<>();
        long window = settings.bfWindowS() * MS;
        space.add(new Space(t, t + window, (BitSet) all.clone()));
        boolean started = false;
        long res = settings.bfResolutionS() * MS;
        List<Integer> queue = new ArrayList<>(pending);
        int tested = 0;
        for (int k : queue) {
            if (tasks.atLimit(k)) continue; // not tested, no reservation: its array runs as many as it may
            if (++tested > settings.bfMaxJobTest()) break;
            work[0] += (long) n * (live.size() + 1) + space.size();
            Job j = jobs.get(k);
            long laterStart = t;
            for (int attempt = 0; attempt < 64; attempt++) {
                long startRes = Math.max(laterStart, t);
                laterStart = 0;
                long endTime = startRes + j.limitS() * MS;
                BitSet avail = (BitSet) partNodes[k].clone();
                for (int s = 0; s < space.size(); s++) {
                    Space sp = space.get(s);
                    if (sp.end > startRes && s + 1 < space.size() && laterStart == 0) {
                        BitSet next = (BitSet) partNodes[k].clone();
                        next.and(space.get(s + 1).avail);
                        BitSet cur = (BitSet) avail.clone();
                        cur.and(sp.avail);
                        BitSet extra = (BitSet) next.clone();
                        extra.andNot(cur);
                        if (!extra.isEmpty()) laterStart = sp.end;
                    }
                    if (sp.end <= startRes) continue;
                    if (sp.begin <= endTime) avail.and(sp.avail);
                    else break;
                }
                if (avail.cardinality() < Math.max(1, j.nodes())) {
                    if (laterStart != 0) continue;
                    break;
                }
                WillRun w = willRun(j, avail, t, state, live);
                if (w == null) {
                    if (laterStart != 0) continue;
                    break;
                }
                long s0 = Math.max(w.start, startRes);
                if (s0 <= t) {
                    Alloc a = place(j, state, avail);
                    if (a != null) {
                        live.add(start(j, k, t, a, state, starts));
                        tasks.started(k);
                        pending.remove((Integer) k);
                        started = true;
                    }
                    break;
                }
                if (laterStart != 0 && s0 > laterStart) continue;
                long startTime = s0 / res * res, endReserve = (s0 + j.limitS() * MS) / res * res;
                if (s0 > t + window) break;
                if (overlaps(space, w.nodes, startTime, endReserve)) {
                    laterStart = s0;
                    continue;
                }
                reserve(space, startTime, endReserve, w.nodes, res);
                break;
            }
        }
        return started;
    }

    private record WillRun(long start, BitSet nodes) {}

    /** The running tasks of each job array that limits them ({@code --array=...%N}). */
    private static final class Tasks {
        private final List<Job> jobs;
        private final Map<String, Integer> running = new HashMap<>();

        Tasks(List<Job> jobs) {
            this.jobs = jobs;
        }

        /** Whether job {@code k} is the task of an array already running its limit of tasks. */
        boolean atLimit(int k) {
            Job j = jobs.get(k);
            return j.arrayMax() > 0 && running.getOrDefault(j.array(), 0) >= j.arrayMax();
        }

        void started(int k) {
            Job j = jobs.get(k);
            if (j.arrayMax() > 0) running.merge(j.array(), 1, Integer::sum);
        }

        /** Job {@code k} ended (-1: a job that was running before the replay, of no array known here). */
        void ended(int k) {
            if (k < 0) return;
            Job j = jobs.get(k);
            if (j.arrayMax() > 0) running.merge(j.array(), -1, Integer::sum);
        }
    }

    /**
     * cons_tres's will-run test: now, on the allowed nodes' free resources; else after groups of running jobs (by
     * limit end, windows aligned to 30 s of Unix time, doubling) end, the start being the last end of the group that
     * lets the job fit.
     */
    private WillRun willRun(Job j, BitSet allowed, long now, State state, List<Live> live) {
        Alloc a = place(j, state, allowed);
        if (a != null) return new WillRun(now, a.nodes());
        // jobs that have ended but whose nodes are still completing: their resources are free to the select plugin,
        // but backfill does not start a job on a completing node; it plans it a second later (and so reserves the
        // node from now for it)
        State done = null;
        for (Live l : live) {
            if (l.end > now) continue;
            if (done == null) done = new State(state);
            done.give(l.alloc);
        }
        if (done != null) {
            Alloc c = place(j, done, allowed);
            if (c != null) return new WillRun(now + MS, c.nodes());
        }
        List<Live> byEnd = new ArrayList<>(live);
        byEnd.sort(Comparator.comparingLong((Live l) -> l.limitEnd).thenComparingLong(l -> idNumber(l.id)));
        State future = new State(state);
        long window = 30 * MS, barrier = 0;
        int it = 0;
        boolean more = true;
        while (more) {
            Live last = null, next = null;
            while (true) {
                if (it >= byEnd.size()) {
                    more = false;
                    break;
                }
                Live l = byEnd.get(it++);
                if (!l.nodes.intersects(allowed)) continue;
                if (barrier == 0) barrier = l.limitEnd + (window - Math.floorMod(l.limitEnd, window));
                last = l;
                future.give(l.alloc);
                next = it < byEnd.size() ? byEnd.get(it) : null;
                if (next == null) {
                    more = false;
                    break;
                }
                if (next.limitEnd > barrier + window) break;
            }
            if (last == null) break;
            do {
                window *= 2;
            } while (next != null && next.limitEnd > barrier + window);
            Alloc f = place(j, future, allowed);
            if (f != null) return new WillRun(last.limitEnd <= now ? now + MS : last.limitEnd, f.nodes());
        }
        return null;
    }

    private static boolean overlaps(List<Space> space, BitSet use, long start, long end) {
        for (Space sp : space) {
            if (sp.end > start && sp.begin < end) {
                BitSet missing = (BitSet) use.clone();
                missing.andNot(sp.avail);
                if (!missing.isEmpty()) return true;
            }
        }
        return false;
    }

    /** Takes the nodes out of the plan from start to end (split records at both). */
    private static void reserve(List<Space> space, long start, long end, BitSet nodes, long res) {
        start = Math.max(start, space.get(0).begin);
        if (end < start + res) end = start + res;
        split(space, start);
        split(space, end);
        for (Space sp : space) if (sp.begin >= start && sp.end <= end) sp.avail.andNot(nodes);
    }

    private static void split(List<Space> space, long at) {
        for (int s = 0; s < space.size(); s++) {
            Space sp = space.get(s);
            if (sp.begin < at && sp.end > at) {
                Space tail = new Space(at, sp.end, (BitSet) sp.avail.clone());
                sp.end = at;
                space.add(s + 1, tail);
                return;
            }
        }
    }

    static long idNumber(String id) {
        int u = id.indexOf('_');
        try {
            return Long.parseLong(u < 0 ? id : id.substring(0, u));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * The task of an array task's id ({@code 4} of {@code 158_4}), -1 for a job that is no array's task: an array's
     * tasks wait as one job of the array's id and start in task order, whatever ids Slurm gives them as they start.
     */
    static long taskNumber(String id) {
        int u = id.indexOf('_');
        if (u < 0) return -1;
        try {
            return Long.parseLong(id.substring(u + 1));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
