package dev.reckon.report;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Names, users, states and reasons reach a terminal shown, never obeyed: no escape sequence or stray line break. */
class TableEscapingTest {
    static final String ESC = "\u001b[2J\u001b]0;owned\u0007";
    static final String[] HOSTILE = {ESC, "half\rway", "two\nlines", "<script>alert(1)</script>", "a|b", "-rf",
            "\u009b31m", "abc\u202edcba", "del\u007f"};

    private static void assertNoControls(String s) {
        for (char c : s.toCharArray()) {
            assertFalse(c < 0x20 && c != '\n' || c >= 0x7f && c <= 0x9f || c >= 0x202a && c <= 0x202e,
                    "control U+" + Integer.toHexString(c) + " in: " + s);
        }
    }

    @Test
    void cellsAreShownInCaretNotationAndTheLayoutHolds() {
        Table t = new Table("NAME", "USER", "HOURS>");
        for (String h : HOSTILE) t.row(h, h, 1.5);
        String out = t.render();
        assertNoControls(out);
        assertEquals(HOSTILE.length + 1, out.lines().count(), out);
        assertTrue(out.contains("^[[2J^[]0;owned^G"), out);
        assertTrue(out.contains("half^Mway") && out.contains("two^Jlines") && out.contains("del^?"), out);
        assertTrue(out.contains("\\u009b31m") && out.contains("abc\\u202edcba"), out);
        assertTrue(out.contains("<script>alert(1)</script>") && out.contains("-rf"), "text is shown as it is: " + out);
        int width = out.lines().findFirst().orElseThrow().length();
        out.lines().skip(1).forEach(l -> assertEquals(width, l.length(), "column widths hold: " + out));
    }

    @Test
    void aStreamingTableEscapesTheRowsItPrintsAtOnce() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Table t = new Table("JOB", "NAME").streamingTo(ps, 2);
        for (int i = 0; i < 5; i++) t.row(i, HOSTILE[i % HOSTILE.length]);
        t.finish();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertNoControls(out);
        assertEquals(6, out.lines().count(), out);
    }

    @Test
    void textOutsideTablesKeepsItsLinesAndShowsTheRest() {
        assertEquals("a\nb^M^[[31m", Table.plain("a\nb\r\u001b[31m"));
    }

    @Test
    void theDoorsGuardShowsWhateverIsPrintedAndKeepsCrlf() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream raw = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        PrintStream guarded = Terminal.guard(raw);
        guarded.println("job " + ESC + " of \u00e5sa\u202e, state half\rway \u009b");
        guarded.print("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
        guarded.print("trailing\r");
        Terminal.finish(guarded);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals("job ^[[2J^[]0;owned^G of \u00e5sa\\u202e, state half^Mway \\u009b\n"
                + "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\ntrailing^M", out);
    }
}
