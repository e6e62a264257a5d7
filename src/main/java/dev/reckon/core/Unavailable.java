package dev.reckon.core;

/** A service reckon needs (Slurm's commands, a database server) is missing or refused. Exit 69 on the command line. */
public final class Unavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Unavailable(String message) {
        super(message, null, false, false);
    }
}
