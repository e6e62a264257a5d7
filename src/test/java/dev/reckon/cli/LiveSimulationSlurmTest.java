package dev.reckon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reckon.source.slurm.SlurmTestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code simulate --since 1d} and {@code whatif} on the live cluster without {@code --machine} (issue 12, item 11):
 * the nodes come from {@code scontrol show node}, as predict reads them; {@code --machine} still overrides. Uses
 * one job of its own so that the ledger holds something to replay. Skips without a cluster.
 */
class LiveSimulationSlurmTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheCluster() {
        SlurmTestCluster.assumeCluster();
    }

    @Test
    void simulateAndWhatifReadTheNodesFromScontrol() throws Exception {
        String id = SlurmTestCluster.submit("ls-one", "sleep 1", "--time=1");
        SlurmTestCluster.awaitFinal(id, Duration.ofSeconds(60));
        Cli cli = new Cli(dir);
        Cli.Result ingest = cli.run("ingest", "slurm", "--since", "10m");
        assertTrue(ingest.exit() == 0 || ingest.exit() == 65, ingest.toString());

        Cli.Result sim = cli.run("simulate", "--since", "1d", "--json");
        assertEquals(0, sim.exit(), sim.toString());
        JsonNode o = JSON.readTree(sim.out());
        assertEquals("n[1-2]", o.get("machine").get(0).get("name").asText(), sim.out());
        assertEquals(2, o.get("machine").get(0).get("nodes").asInt(), sim.out());
        assertTrue(sim.err().contains("'scontrol show node'"), sim.err());

        Cli.Result what = cli.run("whatif", "--since", "1d");
        assertEquals(0, what.exit(), what.toString());
        assertTrue(what.out().contains("n[1-2]") || what.err().contains("n[1-2]"), what.toString());

        Path nodes = dir.resolve("nodes.txt");
        Files.writeString(nodes, "big 10 64 256G 0\n");
        Cli.Result given = cli.run("simulate", "--since", "1d", "--machine", nodes.toString(), "--json");
        assertEquals(0, given.exit(), given.toString());
        assertEquals("big", JSON.readTree(given.out()).get("machine").get(0).get("name").asText());
        assertTrue(!given.err().contains("scontrol show node"), given.err());
    }
}
