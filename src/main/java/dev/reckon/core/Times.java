package dev.reckon.core;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The one grammar of durations and times, for every option, charter field and config value.
 *
 * <p>A <b>duration</b> is a whole number with a unit, {@code 90s}, {@code 30m}, {@code 12h}, {@code 7d}, {@code 2w}
 * (case does not matter; a space between number and unit is allowed), or Slurm's form {@code [D-]HH:MM:SS},
 * {@code MM:SS}, {@code D-HH}, {@code D-HH:MM}. A bare number is not a duration (Slurm would read minutes; reckon asks
 * for the unit).
 *
 * <p>A <b>time</b> is {@code now}; an age, a duration before now ({@code 7d}, {@code 12h}, {@code 1-00:00:00}); a
 * date {@code 2024-03-01} (in the given zone: its start, or for an inclusive end the start of the next day); a local
 * time {@code 2024-03-01T08:00[:00]} or {@code 2024-03-01 08:00}; or an ISO-8601 time with an offset.
 */
public final class Times {
    /** Words that say how to write a duration, for messages. */
    public static final String DURATION_HINT = "30m, 12h, 7d, 2w or 1-00:00:00";
    /** Words that say how to write a time, for messages. */
    public static final String TIME_HINT = "now, 7d (ago), 2024-03-01 or 2024-03-01T08:00";

    private Times() {}

    /** The duration the text writes; null when it is not a duration in the grammar above (or negative). */
    public static Duration duration(String text) {
        if (text == null) return null;
        String t = text.strip();
        int n = t.length();
        if (n == 0) return null;
        char unit = Character.toLowerCase(t.charAt(n - 1));
        if ("smhdw".indexOf(unit) >= 0) {
            String num = t.substring(0, n - 1).strip();
            if (num.isEmpty() || num.length() > 12 || !num.chars().allMatch(c -> c >= '0' && c <= '9')) return null;
            long v = Long.parseLong(num);
            return switch (unit) {
                case 's' -> Duration.ofSeconds(v);
                case 'm' -> Duration.ofMinutes(v);
                case 'h' -> Duration.ofHours(v);
                case 'd' -> Duration.ofDays(v);
                default -> Duration.ofDays(7 * v);
            };
        }
        if (t.indexOf(':') < 0 && t.indexOf('-') < 0) return null;
        try {
            Long s = SlurmSyntax.durationSeconds(t);
            return s == null || s < 0 ? null : Duration.ofSeconds(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The time the text writes, ages counted back from {@code now}, dates and local times read in {@code zone}; a
     * date means its start, or the start of the next day when {@code endOfDay} (an inclusive end date). Null when the
     * text is not a time. With {@code now} null, only absolute times are read (as in a file: no {@code now}, no
     * ages).
     */
    public static Instant instant(String text, Instant now, ZoneId zone, boolean endOfDay) {
        if (text == null) return null;
        String t = text.strip();
        if (t.isEmpty()) return null;
        if (now != null && t.equalsIgnoreCase("now")) return now;
        if (now != null && (t.length() != 10 || t.charAt(4) != '-')) {
            Duration age = duration(t);
            if (age != null) return now.minus(age);
        }
        String iso = t.replace(' ', 'T');
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeException e) {
            // next shape
        }
        try {
            return LocalDateTime.parse(iso).atZone(zone).toInstant();
        } catch (DateTimeException e) {
            // next shape
        }
        try {
            LocalDate d = LocalDate.parse(t);
            return (endOfDay ? d.plusDays(1) : d).atStartOfDay(zone).toInstant();
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** {@link #instant(String, Instant, ZoneId, boolean)} for a start, or any single moment. */
    public static Instant instant(String text, Instant now, ZoneId zone) {
        return instant(text, now, zone, false);
    }

    /** A duration as reckon writes it back: {@code 14d}, {@code 36h}, {@code 90m}, {@code 45s}, else Slurm's form. */
    public static String text(Duration d) {
        long s = d.getSeconds();
        if (s == 0) return "0s";
        if (s % 86400 == 0) return s / 86400 + "d";
        if (s % 3600 == 0) return s / 3600 + "h";
        if (s % 60 == 0) return s / 60 + "m";
        if (s < 3600) return s + "s";
        return String.format(Locale.ROOT, "%d-%02d:%02d:%02d", s / 86400, (s / 3600) % 24, (s / 60) % 60, s % 60);
    }

    /** A moment as a file gives it back: a date where it falls on midnight in {@code zone}, else with its offset. */
    public static String text(Instant t, ZoneId zone, boolean endOfDay) {
        ZonedDateTime z = t.atZone(zone);
        if (z.toLocalTime().equals(java.time.LocalTime.MIDNIGHT))
            return (endOfDay ? z.toLocalDate().minusDays(1) : z.toLocalDate()).toString();
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(z);
    }
}
