package dev.reckon.cli;

import dev.reckon.optimise.Campaign;
import dev.reckon.optimise.CampaignFile;
import dev.reckon.optimise.Factor;
import dev.reckon.optimise.Lane;
import dev.reckon.optimise.Shape;
import dev.reckon.optimise.Stage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimiseCommandTest {
    static final long GiB = 1L << 30;
    @TempDir
    Path home;
    Cli cli;
    Path out;

    @BeforeEach
    void setUp() {
        cli = new Cli(home);
        cli.env.put("RECKON_CHARTERS", home.resolve("charters").toString());
        out = home.resolve("asr.campaign.yaml");
    }

    @Test
    void newWritesACampaignThatReadsAndRefusesToOverwrite() throws IOException {
        String[] args = {"optimise", "new", "--name", "asr", "--charter", "asr-2026", "--stage", "fetch:40:2:4G:0:1h",
                "--stage", "prep:400:4:16G:1:02:00:00", "--command", "prep=python prep.py {shard_first}-{shard_last}",
                "--out", out.toString()};
        Cli.Result r = cli.run(args);
        assertEquals(0, r.exit(), r.toString());
        assertEquals(out.toAbsolutePath() + "\n", r.out());
        assertTrue(r.err().contains("no valid charter asr-2026"), r.err());
        Campaign c = CampaignFile.read(out).orThrow();
        assertEquals("asr", c.name());
        Stage fetch = c.stage("fetch").orElseThrow(), prep = c.stage("prep").orElseThrow();
        assertEquals(new Shape(2, 4 * GiB, 0, 3600, null, 1, 40), fetch.start());
        assertEquals(Set.of(Lane.CPU), fetch.lanes());
        assertEquals(new Shape(4, 16 * GiB, 1, 7200, null, 1, 400), prep.start());
        assertEquals(Set.of(Lane.CPU, Lane.GPU), prep.lanes(), "a stage that asks for a GPU may try without");
        assertEquals(new Stage.Range(0, 1), prep.bounds().get(Factor.GPUS));
        assertEquals(List.of("fetch"), prep.dependsOn());
        assertEquals("python prep.py {shard_first}-{shard_last}", prep.command());
        String text = Files.readString(out);
        Cli.Result again = cli.run(args);
        assertEquals(65, again.exit(), again.toString());
        assertTrue(again.err().contains("reckon: optimise new: --out: already exists"), again.err());
        assertEquals(text, Files.readString(out));
    }

    @Test
    void badFlagsSayWhichFlagAndWhy() {
        Cli.Result r = cli.run("optimise", "new", "--name", "asr pipe", "--stage", "prep:400:4:16Q:1:2h",
                "--stage", "fetch:1:2", "--out", out.toString());
        assertEquals(65, r.exit(), r.toString());
        assertTrue(r.err().contains("reckon: optimise new: --stage: \"fetch:1:2\" is not NAME:WORK:CPUS:MEM:GPUS:TIME"), r.err());
        assertFalse(Files.exists(out));
        Cli.Result r2 = cli.run("optimise", "new", "--name", "asr pipe", "--stage", "prep:400:4:16Q:1:2h", "--out", out.toString());
        assertTrue(r2.err().contains("reckon: optimise new: --name: \"asr pipe\" is not a name"), r2.err());
        assertTrue(r2.err().contains("reckon: optimise new: --charter: missing"), r2.err());
        assertTrue(r2.err().contains("reckon: optimise new: --stage prep (start.mem): \"16Q\" is not a size"), r2.err());
    }

    @Test
    void newAsksOnATerminalAndAsksAgainAfterAProblem() throws IOException {
        cli.stdin = String.join("\n", "asr", "asr-2026", "prep:400:4:16Q:1:2h", "", "prep:400:4:16G:1:2h", "eval:20:4:16G:1:1h", "", "")
                .getBytes(StandardCharsets.UTF_8);
        Cli.Result r = cli.run("optimise", "new", "--ask", "--out", out.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("stage 1 — NAME:WORK:CPUS:MEM:GPUS:TIME"), r.out());
        assertTrue(r.out().contains("\"16Q\" is not a size"), r.out());
        Campaign c = CampaignFile.read(out).orThrow();
        assertEquals(List.of("prep", "eval"), c.stages().stream().map(Stage::name).toList());
    }
}
