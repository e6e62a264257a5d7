package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OwnersCommandTest {
    @TempDir
    Path home;
    Path charters;
    Cli cli;

    @BeforeEach
    void setUp() throws IOException, URISyntaxException {
        cli = new Cli(home);
        cli.env.put("RECKON_NOW", "2026-11-16T00:00:00Z");
        charters = home.resolve("charters");
        Files.createDirectories(charters);
        for (String id : new String[] {"llm-ft", "vision", "speech"}) {
            Files.writeString(charters.resolve(id + ".yaml"), String.join("\n",
                    "id: " + id,
                    "purpose: Train a model that works for a reason.",
                    "owner: alice",
                    "budget: {gpu_hours: 100, cpu_hours: 1000}",
                    "window: {start: 2026-10-01, end: 2026-12-31}",
                    "success: val_accuracy >= 0.92",
                    "failure: loss > 2.5 after 50 gpu_hours",
                    ""));
        }
        Path fixture = Path.of(getClass().getResource("/sacct/owners.txt").toURI());
        Cli.Result ingest = cli.run("ingest", "sacct", fixture.toString());
        assertEquals(0, ingest.exit(), ingest.toString());
    }

    @Test
    void ownersJsonCountsEachOwnersActiveChartersAndBabysittingPerWeek() throws IOException {
        Cli.Result r = cli.run("owners", "--since", "2026-11-02", "--charters", charters.toString(), "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals(2.0, root.get("weeks").asDouble(), 1e-9);
        JsonNode alice = root.get("owners").get(0);
        assertEquals("alice", alice.get("owner").asText());
        assertEquals(3, alice.get("active_charters").size());
        assertTrue(alice.get("over_limit").asBoolean());
        JsonNode load = alice.get("load");
        assertEquals(4, load.get("jobs").asInt());
        assertEquals(1, load.get("failed").asInt());
        assertEquals(1, load.get("memory_killed").asInt(), "FAILED with exit code 0:9");
        assertEquals(1, load.get("timed_out").asInt());
        assertEquals(2, load.get("resubmitted").asInt());
        assertEquals(4, load.get("troubled").asInt());
        assertEquals(2.0, load.get("per_week").asDouble(), 1e-9);
        JsonNode carol = root.get("unowned").get(0);
        assertEquals("carol", carol.get("user").asText());
        assertEquals(1, carol.get("load").get("memory_killed").asInt());
        assertEquals(1, carol.get("load").get("resubmitted").asInt());
    }

    @Test
    void ownersPrintsTablesAndTakesTheLimit() {
        Cli.Result t = cli.run("owners", "--since", "2026-11-02", "--charters", charters.toString());
        assertEquals(0, t.exit(), t.toString());
        assertTrue(t.out().contains("over limit") && t.out().contains("llm-ft,speech,vision"), t.out());
        assertTrue(t.out().contains("Unowned") && t.out().contains("carol"), t.out());
        Cli.Result l = cli.run("owners", "--since", "2026-11-02", "--charters", charters.toString(), "--limit", "3");
        assertEquals(0, l.exit(), l.toString());
        assertTrue(!l.out().contains("over limit"), l.out());
    }
}
