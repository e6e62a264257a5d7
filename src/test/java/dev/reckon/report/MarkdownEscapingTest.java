package dev.reckon.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Markdown from hostile names (review, exits, rightsize, optimise all build theirs from {@link Table}). */
class MarkdownEscapingTest {

    @Test
    void htmlInACellIsShownNotLiveAndAPipeCannotSplitTheCell() {
        Table t = new Table("NAME", "OWNER");
        t.row("<script>alert(1)</script>", "a|b");
        t.row("x\\|y", "two\nlines\r\u001b[31m");
        String md = t.markdown();
        assertFalse(md.contains("<script>"), md);
        assertTrue(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), md);
        assertTrue(md.contains("a\\|b"), md);
        assertTrue(md.contains("x\\\\\\|y"), "a backslash cannot unescape the pipe: " + md);
        assertTrue(md.contains("two^Jlines^M^[[31m"), md);
        for (String line : md.split("\n")) {
            assertEquals(3, line.replace("\\\\", "").replace("\\|", "").chars().filter(c -> c == '|').count(),
                    "every row has its two cells: " + line);
        }
        assertEquals(4, md.split("\n").length, md);
    }

    @Test
    void textOutsideTablesIsEscapedToo() {
        assertEquals("&lt;img src=x onerror=alert(1)&gt; &amp; ^[[2J", Table.escapeMarkdown("<img src=x onerror=alert(1)> & \u001b[2J"));
    }

    @Test
    void jsonShowsControlCharactersAsUnicodeEscapes() {
        String json = dev.reckon.core.Json.write(java.util.Map.of("name", "\u001b[2J\r\n<script>"));
        assertFalse(json.chars().anyMatch(c -> c == 0x1b || c == '\r'), json);
        assertTrue(json.contains("\\u001B[2J\\r\\n<script>"), json);
    }
}
