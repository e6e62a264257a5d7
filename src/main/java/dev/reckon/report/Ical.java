package dev.reckon.report;

import dev.reckon.exits.Calendar;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The plan of stops as an iCalendar file (RFC 5545) that calendars can subscribe to: one VEVENT per stop, in UTC,
 * with a UID that stays the same from one run to the next (charter and kind of stop) so that a subscribed calendar
 * moves a stop rather than adding a second one. Lines end in CRLF, are folded at 75 octets, and text is escaped.
 */
public final class Ical {
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private Ical() {}

    /** The calendar; {@code stamp} is its DTSTAMP (the moment it was made). */
    public static String write(List<Calendar.Stop> stops, Instant stamp) {
        StringBuilder b = new StringBuilder();
        line(b, "BEGIN:VCALENDAR");
        line(b, "VERSION:2.0");
        line(b, "PRODID:-//reckon//exits//EN");
        line(b, "CALSCALE:GREGORIAN");
        line(b, "X-WR-CALNAME:reckon planned stops");
        for (Calendar.Stop s : stops) {
            line(b, "BEGIN:VEVENT");
            line(b, "UID:" + text(s.kind().word() + "." + s.charter() + "@reckon"));
            line(b, "DTSTAMP:" + UTC.format(stamp));
            line(b, "DTSTART:" + UTC.format(s.at()));
            line(b, "DTEND:" + UTC.format(s.at().plusSeconds(1800)));
            line(b, "SUMMARY:" + text(s.summary()));
            line(b, "DESCRIPTION:" + text("charter " + s.charter() + ", owner " + s.owner() + ": " + s.kind().word()));
            line(b, "CATEGORIES:" + text(s.kind().word()));
            line(b, "TRANSP:TRANSPARENT");
            line(b, "END:VEVENT");
        }
        line(b, "END:VCALENDAR");
        return b.toString();
    }

    /**
     * A TEXT value escaped (RFC 5545 3.3.11: backslash, semicolon, comma; a line break, CRLF, LF or a bare CR, as
     * {@code \n}); the other control characters, which TEXT may not hold, shown in caret notation.
     */
    static String text(String s) {
        if (s == null) return "";
        String t = Terminal.visible(s.replace("\r\n", "\n").replace('\r', '\n'), true);
        return t.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n");
    }

    /** Appends one content line, folded so that no physical line exceeds 75 octets (never inside a character). */
    static void line(StringBuilder b, String content) {
        int octets = 0;
        int limit = 75;
        for (int i = 0; i < content.length(); ) {
            int cp = content.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (octets + n > limit) {
                b.append("\r\n ");
                octets = 1;
            }
            b.appendCodePoint(cp);
            octets += n;
            i += Character.charCount(cp);
        }
        b.append("\r\n");
    }
}
