package dev.reckon.model;

import java.util.Locale;

/**
 * A Slurm job or step state, reduced to its first word ({@code "CANCELLED by 123"} is {@link #CANCELLED}).
 * States this version does not know are kept as {@link #OTHER}; the job keeps the word itself.
 */
public enum JobState {
    PENDING, RUNNING, SUSPENDED, REQUEUED, RESIZING,
    COMPLETED, CANCELLED, FAILED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED, BOOT_FAIL, DEADLINE,
    REVOKED, SPECIAL_EXIT,
    OTHER;

    /** The first word of a state as sacct prints it, upper case, without a trailing {@code +}. */
    public static String word(String text) {
        if (text == null) return null;
        String t = text.strip();
        int sp = t.indexOf(' ');
        if (sp >= 0) t = t.substring(0, sp);
        while (t.endsWith("+")) t = t.substring(0, t.length() - 1);
        return t.toUpperCase(Locale.ROOT);
    }

    /** The state for a word (or whole state text); {@link #OTHER} for anything unknown, including truncated words. */
    public static JobState of(String text) {
        String w = word(text);
        if (w == null || w.isEmpty()) return OTHER;
        switch (w) {
            case "CA": case "CANCELED": return CANCELLED;
            case "CD": return COMPLETED;
            case "F": return FAILED;
            case "TO": return TIMEOUT;
            case "OOM": return OUT_OF_MEMORY;
            case "PD": return PENDING;
            case "R": return RUNNING;
            case "NF": return NODE_FAIL;
            case "PR": return PREEMPTED;
            case "BF": return BOOT_FAIL;
            case "DL": return DEADLINE;
            default:
                try {
                    return valueOf(w);
                } catch (IllegalArgumentException e) {
                    return OTHER;
                }
        }
    }

    /** True once the job can no longer change: it has ended one way or another. */
    public boolean isFinal() {
        return switch (this) {
            case PENDING, RUNNING, SUSPENDED, REQUEUED, RESIZING, OTHER -> false;
            default -> true;
        };
    }

    /** Ended without doing what it was asked: failed, timed out, killed for memory, node failure and the like. */
    public boolean isFailure() {
        return switch (this) {
            case FAILED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, BOOT_FAIL, DEADLINE -> true;
            default -> false;
        };
    }
}
