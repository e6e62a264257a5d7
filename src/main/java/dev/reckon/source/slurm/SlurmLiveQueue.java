package dev.reckon.source.slurm;

import dev.reckon.source.LiveQueue;

/** The live queue from this host's Slurm: {@code squeue}, {@code scontrol show node -o}, {@code scontrol show job -d -o} and
 * {@code scontrol show config}, read-only. */
public final class SlurmLiveQueue implements LiveQueue {
    private final SlurmCommands commands;

    public SlurmLiveQueue(SlurmCommands commands) {
        this.commands = commands;
    }

    @Override
    public String queue() {
        return String.join("\n", commands.squeue("--all", "--states=PENDING,RUNNING,CONFIGURING,COMPLETING",
                "-O", SQUEUE_FIELDS)) + "\n";
    }

    @Override
    public String jobDetails() {
        return commands.scontrol("show", "job", "-d", "-o");
    }

    @Override
    public String config() {
        return commands.scontrol("show", "config");
    }

    @Override
    public String nodes() {
        return commands.scontrol("show", "node", "-o");
    }
}
