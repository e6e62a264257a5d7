package dev.reckon.sim;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The simulated machine: groups of identical nodes, each group in zero or more partitions.
 *
 * <p>A job runs inside one group. Within a group, cores, memory and GPUs are pooled: a job takes its cores, memory
 * and GPUs from the group's totals, and fits the group when it asks for no more nodes than the group has and no more
 * per node (its request divided by its node count, rounded up) than one node offers. Which node within the group
 * holds which job, and so fragmentation inside a group, is not modelled.
 *
 * @param groups the node groups, in the order jobs try them
 */
public record Machine(List<Group> groups) {

    /**
     * One group of identical nodes.
     *
     * @param name       a name for reports
     * @param nodes      how many nodes
     * @param cores      cores per node
     * @param memBytes   memory per node, bytes (0: memory is not modelled for this group)
     * @param gpus       GPUs per node
     * @param partitions the partitions the group's nodes belong to; empty: every job may use it
     */
    public record Group(String name, int nodes, int cores, long memBytes, int gpus, Set<String> partitions) {
        public Group {
            if (nodes < 0 || cores < 1 || memBytes < 0 || gpus < 0) {
                throw new IllegalArgumentException("node group " + name + ": nodes >= 0, cores >= 1, memory and GPUs >= 0");
            }
            partitions = partitions == null ? Set.of() : Set.copyOf(new LinkedHashSet<>(partitions));
        }

        public long totalCores() {
            return (long) nodes * cores;
        }

        public long totalMem() {
            return nodes * memBytes;
        }

        public long totalGpus() {
            return (long) nodes * gpus;
        }
    }

    public Machine {
        groups = List.copyOf(groups);
        if (groups.isEmpty()) throw new IllegalArgumentException("a machine needs at least one node group");
        if (groups.size() > 62) throw new IllegalArgumentException("at most 62 node groups");
    }

    /** A homogeneous machine without partitions. */
    public static Machine of(int nodes, int coresPerNode, long memPerNode, int gpusPerNode) {
        return new Machine(List.of(new Group("nodes", nodes, coresPerNode, memPerNode, gpusPerNode, Set.of())));
    }

    public long totalCores() {
        long c = 0;
        for (Group g : groups) c += g.totalCores();
        return c;
    }

    public long totalNodes() {
        long c = 0;
        for (Group g : groups) c += g.nodes();
        return c;
    }

    /** Whether any group names partitions; if none does, partitions are not modelled. */
    public boolean hasPartitions() {
        for (Group g : groups) if (!g.partitions().isEmpty()) return true;
        return false;
    }

    /**
     * This machine with every group's node count scaled by {@code percent} (10 gives 10% more nodes, -10 fewer),
     * rounded to the nearest node; a group never drops below one node unless it had none.
     */
    public Machine scaled(double percent) {
        List<Group> out = new ArrayList<>();
        for (Group g : groups) {
            int n = (int) Math.round(g.nodes() * (1 + percent / 100.0));
            if (g.nodes() > 0) n = Math.max(1, n);
            out.add(new Group(g.name(), n, g.cores(), g.memBytes(), g.gpus(), g.partitions()));
        }
        return new Machine(out);
    }

    /** This machine with one more node in its largest group (the "+N%" of a small machine that rounds to none). */
    public Machine plusOneNode() {
        int largest = 0;
        for (int i = 1; i < groups.size(); i++) if (groups.get(i).nodes() > groups.get(largest).nodes()) largest = i;
        List<Group> out = new ArrayList<>(groups);
        Group g = out.get(largest);
        out.set(largest, new Group(g.name(), g.nodes() + 1, g.cores(), g.memBytes(), g.gpus(), g.partitions()));
        return new Machine(out);
    }

    /** One line per group: {@code n[1-120]: 120 nodes x 2 cores, 4.0 GiB, 2 GPUs [partitions]}. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (Group g : groups) {
            if (!b.isEmpty()) b.append("; ");
            b.append(g.name()).append(": ").append(g.nodes()).append(g.nodes() == 1 ? " node x " : " nodes x ").append(g.cores()).append(" cores");
            if (g.memBytes() > 0) b.append(", ").append(String.format(java.util.Locale.ROOT, "%.1f GiB", g.memBytes() / (double) (1L << 30)));
            if (g.gpus() > 0) b.append(", ").append(g.gpus()).append(" GPUs");
            if (!g.partitions().isEmpty()) b.append(" ").append(g.partitions());
        }
        return b.toString();
    }
}
