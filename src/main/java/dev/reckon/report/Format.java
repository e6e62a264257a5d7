package dev.reckon.report;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How figures read on a terminal: Slurm-style durations, binary sizes, percentages, local times. */
public final class Format {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private Format() {}

    /** {@code [D-]HH:MM:SS}, as Slurm prints durations; {@code -} when unknown. */
    public static String duration(Number seconds) {
        if (seconds == null) return "-";
        long s = Math.round(seconds.doubleValue());
        long d = s / 86400;
        s %= 86400;
        String hms = String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
        return d > 0 ? d + "-" + hms : hms;
    }

    /** A size in binary units with two decimals above bytes: {@code 1.50 GiB}; {@code -} when unknown. */
    public static String bytes(Long b) {
        if (b == null) return "-";
        double v = b;
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        int u = 0;
        while (Math.abs(v) >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? b + " B" : String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }

    /** A fraction as a percentage with one decimal: {@code 45.2%}; {@code -} when unknown. */
    public static String percent(Double fraction) {
        return fraction == null ? "-" : String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }

    /** A quantity with one decimal below 100 and none above. */
    public static String number(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** A local wall-clock time as Slurm prints it; {@code -} when unknown. */
    public static String time(Instant t, ZoneId zone) {
        return t == null ? "-" : LOCAL.format(t.atZone(zone));
    }

    /** ISO-8601 with the zone's offset, for JSON: {@code 2023-04-01T12:00:00+02:00}; null when unknown. */
    public static String isoTime(Instant t, ZoneId zone) {
        return t == null ? null : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atZone(zone));
    }

    public static String orDash(Object o) {
        return o == null || o.toString().isEmpty() ? "-" : o.toString();
    }
}
