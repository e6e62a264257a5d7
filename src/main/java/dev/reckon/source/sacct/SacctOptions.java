package dev.reckon.source.sacct;

import java.time.ZoneId;
import java.util.List;

/**
 * How to read a sacct dump.
 *
 * @param delimiter      the field separator sacct was given ({@code --delimiter}); one or more characters, any
 *                       script; {@code null} means {@code "|"}
 * @param format         the {@code --format} list exactly as passed to sacct ({@code JobID,JobName%30,...}, as one
 *                       element or several), for output printed without a header ({@code -n}); {@code null} means
 *                       the first non-blank line is the header
 * @param zone           the time zone sacct printed times in (that of the host it ran on); {@code null} means this
 *                       machine's zone
 * @param defaultCluster the cluster of jobs whose line has no Cluster value; may be {@code null}
 */
public record SacctOptions(String delimiter, List<String> format, ZoneId zone, String defaultCluster) {

    public SacctOptions {
        if (delimiter == null) delimiter = "|";
        if (delimiter.isEmpty()) throw new IllegalArgumentException("the sacct delimiter must not be empty");
        if (delimiter.indexOf('\n') >= 0 || delimiter.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("the sacct delimiter must not contain a line break");
        }
        format = format == null ? null : List.copyOf(format);
        if (zone == null) zone = ZoneId.systemDefault();
    }

    /** {@code |}, header expected, this machine's time zone, no default cluster. */
    public static SacctOptions defaults() {
        return new SacctOptions("|", null, ZoneId.systemDefault(), null);
    }
}
