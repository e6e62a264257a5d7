package dev.reckon.report;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableTest {
    @Test
    void columnsArePaddedAndNumbersRightAligned() {
        String s = new Table("NAME", "N>").row("a", 5).row("longer", 123).render();
        assertEquals("NAME      N\na         5\nlonger  123\n", s);
    }

    @Test
    void unknownCellsShowADash() {
        assertEquals("A  B\n-  x\n", new Table("A", "B").row(null, "x").render());
    }

    @Test
    void aStreamingTableWithFewRowsPrintsWhatRenderWould() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Table t = new Table("NAME", "N>").streamingTo(new PrintStream(out, true, StandardCharsets.UTF_8), 10);
        t.row("a", 5).row("longer", 123).finish();
        assertEquals("NAME      N\na         5\nlonger  123\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aStreamingTablePrintsLaterRowsAsTheyComeWithTheWidthsOfTheFirst() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Table t = new Table("NAME", "N>").streamingTo(new PrintStream(out, true, StandardCharsets.UTF_8), 2);
        t.row("ab", 1).row("abc", 22);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals("NAME   N\nab     1\nabc   22\n", printed, "printed once two rows are held");
        t.row("x", 3);
        assertTrue(out.toString(StandardCharsets.UTF_8).endsWith("x      3\n"), out.toString(StandardCharsets.UTF_8));
        t.finish();
        assertEquals(3, t.size());
    }
}
