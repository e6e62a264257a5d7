package dev.reckon.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code reckon reclaim} says which running jobs it leaves alone, and why. */
class ReclaimSparedTest {
    @TempDir
    Path home;

    @Test
    void theRunningJobsLeftAloneAreListedAsSparedWithTheCharterThatDefendsThem() throws Exception {
        Cli cli = new Cli(home);
        cli.env.put("RECKON_NOW", "2026-11-04T12:00:00Z");
        Path charters = Files.createDirectories(home.resolve("charters"));
        Files.writeString(charters.resolve("llm-ft.yaml"), String.join("\n",
                "id: llm-ft", "purpose: Fine-tune the 7B model on support tickets.", "owner: alice",
                "budget: {gpu_hours: 100, cpu_hours: 1000}", "window: {start: 2026-10-01, end: 2026-12-31}",
                "success: val_accuracy >= 0.92", "failure: loss > 2.5 after 50 gpu_hours", "history:",
                "  - {date: 2026-11-01, status: active, note: reviewed}", ""));
        cli.env.put("RECKON_CHARTERS", charters.toString());
        assertEquals(0, cli.run("ingest", "sacct", Path.of(getClass().getResource("/sacct/review-charters.txt").toURI())
                .toString()).exit());
        Cli.Result r = cli.run("reclaim", "--since", "2026-11-02");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("notify hpc 121 carol: "), r.out());
        assertTrue(r.out().contains("spared (1 running job):\n  hpc 102 alice ft_2: defended by charter llm-ft\n"), r.out());
        assertTrue(r.out().contains("(dry run: nothing was sent or cancelled; --apply carries it out)"), r.out());
    }
}
