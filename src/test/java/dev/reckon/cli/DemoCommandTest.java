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
        String page = r.out().lines().filter(l -> l.strip().endsWith("(open it in a browser)")).findFirst()
                .orElseThrow(() -> new AssertionError("no HTML report path in " + r.out())).strip().split(" ")[0];
        assertTrue(java.nio.file.Files.isRegularFile(java.nio.file.Path.of(page)), page);
    }

    @Test
    void demoReviewsTheTraceAgainstChartersItWritesAndShowsTheOwners() {
        Cli.Result r = new Cli(dir).run("demo");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("Shares of consumption by class"), r.out());
        assertTrue(r.out().contains("Kill list") && r.out().contains("charter seth-study expired 2002-09-01"), r.out());
        assertTrue(r.out().contains("u1          3  over limit  seth-mesh,seth-sim,seth-sweep"), r.out());
        assertTrue(r.out().contains("Unowned"), r.out());
        assertTrue(r.out().contains("What if (reckon whatif)"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.strip().startsWith("Removing undefended work (")
                && l.contains("node-hours")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.strip().startsWith("10% more nodes")), r.out());
    }

    @Test
    void demoShowsASuccessExitAndAFailureExit() {
        Cli.Result r = new Cli(dir).run("demo");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("seth-sweep") && l.contains("success-exit")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("seth-mesh") && l.contains("failure-exit")), r.out());
    }

    @Test
    void demoJsonCarriesTheSummary() throws Exception {
        Cli.Result r = new Cli(dir).run("demo", "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertEquals(3170, n.get("jobs").asLong());
        assertTrue(n.get("by_user").size() > 1);
        assertTrue(n.get("total").get("cpu_hours").asDouble() > 100_000);
        JsonNode review = n.get("review");
        assertEquals("2002-09-05T12:00:00Z", review.get("now").asText());
        assertTrue(review.get("kill_list").size() > 0, "jobs running and pending at the review's moment");
        double cpu = 0;
        for (JsonNode s : review.get("shares")) cpu += s.get("cpu_fraction").asDouble();
        assertEquals(1.0, cpu, 1e-9);
        JsonNode u1 = n.get("owners").get("owners").get(0);
        assertEquals("u1", u1.get("owner").asText());
        assertTrue(u1.get("over_limit").asBoolean());
        assertTrue(n.get("owners").get("unowned").size() > 0);
        assertEquals(5, n.get("exits").size());
    }
}
