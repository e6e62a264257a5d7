package dev.reckon.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One reported result of an effort, e.g. {@code val_accuracy = 0.93} for charter {@code vision-2026} at a time,
 * usually written by a job's last line ({@code reckon metric}). Charters' success and failure conditions are read
 * over these.
 *
 * @param charter the charter's id
 * @param name    the metric's name ({@code loss}, {@code val_accuracy}, ...)
 * @param value   its value; finite
 * @param at      when it was reported (UTC)
 * @param jobId   the job that reported it, as sacct prints it ({@code 123}, {@code 123_4}); null when unknown
 * @param cluster the job's cluster; null when unknown
 * @param source  where the value came from: {@code env} (a job's environment), a file name, ...
 */
public record Metric(String charter, String name, double value, Instant at, String jobId, String cluster,
                     String source) {
    /**
     * The one syntax of a metric's name, for {@code reckon metric} and charter conditions alike: a letter or {@code _},
     * then letters, digits and {@code _ . : / -} ({@code loss}, {@code val/accuracy}, {@code train/loss}, {@code eval:f1}).
     */
    public static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_.:/-]{0,199}");
    /** How a metric name is written, for messages. */
    public static final String NAME_RULE = "letters, digits, _ . : / -, starting with a letter or _; at most 200 characters";

    /** Whether the text is a metric name in {@link #NAME}'s syntax. */
    public static boolean isName(String text) {
        return text != null && NAME.matcher(text).matches();
    }

    public Metric {
        Objects.requireNonNull(charter, "charter");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(source, "source");
        if (charter.isBlank()) throw new IllegalArgumentException("a metric needs a charter");
        if (name.isBlank()) throw new IllegalArgumentException("a metric needs a name");
        if (!Double.isFinite(value)) throw new IllegalArgumentException("metric " + name + " is not finite: " + value);
    }
}
