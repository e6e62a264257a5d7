package dev.reckon.source.swf;

import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The header comments of an SWF trace: every {@code ; Key: value} line, plus the few keys the reader uses, typed.
 * A key that occurs more than once ({@code Note}, {@code Queue}, {@code Partition}) keeps all its values, joined by
 * a newline in file order; an indented comment line without a key of its own continues the value before it.
 * Header counts such as {@code MaxJobs} describe the log the trace was cut from and are kept, never checked.
 *
 * @param keys          every header key (as written, case kept) to its value (trimmed), in file order
 * @param maxNodes      {@code MaxNodes}, or {@code null} when absent or not a number
 * @param maxProcs      {@code MaxProcs}, or {@code null} when absent or not a number
 * @param unixStartTime {@code UnixStartTime}: the epoch second that submit times count from; {@code null} when absent
 * @param zone          {@code TimeZoneString} (or, failing that, the deprecated {@code TimeZone} offset in seconds);
 *                      informational only, since job instants are UTC
 */
public record SwfHeader(Map<String, String> keys, Integer maxNodes, Integer maxProcs, Long unixStartTime,
                        ZoneId zone) {

    public static final SwfHeader EMPTY = new SwfHeader(Map.of(), null, null, null, null);

    public SwfHeader {
        keys = keys == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }

    /**
     * Processors per node as the header tells it ({@code MaxProcs / MaxNodes}, rounded up), or {@code null} when either
     * is missing or not positive.
     */
    public Integer cpusPerNode() {
        if (maxNodes == null || maxProcs == null || maxNodes <= 0 || maxProcs <= 0) return null;
        return (maxProcs + maxNodes - 1) / maxNodes;
    }

    /** The value of one key, or {@code null}. */
    public String get(String key) {
        return keys.get(key);
    }
}
