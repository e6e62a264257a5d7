package dev.reckon.source.slurm;

/**
 * A Slurm command could not be run, timed out, or failed. The message is one line naming the command and, when it
 * failed, what it wrote to standard error, e.g. {@code sacct failed (exit 1): sacct --allusers ...: sacct: error: ...}.
 */
public final class SlurmCommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SlurmCommandException(String message) {
        super(message.replace('\n', ' ').replace('\r', ' '), null, false, false);
    }
}
