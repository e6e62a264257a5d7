package dev.reckon.optimise;

/**
 * How a stage's work is cut into jobs and how each job is asked for.
 *
 * @param cpus         CPUs per job
 * @param memBytes     memory per job, bytes
 * @param gpus         GPUs per job (0 on the CPU lane)
 * @param timeS        time limit per job, seconds
 * @param partition    the partition; null: the cluster's default
 * @param shardsPerJob units of the stage's work each job does (its "tasks per job")
 * @param concurrency  at most this many of the stage's jobs at once (an array's {@code %N})
 */
public record Shape(int cpus, long memBytes, int gpus, long timeS, String partition, int shardsPerJob,
                    int concurrency) {
    public Shape {
        if (cpus < 1 || memBytes < 1 || gpus < 0 || timeS < 1 || shardsPerJob < 1 || concurrency < 1)
            throw new IllegalArgumentException("a shape needs cpus, memory, time, shards per job and concurrency >= 1");
    }

    public Lane lane() {
        return gpus > 0 ? Lane.GPU : Lane.CPU;
    }

    /** How many jobs the stage's {@code shards} units of work make in this shape. */
    public int jobs(int shards) {
        return (shards + shardsPerJob - 1) / shardsPerJob;
    }

    public Shape withCpus(int v) { return new Shape(v, memBytes, gpus, timeS, partition, shardsPerJob, concurrency); }
    public Shape withMem(long v) { return new Shape(cpus, v, gpus, timeS, partition, shardsPerJob, concurrency); }
    public Shape withGpus(int v) { return new Shape(cpus, memBytes, v, timeS, partition, shardsPerJob, concurrency); }
    public Shape withTime(long v) { return new Shape(cpus, memBytes, gpus, v, partition, shardsPerJob, concurrency); }
    public Shape withPartition(String v) { return new Shape(cpus, memBytes, gpus, timeS, v, shardsPerJob, concurrency); }
    public Shape withShardsPerJob(int v) { return new Shape(cpus, memBytes, gpus, timeS, partition, v, concurrency); }
    public Shape withConcurrency(int v) { return new Shape(cpus, memBytes, gpus, timeS, partition, shardsPerJob, v); }
}
