package dev.reckon.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The live state of a cluster's queue, as the scheduler's own tools print it: the jobs it holds (pending and
 * running) and its nodes. Implemented by the Slurm CLI ({@code source.slurm.SlurmLiveQueue}) and by saved outputs
 * ({@link #saved}), which is how tests and offline analyses feed it.
 */
public interface LiveQueue {
    /**
     * The {@code squeue -O} fields {@link #queue()} prints, each followed by {@code |}: job id (an array's as
     * {@code 105_[1-6%2]} while pending, {@code 105_1} for a task; a plain {@code JobID} column is read too), state, partition,
     * user, priority, submit time, time limit, time used, nodes, CPUs, minimum memory, allocated (for pending jobs:
     * requested) TRES, TRES per node, and last the job name (last, as a name may hold a {@code |}; output saved
     * without it still reads).
     */
    String SQUEUE_FIELDS = "JobArrayID:|,State:|,Partition:|,UserName:|,PriorityLong:|,SubmitTime:|,TimeLimit:|,"
            + "TimeUsed:|,NumNodes:|,NumCPUs:|,MinMemory:|,tres-alloc:|,tres-per-node:|,OverSubscribe:|,Name:|";

    /** {@code squeue --noheader --all -O SQUEUE_FIELDS}: one line per pending or running job. */
    String queue();

    /** {@code scontrol show node -o}: one line per node. */
    String nodes();

    /**
     * {@code scontrol show job -d -o}: one line per job, with where each running job sits (its CPUs and memory per
     * node) and how each asked for its CPUs; null where the source does not give it (saved outputs). Read after
     * {@link #queue()}, so that a job squeue shows running is placed here too.
     */
    default String jobDetails() {
        return null;
    }

    /** {@code scontrol show config}: the scheduler's settings; null where the source does not give them. */
    default String config() {
        return null;
    }

    /** Where {@link #queue()}'s text came from, for messages ({@code squeue}, a file name). */
    default String queueName() {
        return "squeue";
    }

    /** Where {@link #nodes()}'s text came from, for messages. */
    default String nodesName() {
        return "scontrol show node";
    }

    /** Saved outputs of the two commands. */
    static LiveQueue saved(Path squeueOutput, Path scontrolNodes) throws IOException {
        String q = Files.readString(squeueOutput, StandardCharsets.UTF_8);
        String n = Files.readString(scontrolNodes, StandardCharsets.UTF_8);
        return new LiveQueue() {
            @Override
            public String queue() {
                return q;
            }

            @Override
            public String nodes() {
                return n;
            }

            @Override
            public String queueName() {
                return squeueOutput.toString();
            }

            @Override
            public String nodesName() {
                return scontrolNodes.toString();
            }
        };
    }
}
