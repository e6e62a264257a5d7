package dev.reckon.place;

import java.nio.file.Path;
import java.util.List;

/**
 * One place work may go, as the providers file describes it (format: {@code docs/place.md}). What it answers for a
 * job is an {@link Offer}, worked out from its live state by {@link SlurmOffers}, {@link KueueOffers} or
 * {@link CloudOffers}.
 */
public sealed interface Provider permits Provider.Slurm, Provider.Kueue, Provider.Cloud {
    /** Its name: unique in the file. */
    String name();

    /** {@code slurm}, {@code kueue} or {@code cloud}. */
    String kind();

    /** The line of the file that describes it (0 when it comes from elsewhere). */
    long line();

    /**
     * A Slurm cluster this host reaches ({@code sinfo}, {@code squeue}, {@code scontrol}, {@code sbatch} with
     * {@code -M CLUSTER}).
     *
     * @param cluster      the cluster's name as Slurm knows it (default: the provider's name)
     * @param partition    the partition to submit to, or null for the cluster's default
     * @param cpuHourPrice what one CPU-hour costs there (0: the site's own cluster)
     * @param gpuHourPrice what one GPU-hour costs there
     */
    record Slurm(String name, long line, String cluster, String partition, double cpuHourPrice, double gpuHourPrice)
            implements Provider {
        @Override
        public String kind() {
            return "slurm";
        }
    }

    /**
     * A Kubernetes cluster with Kueue, read from {@code kubectl get clusterqueues,localqueues,workloads -A -o json}.
     *
     * @param saved        a saved output of that command instead of asking kubectl; null: live
     * @param context      the kubectl context (live only), or null for kubectl's current one
     * @param queue        the LocalQueue jobs go to, {@code namespace/name}
     * @param runtimeS     how long a workload is assumed to run once admitted when it names no
     *                     {@code maximumExecutionTimeSeconds}: Kueue does not know how long work runs
     * @param gpuResource  the resource name GPUs are requested by (default {@code nvidia.com/gpu})
     * @param cpuHourPrice what one CPU-hour costs there (0: the site's own cluster)
     * @param gpuHourPrice what one GPU-hour costs there
     */
    record Kueue(String name, long line, Path saved, String context, String queue, long runtimeS, String gpuResource,
                 double cpuHourPrice, double gpuHourPrice) implements Provider {
        @Override
        public String kind() {
            return "kueue";
        }
    }

    /**
     * A cloud pool: instances of the shapes listed, each started on demand.
     *
     * @param startupS     how long an instance takes to start, seconds
     * @param maxInstances the most instances the pool may hold at once
     * @param inUse        instances already running (of the cap)
     * @param shapes       the instance shapes, at least one
     */
    record Cloud(String name, long line, long startupS, int maxInstances, int inUse, List<Shape> shapes)
            implements Provider {
        public Cloud {
            shapes = List.copyOf(shapes);
        }

        @Override
        public String kind() {
            return "cloud";
        }
    }

    /**
     * A cloud instance shape.
     *
     * @param pricePerHour what one instance costs per hour
     */
    record Shape(String name, int cpus, long memBytes, int gpus, double pricePerHour) {}
}
