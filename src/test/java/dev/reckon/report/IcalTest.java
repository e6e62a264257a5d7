package dev.reckon.report;

import dev.reckon.exits.Calendar;
import dev.reckon.exits.Exits;
import dev.reckon.exits.ExitsTest;
import dev.reckon.model.Charter;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.component.VEvent;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan of stops, in date order, and as an iCalendar file that a real parser reads back. */
class IcalTest {
    static final Instant AT = ExitsTest.h(80); // over three days of burn: a projection stable enough for a calendar

    static List<Calendar.Stop> stops() {
        Charter burning = ExitsTest.charter("burning", 100, List.of("val_acc >= 0.9"), List.of("loss > 9"));
        Charter quiet = ExitsTest.charter("quiet, \"odd\"; name", 100, List.of("val_acc >= 0.9"), List.of("loss > 9"));
        List<Exits.Evaluation> es = Exits.evaluate(List.of(quiet, burning), List.of(ExitsTest.job("1", "burning",
                ExitsTest.S, null, 1)), id -> List.of(), AT, Exits.Options.DEFAULT);
        return Calendar.stops(es, AT);
    }

    @Test
    void stopsComeInDateOrderAndOnlyUpcomingOnes() {
        List<Calendar.Stop> s = stops();
        assertEquals(List.of("projected-exhaustion", "review-due", "review-due", "window-end", "window-end"),
                s.stream().map(x -> x.kind().word()).toList());
        assertEquals(ExitsTest.h(100), s.get(0).at());
        assertEquals(ExitsTest.S.plus(Duration.ofDays(14)), s.get(1).at());
        for (int i = 1; i < s.size(); i++) assertTrue(!s.get(i).at().isBefore(s.get(i - 1).at()));
        assertTrue(Calendar.stops(List.of(), AT).isEmpty());
    }

    @Test
    void theIcsFileIsValidRfc5545() throws Exception {
        String ics = Ical.write(stops(), AT);
        for (String line : ics.split("\r\n", -1)) {
            assertTrue(line.getBytes(StandardCharsets.UTF_8).length <= 75, "folded at 75 octets: " + line);
            assertTrue(!line.contains("\n") && !line.contains("\r"), "CRLF only");
        }
        assertTrue(ics.endsWith("END:VCALENDAR\r\n"));
        net.fortuna.ical4j.model.Calendar cal = new CalendarBuilder().build(new StringReader(ics));
        cal.validate();
        List<VEvent> events = cal.getComponents(Component.VEVENT);
        assertEquals(5, events.size());
        for (VEvent e : events) {
            assertTrue(e.getUid().getValue().endsWith("@reckon"));
            assertTrue(e.getDateStamp() != null);
        }
        assertTrue(events.stream().anyMatch(e -> e.getSummary().getValue().equals("quiet, \"odd\"; name: window ends (alice)")),
                "escaped text reads back as written");
    }

    @Test
    void longLinesAreFoldedWithoutSplittingACharacter() {
        StringBuilder b = new StringBuilder();
        Ical.line(b, "SUMMARY:" + "é".repeat(100));
        String[] lines = b.toString().split("\r\n");
        assertTrue(lines.length > 2);
        for (String l : lines) assertTrue(l.getBytes(StandardCharsets.UTF_8).length <= 75);
        assertEquals("SUMMARY:" + "é".repeat(100), b.toString().replace("\r\n ", "").strip());
    }
}
