package dev.reckon.source.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** What SlurmCommands does around any command; needs no Slurm (it runs ordinary programs). */
class SlurmCommandsTest {
    private final SlurmCommands commands = new SlurmCommands();

    @Test
    void aMissingCommandSaysSlurmIsNotInstalled() {
        SlurmCommandException e = assertThrows(SlurmCommandException.class,
                () -> commands.run("reckon-no-such-slurm-command", "--version"));
        assertEquals("reckon-no-such-slurm-command not found: is Slurm installed?", e.getMessage());
    }

    @Test
    void aFailingCommandIsReportedOnOneLineWithItsStandardError() {
        SlurmCommandException e = assertThrows(SlurmCommandException.class,
                () -> commands.run("sh", "-c", "echo first >&2; echo second >&2; exit 4"));
        assertEquals("sh failed (exit 4): sh -c echo first >&2; echo second >&2; exit 4: first; second",
                e.getMessage());
    }

    @Test
    void standardOutputIsReturned() {
        assertEquals("a|b\n", commands.run("printf", "a|b\\n"));
    }

    @Test
    void aCommandOverItsTimeoutIsStopped() {
        SlurmCommands impatient = new SlurmCommands(Duration.ofMillis(300), ZoneOffset.UTC);
        SlurmCommandException e = assertThrows(SlurmCommandException.class, () -> impatient.run("sleep", "30"));
        assertTrue(e.getMessage().startsWith("sleep timed out after "), e.getMessage());
    }

    @Test
    void slurmTimesAreLocalWallClockTimesInTheGivenZone() {
        Instant instant = Instant.parse("2026-03-01T12:34:56.789Z");
        assertEquals("2026-03-01T12:34:56", SlurmCommands.slurmTime(instant, ZoneOffset.UTC));
        assertEquals("2026-03-01T18:04:56", SlurmCommands.slurmTime(instant, ZoneId.of("Asia/Kolkata")));
        assertEquals("2026-03-01T07:34:56", SlurmCommands.slurmTime(instant, ZoneId.of("America/New_York")));
    }

    @Test
    void commandsSeeTheSameZoneTheTimesAreWrittenIn() {
        Instant instant = Instant.parse("2026-07-01T12:00:00Z");
        for (ZoneId zone : new ZoneId[] {ZoneOffset.UTC, ZoneOffset.ofHoursMinutes(5, 30), ZoneOffset.ofHours(-7),
                ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York")}) {
            String printed = new SlurmCommands(SlurmCommands.DEFAULT_TIMEOUT, zone)
                    .run("date", "-d", "@" + instant.getEpochSecond(), "+%Y-%m-%dT%H:%M:%S").strip();
            assertEquals(SlurmCommands.slurmTime(instant, zone), printed, "zone " + zone);
        }
    }

    @Test
    void aWindowThatEndsBeforeItStartsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> commands.sacct(
                Instant.parse("2026-01-02T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"), "JobID"));
    }
}
