package dev.reckon.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The machine's state during a simulation, as policies see it: free cores, memory and GPUs per node group, the
 * running jobs of each group ordered by when they must end at the latest (start + time limit), and the per-job
 * outcome. Nothing here scans nodes: a group is a pool of its nodes' resources (see {@link Machine}).
 *
 * <p>All times are seconds on the trace's clock.
 */
public final class Pool {
    static final int JOB_BITS = 26;
    static final long JOB_MASK = (1L << JOB_BITS) - 1;
    /** The largest span of time a simulation may cover: times are packed beside job numbers in one long. */
    static final long MAX_SPAN = 1L << 37;
    private static final long UNLIMITED = Long.MAX_VALUE / 4;

    final Workload w;
    final Machine machine;
    final int groups;
    final long t0;
    final long[] cap;
    final long[] free;
    final long[] mask;
    final long[] start;
    final long[] end;
    final byte[] group;
    final long[][] running;
    final int[] runningCount;
    final LongHeap events = new LongHeap();
    final List<Dropped> unfit = new ArrayList<>();

    /** The earliest start {@link #reserve} found, its group, and what that group has left then beyond the job. */
    long resTime;
    int resGroup;
    final long[] resExtra = new long[3];

    Pool(Machine machine, Workload w) {
        if (w.size() > JOB_MASK - 1) throw new IllegalArgumentException("at most " + (JOB_MASK - 1) + " jobs");
        this.w = w;
        this.machine = machine;
        this.groups = machine.groups().size();
        this.cap = new long[groups * 3];
        for (int g = 0; g < groups; g++) {
            Machine.Group gr = machine.groups().get(g);
            cap[g * 3] = gr.totalCores();
            cap[g * 3 + 1] = gr.memBytes() == 0 ? UNLIMITED : gr.totalMem();
            cap[g * 3 + 2] = gr.totalGpus();
        }
        this.free = cap.clone();
        int n = w.size();
        this.mask = new long[n];
        this.start = new long[n];
        this.end = new long[n];
        this.group = new byte[n];
        java.util.Arrays.fill(start, Long.MIN_VALUE);
        java.util.Arrays.fill(end, Long.MIN_VALUE);
        this.running = new long[groups][64];
        this.runningCount = new int[groups];
        this.t0 = n == 0 ? 0 : w.submit(0);
        for (int j = 0; j < n; j++) {
            if (w.submit(j) - t0 >= MAX_SPAN / 2) {
                throw new IllegalArgumentException("the workload spans more than " + MAX_SPAN / 2 + " s");
            }
            String why = eligibility(j);
            if (why != null) unfit.add(new Dropped(w.id(j), why));
        }
    }

    /** Works out which groups job {@code j} fits; the reason it fits none, or null. */
    private String eligibility(int j) {
        String part = w.partition(j);
        boolean partitioned = part != null && machine.hasPartitions();
        String why = null;
        boolean anyInPartition = false;
        long m = 0;
        for (int g = 0; g < groups; g++) {
            Machine.Group gr = machine.groups().get(g);
            if (partitioned && !inAny(gr, part)) continue;
            anyInPartition = true;
            long cores = w.cores(j);
            long nodes = w.nodes(j) > 0 ? w.nodes(j) : ceil(cores, gr.cores());
            String no = null;
            if (nodes > gr.nodes()) no = "asks for " + nodes + " nodes; group " + gr.name() + " has " + gr.nodes();
            else if (ceil(cores, nodes) > gr.cores())
                no = "asks for " + ceil(cores, nodes) + " cores per node; group " + gr.name() + " has " + gr.cores();
            else if (gr.memBytes() > 0 && ceil(w.memBytes(j), nodes) > gr.memBytes())
                no = "asks for " + mib(ceil(w.memBytes(j), nodes)) + " MiB per node; group " + gr.name() + " has "
                        + mib(gr.memBytes());
            else if (ceil(w.gpus(j), nodes) > gr.gpus())
                no = "asks for " + ceil(w.gpus(j), nodes) + " GPUs per node; group " + gr.name() + " has " + gr.gpus();
            if (no == null) m |= 1L << g;
            else if (why == null) why = no;
        }
        mask[j] = m;
        if (m != 0) return null;
        if (!anyInPartition) return "partition " + part + " is not on the machine";
        return why;
    }

    /** Whether the group is in {@code part}, or in one of its partitions when it lists several ({@code debug,gpu}). */
    private static boolean inAny(Machine.Group gr, String part) {
        if (gr.partitions().contains(part)) return true;
        if (part.indexOf(',') < 0) return false;
        for (String p : part.split(",")) if (gr.partitions().contains(p.strip())) return true;
        return false;
    }

    private static long ceil(long a, long b) {
        return b <= 0 ? a : (a + b - 1) / b;
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }

    /** The workload being simulated. */
    public Workload workload() {
        return w;
    }

    /** Whether job {@code j} fits the machine at all (unfit jobs are dropped before the simulation starts). */
    public boolean fits(int j) {
        return mask[j] != 0;
    }

    /** The first group (in machine order) with room for job {@code j} now, or -1. */
    public int fitNow(int j) {
        long mk = mask[j];
        long c = w.cores[j], me = w.mem[j], gp = w.gpus[j];
        while (mk != 0) {
            int g = Long.numberOfTrailingZeros(mk);
            mk &= mk - 1;
            int b = g * 3;
            if (free[b] >= c && free[b + 1] >= me && free[b + 2] >= gp) return g;
        }
        return -1;
    }

    /** Whether job {@code j} has room in group {@code g} now. */
    public boolean fitsIn(int j, int g) {
        int b = g * 3;
        return free[b] >= w.cores[j] && free[b + 1] >= w.mem[j] && free[b + 2] >= w.gpus[j];
    }

    /**
     * Starts job {@code j} in group {@code g} at {@code now}: takes its resources, and schedules its end at
     * {@code now + min(runtime, limit)} (a job that runs past its limit is ended there, as a timeout).
     */
    public void start(int j, int g, long now) {
        int b = g * 3;
        free[b] -= w.cores[j];
        free[b + 1] -= w.mem[j];
        free[b + 2] -= w.gpus[j];
        start[j] = now;
        long e = now + Math.min(w.runtime[j], w.limit[j]);
        end[j] = e;
        group[j] = (byte) g;
        insertRunning(g, ((now + w.limit[j] - t0) << JOB_BITS) | j);
        events.push(((e - t0) << JOB_BITS) | j);
    }

    /** Ends job {@code j}: gives its resources back. */
    void finish(int j) {
        int g = group[j];
        int b = g * 3;
        free[b] += w.cores[j];
        free[b + 1] += w.mem[j];
        free[b + 2] += w.gpus[j];
        removeRunning(g, ((start[j] + w.limit[j] - t0) << JOB_BITS) | j);
    }

    private void insertRunning(int g, long key) {
        long[] a = running[g];
        int n = runningCount[g];
        if (n == a.length) running[g] = a = java.util.Arrays.copyOf(a, n * 2);
        int i = java.util.Arrays.binarySearch(a, 0, n, key);
        if (i < 0) i = -i - 1;
        System.arraycopy(a, i, a, i + 1, n - i);
        a[i] = key;
        runningCount[g] = n + 1;
    }

    private void removeRunning(int g, long key) {
        long[] a = running[g];
        int n = runningCount[g];
        int i = java.util.Arrays.binarySearch(a, 0, n, key);
        if (i < 0) throw new IllegalStateException("job not running");
        System.arraycopy(a, i + 1, a, i, n - i - 1);
        runningCount[g] = n - 1;
    }

    /**
     * The earliest time job {@code j} could start if every running job ran to its time limit and nothing else started:
     * the minimum over the groups it fits. Afterwards {@link #reservedGroup} and {@link #extra} tell where, and what
     * that group would have left beyond the job then. Costs the number of running jobs that must end first.
     */
    public long reserve(int j, long now) {
        long best = Long.MAX_VALUE;
        long mk = mask[j];
        long c = w.cores[j], me = w.mem[j], gp = w.gpus[j];
        while (mk != 0) {
            int g = Long.numberOfTrailingZeros(mk);
            mk &= mk - 1;
            int b = g * 3;
            long ac = free[b], am = free[b + 1], ag = free[b + 2];
            long t = now;
            if (!(ac >= c && am >= me && ag >= gp)) {
                long[] a = running[g];
                int n = runningCount[g];
                t = Long.MAX_VALUE;
                for (int k = 0; k < n; k++) {
                    long key = a[k];
                    int r = (int) (key & JOB_MASK);
                    ac += w.cores[r];
                    am += w.mem[r];
                    ag += w.gpus[r];
                    long kt = key >>> JOB_BITS;
                    if (k + 1 < n && (a[k + 1] >>> JOB_BITS) == kt) continue;
                    if (ac >= c && am >= me && ag >= gp) {
                        t = Math.max(now, kt + t0);
                        break;
                    }
                }
            }
            if (t < best) {
                best = t;
                resGroup = g;
                resExtra[0] = ac - c;
                resExtra[1] = am - me;
                resExtra[2] = ag - gp;
            }
        }
        resTime = best;
        return best;
    }

    /** The group the last {@link #reserve} chose. */
    public int reservedGroup() {
        return resGroup;
    }

    /** What the reserved group has left, beyond the reserved job, at the reserved time: dimension 0 cores, 1 memory, 2 GPUs. */
    public long extra(int dimension) {
        return resExtra[dimension];
    }

    /** Whether job {@code j} fits within the reserved group's leftover at the reserved time. */
    boolean fitsExtra(int j) {
        return w.cores[j] <= resExtra[0] && w.mem[j] <= resExtra[1] && w.gpus[j] <= resExtra[2];
    }

    /** Takes job {@code j}'s resources from the reserved leftover. */
    void takeExtra(int j) {
        resExtra[0] -= w.cores[j];
        resExtra[1] -= w.mem[j];
        resExtra[2] -= w.gpus[j];
    }

    /** Cores in all, over every group. */
    public long totalCores() {
        long c = 0;
        for (int g = 0; g < groups; g++) c += cap[g * 3];
        return c;
    }
}
