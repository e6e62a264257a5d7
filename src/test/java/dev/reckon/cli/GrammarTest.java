package dev.reckon.cli;

import dev.reckon.core.Times;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One duration and time grammar for every option, charter field and config value. */
class GrammarTest {
    @TempDir
    Path dir;

    @Test
    void oneDurationGrammarForEveryOption() {
        Cli cli = new Cli(dir).withEmptyLedger();
        Cli.Result grace = cli.run("reclaim", "--grace", "2w", "--since", "2w");
        assertEquals(0, grace.exit(), "--grace 2w works where --since 2w does: " + grace);
        Cli.Result bad = cli.run("reclaim", "--grace", "2 fortnights");
        assertEquals(Main.EXIT_USAGE, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("--grace") && bad.err().contains("is not a duration"), bad.err());
    }

    @Test
    void everyDurationFormReadsTheSame() {
        assertEquals(Duration.ofDays(14), Times.duration("2w"));
        assertEquals(Duration.ofDays(14), Times.duration("14d"));
        assertEquals(Duration.ofDays(14), Times.duration("14-00:00:00"));
        assertEquals(Duration.ofMinutes(90), Times.duration("90m"));
        assertEquals(Duration.ofMinutes(90), Times.duration("01:30:00"));
        assertEquals(Duration.ofSeconds(45), Times.duration("45 S"));
        assertNull(Times.duration("90"), "a bare number has no unit");
        assertNull(Times.duration("soon"));
        Instant now = Instant.parse("2026-03-10T12:00:00Z");
        assertEquals(Instant.parse("2026-02-24T12:00:00Z"), Times.instant("2w", now, ZoneOffset.UTC));
        assertEquals(Instant.parse("2026-03-02T00:00:00Z"), Times.instant("2026-03-01", now, ZoneOffset.UTC, true));
        assertNull(Times.instant("2w", null, ZoneOffset.UTC), "a file's times are absolute");
        assertTrue(Times.TIME_HINT.contains("7d"));
    }
}
