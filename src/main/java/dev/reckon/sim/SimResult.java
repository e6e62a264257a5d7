package dev.reckon.sim;

import java.util.List;

/**
 * What a simulation produced: each job's start and end (seconds on the trace's clock), the group it ran in, the jobs
 * dropped because they fit no part of the machine, and the metrics. Index {@code j} is the job's index in
 * {@link #workload()}.
 */
public final class SimResult {
    private final Machine machine;
    private final Workload workload;
    private final String policy;
    private final long[] start;
    private final long[] end;
    private final byte[] group;
    private final List<Dropped> dropped;
    private final SimDefaults defaults;
    private Metrics metrics;

    SimResult(Machine machine, Workload workload, String policy, long[] start, long[] end, byte[] group,
              List<Dropped> dropped, SimDefaults defaults) {
        this.machine = machine;
        this.workload = workload;
        this.policy = policy;
        this.start = start;
        this.end = end;
        this.group = group;
        this.dropped = List.copyOf(dropped);
        this.defaults = defaults;
    }

    public Machine machine() { return machine; }
    public Workload workload() { return workload; }
    public String policy() { return policy; }
    /** Whether job {@code j} ran (false: it was dropped as unfit). */
    public boolean ran(int j) { return start[j] != Long.MIN_VALUE; }
    public long start(int j) { return start[j]; }
    public long end(int j) { return end[j]; }
    public long wait(int j) { return start[j] - workload.submit(j); }
    /** The node group job {@code j} ran in (its index in the machine's groups). */
    public int group(int j) { return group[j]; }
    /** Whether job {@code j} was ended at its time limit because its runtime exceeded it. */
    public boolean endedAtLimit(int j) { return workload.runtime(j) > workload.limit(j); }
    /** Jobs that fit no part of the machine (or of their partition), with the reason. */
    public List<Dropped> dropped() { return dropped; }
    public SimDefaults defaults() { return defaults; }

    /** The schedule's metrics, computed once on first use. */
    public Metrics metrics() {
        if (metrics == null) metrics = Metrics.of(this);
        return metrics;
    }
}
