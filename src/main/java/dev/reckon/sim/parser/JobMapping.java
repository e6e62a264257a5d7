package dev.reckon.sim.parser;

import dev.reckon.model.Job;
import dev.reckon.sim.Dropped;
import dev.reckon.sim.Workload;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns {@link Job} records (from an SWF trace or the ledger) into simulated jobs, one rule for both, and counts what
 * it had to assume. Rules: cores are the allocated CPUs, else the requested; nodes the allocated nodes (unknown: as
 * few as the cores need); memory the requested memory when {@code withMemory}; GPUs the allocated GPUs; the limit is
 * the requested time, and where that is unknown or zero the runtime stands in for it (a perfect estimate); a job
 * with no known runtime, no submit time or no size is dropped with the reason.
 */
final class JobMapping {
    private final Workload.Builder builder = new Workload.Builder();
    private final List<Dropped> dropped = new ArrayList<>();
    private final boolean withMemory;
    private long noLimit;
    private long pastLimit;

    JobMapping(boolean withMemory) {
        this.withMemory = withMemory;
    }

    /**
     * Adds one job; {@code origin} is subtracted from its epoch times; {@code tag} may be null. Returns where it is
     * among the jobs added ({@link #tag}), -1 when it is dropped.
     */
    int add(Job j, long origin, String tag) {
        if (j.submit() == null) {
            dropped.add(new Dropped(j.jobId(), "submit time unknown"));
            return -1;
        }
        if (j.elapsedS() == null) {
            dropped.add(new Dropped(j.jobId(), "run time unknown"));
            return -1;
        }
        Integer cpus = j.allocCpus() != null && j.allocCpus() > 0 ? j.allocCpus() : j.reqCpus();
        if (cpus == null || cpus <= 0) {
            dropped.add(new Dropped(j.jobId(), "processor count unknown"));
            return -1;
        }
        long runtime = j.elapsedS();
        long limit;
        if (j.timelimitS() == null || j.timelimitS() <= 0) {
            limit = runtime;
            noLimit++;
        } else {
            limit = j.timelimitS();
        }
        if (runtime > limit) pastLimit++;
        int nodes = j.allocNodes() != null && j.allocNodes() > 0 ? j.allocNodes() : 0;
        long mem = 0;
        if (withMemory) {
            Long m = j.reqMemBytes() != null ? j.reqMemBytes() : j.allocMemBytes();
            mem = m == null || m < 0 ? 0 : m;
        }
        long gpus = j.allocGpus() == null || j.allocGpus() < 0 ? 0 : j.allocGpus();
        int at = builder.size();
        builder.add(j.jobId(), j.submit().getEpochSecond() - origin, limit, runtime, nodes, cpus, mem, gpus, j.user(),
                j.partition(), tag);
        return at;
    }

    /** Tags the job {@link #add} put at {@code index} anew (null: no tag). */
    void tag(int index, String tag) {
        builder.tag(index, tag);
    }

    void drop(String id, String reason) {
        dropped.add(new Dropped(id, reason));
    }

    List<Dropped> dropped() {
        return dropped;
    }

    Workload build() {
        return builder.build();
    }

    List<String> notes() {
        List<String> out = new ArrayList<>();
        if (noLimit > 0) out.add(noLimit + " jobs have no requested time limit: their runtime stands in for it");
        if (pastLimit > 0) out.add(pastLimit + " jobs ran longer than their limit: the simulation ends them at it");
        if (!dropped.isEmpty()) out.add(dropped.size() + " records cannot be simulated and are left out (see dropped)");
        return out;
    }
}
