package dev.reckon.act;

import dev.reckon.source.slurm.SlurmCommands;

import java.util.Objects;

/** Acting for real: notices through {@link Notices}, holds with {@code scontrol hold}, cancellations with {@code scancel}. */
public final class SlurmJobActions implements JobActions {
    private final Notices notices;
    private final SlurmCommands slurm;

    /** @param notices where notices go; null when this run sends none (a notice then fails, saying so) */
    public SlurmJobActions(Notices notices, SlurmCommands slurm) {
        this.notices = notices;
        this.slurm = Objects.requireNonNull(slurm, "slurm");
    }

    @Override
    public String notify(String recipient, String payload) throws Exception {
        if (notices == null) throw new IllegalStateException("no channel for notices (give --webhook or --mail-command)");
        return notices.send(recipient, payload);
    }

    @Override
    public String hold(String cluster, String jobId) {
        String out = slurm.scontrol("hold", jobId).strip();
        return "scontrol hold " + jobId + (out.isEmpty() ? "" : ": " + out);
    }

    @Override
    public String cancel(String cluster, String jobId) {
        slurm.scancel(jobId);
        return "scancel " + jobId;
    }
}
