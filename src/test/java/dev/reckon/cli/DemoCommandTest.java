package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void demoSummarisesTheShippedTraceWithoutACluster() {
        Cli.Result r = new Cli(dir).run("demo");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("3,170 jobs"), r.out());
        assertTrue(r.out().contains("Capacity by user"), r.out());
        assertTrue(r.out().contains("Time efficiency"), r.out());
    }

    @Test
    void demoJsonCarriesTheSummary() throws Exception {
        Cli.Result r = new Cli(dir).run("demo", "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertEquals(3170, n.get("jobs").asLong());
        assertTrue(n.get("by_user").size() > 1);
        assertTrue(n.get("total").get("cpu_hours").asDouble() > 100_000);
    }
}
