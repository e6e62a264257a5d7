package dev.reckon.place.study;

import dev.reckon.sim.Machine;

/**
 * One mock provider of a study's fleet: a Slurm-like cluster with its own background load, or a cloud pool with a
 * price, a start-up delay and a capacity cap.
 *
 * @param name           its name in the fleet ({@code centre-003})
 * @param kind           {@code slurm} or {@code cloud}
 * @param archetype      the archetype it was drawn from ({@code centre}, {@code lab}, {@code cloud})
 * @param nodes          nodes (a cloud pool: instances at the capacity cap)
 * @param coresPerNode   cores per node (instance)
 * @param gpusPerNode    GPUs per node (instance)
 * @param maxTimeS       the longest time limit it accepts, seconds (0: no maximum); longer jobs are RESTRICTED
 * @param coreHourPrice  price of one core for an hour (0 for a site's own cluster)
 * @param gpuHourPrice   price of one GPU for an hour
 * @param startupS       seconds from start to the job running (a cloud instance's boot), paid for
 * @param backgroundLoad the share of its cores other users' work keeps busy (0: none)
 */
public record Provider(String name, String kind, String archetype, int nodes, int coresPerNode, int gpusPerNode,
                       long maxTimeS, double coreHourPrice, double gpuHourPrice, long startupS,
                       double backgroundLoad) {
    public Provider {
        if (nodes < 1 || coresPerNode < 1 || gpusPerNode < 0 || maxTimeS < 0 || coreHourPrice < 0
                || gpuHourPrice < 0 || startupS < 0 || backgroundLoad < 0 || backgroundLoad >= 1) {
            throw new IllegalArgumentException("provider " + name + ": sizes, prices and load out of range");
        }
    }

    public long cores() {
        return (long) nodes * coresPerNode;
    }

    public long gpus() {
        return (long) nodes * gpusPerNode;
    }

    /** Its machine, for the simulator: one group of identical nodes, memory not modelled. */
    public Machine machine() {
        return Machine.of(nodes, coresPerNode, 0, gpusPerNode);
    }

    /** The nodes a job of {@code cores} spans here (as the simulator counts them for a job that names none). */
    long nodesFor(long cores) {
        return (cores + coresPerNode - 1) / coresPerNode;
    }

    /** Why the shape can never run here, or null when it can. */
    String incompatible(long cores, long gpus) {
        long n = nodesFor(cores);
        if (n > nodes) return "needs more nodes than it has";
        if (gpus > 0 && (gpus + n - 1) / n > gpusPerNode) return gpusPerNode == 0 ? "has no GPUs" : "too few GPUs per node";
        return null;
    }

    /** What running {@code cores} and {@code gpus} for {@code seconds} costs here. */
    double cost(long cores, long gpus, long seconds) {
        return (cores * coreHourPrice + gpus * gpuHourPrice) * seconds / 3600.0;
    }
}
