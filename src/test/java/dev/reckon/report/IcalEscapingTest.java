package dev.reckon.report;

import dev.reckon.exits.Calendar;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A calendar from hostile charter fields stays one well-formed RFC 5545 file: every value escaped, lines folded. */
class IcalEscapingTest {
    static final Instant AT = Instant.parse("2026-03-01T08:00:00Z");

    private static String calendar(String charter, String owner, String summary) {
        return Ical.write(List.of(new Calendar.Stop(AT, charter, owner, Calendar.Kind.WINDOW_END, summary)), AT);
    }

    /** The file's lines unfolded (RFC 5545 3.1), after checking every line ends CRLF and none exceeds 75 octets. */
    private static List<String> unfolded(String ics) {
        assertTrue(ics.endsWith("\r\n"), ics);
        for (int i = 0; i < ics.length(); i++) {
            if (ics.charAt(i) == '\r') assertEquals('\n', ics.charAt(i + 1), "a bare CR at " + i + ": " + ics);
            if (ics.charAt(i) == '\n') assertEquals('\r', ics.charAt(i - 1), "a bare LF at " + i + ": " + ics);
        }
        for (String line : ics.split("\r\n")) {
            assertTrue(line.getBytes(StandardCharsets.UTF_8).length <= 75, "longer than 75 octets: " + line);
            for (char c : line.toCharArray()) assertFalse(c < 0x20 && c != '\t' || c == 0x7f, "a control in " + line);
        }
        return List.of(ics.replace("\r\n ", "").split("\r\n"));
    }

    private static String value(List<String> lines, String name) {
        return lines.stream().filter(l -> l.startsWith(name + ":")).findFirst().orElseThrow().substring(name.length() + 1);
    }

    @Test
    void anOwnerWithABareCarriageReturnCannotStartAProperty() {
        List<String> lines = unfolded(calendar("vision", "alice\rATTENDEE:mailto:evil@example.org", "window ends"));
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("ATTENDEE")), String.join("\n", lines));
        assertEquals("charter vision\\, owner alice\\nATTENDEE:mailto:evil@example.org: window-end",
                value(lines, "DESCRIPTION"));
    }

    @Test
    void lineBreaksSemicolonsCommasAndBackslashesAreEscaped() {
        List<String> lines = unfolded(calendar("a;b", "o", "one\r\ntwo\nthree; four, five \\ six"));
        assertEquals("one\\ntwo\\nthree\\; four\\, five \\\\ six", value(lines, "SUMMARY"));
        assertTrue(value(lines, "UID").contains("a\\;b"), value(lines, "UID"));
    }

    @Test
    void escapeSequencesAreShownNotKept() {
        List<String> lines = unfolded(calendar("x", "\u001b]0;owned\u0007", "\u001b[31mred\u001b[0m\u009b2J"));
        assertEquals("^[[31mred^[[0m\\\\u009b2J", value(lines, "SUMMARY"));
        assertTrue(value(lines, "DESCRIPTION").contains("^[]0\\;owned^G"), value(lines, "DESCRIPTION"));
    }

    @Test
    void longAndMultiByteValuesFoldAt75OctetsNeverInsideACharacter() {
        String summary = "<script>alert(1)</script> | -rf ".repeat(5) + "ålö".repeat(40) + "\u001b".repeat(30);
        List<String> lines = unfolded(calendar("long", "o", summary));
        assertTrue(value(lines, "SUMMARY").startsWith("<script>alert(1)</script> | -rf "), value(lines, "SUMMARY"));
        assertTrue(value(lines, "SUMMARY").endsWith("^[".repeat(30)), value(lines, "SUMMARY"));
    }
}
