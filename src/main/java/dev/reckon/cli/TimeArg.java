package dev.reckon.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * A point in time as users write it for {@code --since} / {@code --until}: {@code now}; an age such as
 * {@code 30m}, {@code 12h}, {@code 7d}, {@code 2w} (that long before now); a date {@code 2024-03-01} or local
 * time {@code 2024-03-01T08:00[:00]} in the display zone; or an ISO-8601 instant with offset.
 */
final class TimeArg {
    private TimeArg() {}

    static Instant parse(String text, Clock clock, ZoneId zone, String option) {
        String t = text.strip();
        if (t.equalsIgnoreCase("now")) return clock.instant();
        if (t.length() >= 2 && Character.isDigit(t.charAt(0)) && Character.isLetter(t.charAt(t.length() - 1))
                && t.substring(0, t.length() - 1).chars().allMatch(Character::isDigit)) {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            Duration d = switch (Character.toLowerCase(t.charAt(t.length() - 1))) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                case 'w' -> Duration.ofDays(7 * n);
                default -> throw new DateTimeParseException(option + ": unknown unit in \"" + t + "\" (use s, m, h, d or w)", t, 0);
            };
            return clock.instant().minus(d);
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException ignored) {
            // not an instant with offset: try local forms
        }
        try {
            if (t.length() == 10) return LocalDate.parse(t).atStartOfDay(zone).toInstant();
            return LocalDateTime.parse(t).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new DateTimeParseException(option + ": \"" + t
                    + "\" is not a time (try now, 7d, 12h, 2024-03-01 or 2024-03-01T08:00)", t, 0);
        }
    }
}
