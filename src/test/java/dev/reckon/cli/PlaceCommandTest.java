package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code reckon place} at the command line, on providers that need no cluster: a saved Kueue output and a cloud pool. */
class PlaceCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Cli cli;
    Path providers;

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(dir);
        cli.env.put("RECKON_NOW", "2026-11-30T09:00:00Z");
        Path kueue = Path.of(getClass().getResource("/place/kueue.json").toURI());
        providers = dir.resolve("providers.yaml");
        Files.writeString(providers, String.join("\n", "providers:",
                "  - {name: lab, kind: kueue, saved: " + kueue + ", queue: team-a/user-queue}",
                "  - name: burst", "    kind: cloud", "    startup: 4m", "    max_instances: 4",
                "    shapes: [{name: c16, cpus: 16, mem: 32G, price_per_hour: 0.68}, "
                        + "{name: g1, cpus: 8, mem: 32G, gpus: 1, price_per_hour: 1.21}]", ""));
    }

    @Test
    void eachProvidersVerdictIsPrintedAndTheSelectorChooses() throws Exception {
        // 3 GPUs: the Kueue queue is busy until 11:00:02, the cloud starts in 4 minutes at a price
        Cli.Result soonest = cli.run("place", "--cpus", "4", "--gpus", "3", "--time", "1h", "--providers",
                providers.toString());
        assertEquals(0, soonest.exit(), soonest.toString());
        assertTrue(soonest.out().contains("Chosen: burst, by soonest"), soonest.out());
        assertTrue(soonest.out().contains("lab: waits 2.0 h"), soonest.out());
        Cli.Result cheapest = cli.run("place", "--cpus", "4", "--gpus", "3", "--time", "1h", "--providers",
                providers.toString(), "--select", "cheapest", "--json");
        JsonNode c = JSON.readTree(cheapest.out());
        assertEquals("lab", c.get("chosen").asText(), c.toString());
        assertEquals("BUSY", c.get("offers").get(0).get("readiness").asText());
        assertEquals("2026-11-30T11:00:02Z", c.get("offers").get(0).get("start_at").asText());
        assertEquals(3 * 1.21, c.get("offers").get(1).get("cost").asDouble(), 1e-9);
        // by a deadline of 12:30 both end in time: the cheaper; by 10:30 only the cloud does
        JsonNode late = JSON.readTree(cli.run("place", "--cpus", "4", "--gpus", "3", "--time", "1h", "--providers",
                providers.toString(), "--select", "cheapest-by-deadline", "--deadline", "2026-11-30T12:30", "--json").out());
        assertEquals("lab", late.get("chosen").asText());
        JsonNode soon = JSON.readTree(cli.run("place", "--cpus", "4", "--gpus", "3", "--time", "1h", "--providers",
                providers.toString(), "--select", "cheapest-by-deadline", "--deadline", "90m", "--json").out());
        assertEquals("burst", soon.get("chosen").asText());
    }

    /** Regression: a clock with milliseconds made a simulated start (whole seconds) look earlier than a tie. */
    @Test
    void offersStartingAtTheSameSecondTieAndTheTieGoesToTheFilesOrderEvenWhenNowHasMilliseconds() throws Exception {
        cli.env.put("RECKON_NOW", "2026-11-30T09:00:00.500Z");
        Path kueue = Path.of(getClass().getResource("/place/kueue.json").toURI());
        Path tie = dir.resolve("tie.yaml");
        Files.writeString(tie, String.join("\n", "providers:",
                "  - {name: free-pool, kind: cloud, startup: 0s, max_instances: 4, shapes: [{name: c16, cpus: 16, mem: 32G, "
                        + "price_per_hour: 0}]}",
                "  - {name: lab, kind: kueue, saved: " + kueue + ", queue: team-a/user-queue}", ""));
        JsonNode r = JSON.readTree(cli.run("place", "--cpus", "2", "--time", "10m", "--providers", tie.toString(),
                "--json").out());
        assertEquals("READY", r.get("offers").get(1).get("readiness").asText(), r.toString());
        assertEquals(r.get("offers").get(0).get("start_at"), r.get("offers").get(1).get("start_at"), r.toString());
        assertEquals("free-pool", r.get("chosen").asText(), r.toString());
    }

    @Test
    void anSbatchScriptGivesTheShapeAndOptionsOverrideIt() throws Exception {
        Path script = dir.resolve("job.sbatch");
        Files.writeString(script, "#!/bin/bash\n#SBATCH --cpus-per-task=6\n#SBATCH --mem=8G\n#SBATCH --time=2:00:00\n"
                + "sleep 1\n");
        JsonNode r = JSON.readTree(cli.run("place", script.toString(), "--providers", providers.toString(), "--json").out());
        assertEquals(6, r.get("request").get("cpus").asInt());
        assertEquals(8L << 30, r.get("request").get("mem_bytes").asLong());
        assertEquals(7200, r.get("request").get("timelimit_s").asLong());
        JsonNode o = JSON.readTree(cli.run("place", script.toString(), "--cpus", "2", "--time", "10m", "--providers",
                providers.toString(), "--json").out());
        assertEquals(2, o.get("request").get("cpus").asInt());
        assertEquals(600, o.get("request").get("timelimit_s").asLong());
    }

    @Test
    void submittingToAProviderThatIsNotSlurmSubmitsNothing() throws Exception {
        Cli.Result r = cli.run("place", "--cpus", "2", "--time", "10m", "--providers", providers.toString(),
                "--wrap", "sleep 1", "--submit", "--apply", "--json");
        assertEquals(1, r.exit(), r.toString());
        JsonNode s = JSON.readTree(r.out()).get("submission");
        assertFalse(s.get("applied").asBoolean());
        assertTrue(s.get("outcome").asText().contains("Slurm providers only"), s.toString());
    }

    @Test
    void noProviderThatWillRunItExitsOneAndSaysWhy() throws Exception {
        Cli.Result r = cli.run("place", "--cpus", "4", "--gpus", "9", "--time", "1h", "--providers", providers.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("Chosen: none."), r.out());
        assertTrue(r.out().contains("INCOMPATIBLE") && r.out().contains("RESTRICTED"), r.out());
    }

    @Test
    void aBadProvidersFileIsExit65WithFileAndLineAndWrongUsageIsExit2() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "providers:\n  - name: x\n    kind: slurm\n    clustr: y\n");
        Cli.Result r = cli.run("place", "--time", "1h", "--providers", bad.toString());
        assertEquals(65, r.exit(), r.toString());
        assertTrue(r.err().contains(bad + ":4: field providers.x.clustr: unknown key; did you mean cluster?"), r.err());
        assertEquals(2, cli.run("place", "--providers", providers.toString()).exit(), "no time limit");
        assertEquals(2, cli.run("place", "--time", "1h", "--apply", "--providers", providers.toString()).exit());
        assertEquals(2, cli.run("place", "--time", "1h", "--submit", "--providers", providers.toString()).exit(),
                "--submit needs a script or --wrap");
        assertEquals(2, cli.run("place", "--time", "1h", "--select", "random", "--providers", providers.toString()).exit());
        Cli.Result missing = cli.run("place", "--time", "1h");
        assertEquals(65, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("providers.yaml") && missing.err().contains("--providers"), missing.err());
    }
}
