package dev.reckon.place;

import java.util.List;

/**
 * A placed job's submission to the chosen provider.
 *
 * @param provider the provider's name, or null when none was chosen
 * @param cluster  the Slurm cluster ({@code sbatch -M}), or null when nothing could be submitted
 * @param command  the sbatch command line, as run or as it would run (empty when none)
 * @param applied  whether it was run
 * @param jobId    the new job's id; null unless applied
 * @param key      the key claimed in the ledger, so that a submission is sent once
 * @param outcome  what happened, in words
 */
public record Submission(String provider, String cluster, List<String> command, boolean applied, String jobId,
                         String key, String outcome) {
    public Submission {
        command = List.copyOf(command);
    }
}
