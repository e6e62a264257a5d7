package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reckon.source.slurm.SlurmTestCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The review of jobs that really ran on the cluster (scripts/slurm-dev-cluster up): a chartered job is defended, a
 * one-off unchartered job orphaned, and an unchartered job that ran in each of the periods before is habitual. The
 * periods are 10 s ({@code --period 10s}) so that "recurring" fits in a test; the jobs are submitted just after each
 * period starts. Skips without a cluster, fails instead under RECKON_REQUIRE_SLURM=1.
 */
class ReviewSlurmTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PERIOD_S = 10;

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheCluster() {
        SlurmTestCluster.assumeCluster();
    }

    /** Sleeps until one second into the next period (periods are aligned on whole multiples of 10 s since the epoch). */
    private static long awaitNextPeriod() throws InterruptedException {
        long now = System.currentTimeMillis();
        long next = (Math.floorDiv(now / 1000, PERIOD_S) + 1) * PERIOD_S;
        Thread.sleep(next * 1000 + 1000 - now);
        return next;
    }

    @Test
    void chartered_unchartered_andRecurringUncharteredJobsAreDefendedOrphanedAndHabitual() throws Exception {
        Cli cli = new Cli(dir);
        cli.env.remove("RECKON_TZ");
        Path charters = Files.createDirectories(dir.resolve("charters"));
        cli.env.put("RECKON_CHARTERS", charters.toString());
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Files.writeString(charters.resolve("rv-kept.yaml"), String.join("\n",
                "id: rv-kept", "purpose: Show that a chartered job is defended.", "owner: alice",
                "budget: {cpu_hours: 10}", "window: {start: " + today.minusDays(1) + ", end: " + today.plusDays(30) + "}",
                "success: val_accuracy >= 0.9", "failure: loss > 2.5", ""));
        // a name of letters only: digits would be folded into the name pattern; fresh for each run of the test
        StringBuilder tag = new StringBuilder();
        Random random = new Random();
        for (int i = 0; i < 6; i++) tag.append((char) ('a' + random.nextInt(26)));
        String habit = "rv-habit-" + tag;

        List<String> habits = new ArrayList<>();
        long first = 0;
        for (int i = 0; i < 4; i++) {
            long period = awaitNextPeriod();
            if (i == 0) first = period;
            habits.add(SlurmTestCluster.submit(habit, "sleep 1", "--time=1"));
        }
        String chartered = SlurmTestCluster.submit("rv-kept-" + tag, "sleep 1", "--time=1", "--comment=charter=rv-kept");
        String loose = SlurmTestCluster.submit("rv-once-" + tag, "sleep 1", "--time=1");
        List<String> ours = new ArrayList<>(habits);
        ours.add(chartered);
        ours.add(loose);
        for (String id : ours) SlurmTestCluster.awaitFinal(id, Duration.ofSeconds(90));

        // slurmdbd answers a windowed query (sacct -S/-E) a few seconds later than a query by job id: ingest until
        // the ledger has every job of the test, as a cron job would on its next run
        Instant deadline = Instant.now().plusSeconds(60);
        Cli.Result jobs;
        while (true) {
            Cli.Result ingest = cli.run("ingest", "slurm", "--since", "10m");
            assertEquals(0, ingest.exit(), ingest.toString());
            jobs = cli.run("jobs", "--json", "--since", "10m");
            Set<String> stored = new TreeSet<>();
            for (JsonNode j : JSON.readTree(jobs.out())) stored.add(j.get("job_id").asText());
            if (stored.containsAll(ours)) break;
            assertTrue(Instant.now().isBefore(deadline), "the ledger never had all of " + ours + ": " + stored);
            Thread.sleep(1000);
        }
        Instant lastPeriod = Instant.ofEpochSecond(first + 3 * PERIOD_S);
        Cli.Result review = cli.run("review", "--json", "--period", "10s", "--since", lastPeriod.toString());
        assertEquals(0, review.exit(), review.toString());
        JsonNode r = JSON.readTree(review.out());

        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode j : r.get("jobs")) byId.put(j.get("job_id").asText(), j);
        // the habit jobs started one per period, as submitted: the premise of "recurring"
        Set<Long> periods = new TreeSet<>();
        for (JsonNode j : JSON.readTree(jobs.out()))
            if (habits.contains(j.get("job_id").asText()))
                periods.add(Math.floorDiv(Instant.parse(j.get("start_at").asText()).getEpochSecond(), PERIOD_S));
        assertEquals(4, periods.size(), "each habit job started in its own period: " + jobs.out());

        JsonNode last = byId.get(habits.get(3));
        assertEquals("habitual", last.get("class").asText(), last.toString());
        assertTrue(last.get("reason").asText().contains("in 3 earlier periods of 10s"), last.toString());
        assertTrue(last.get("charter").isNull());
        assertEquals("defended", byId.get(chartered).get("class").asText(), byId.get(chartered).toString());
        assertEquals("rv-kept", byId.get(chartered).get("charter").asText());
        assertEquals("orphaned", byId.get(loose).get("class").asText(), byId.get(loose).toString());
        assertTrue(!byId.containsKey(habits.get(0)), "jobs before the window count for recurrence only");

        boolean sharesNamed = false;
        for (JsonNode s : r.get("shares")) sharesNamed |= s.get("class").asText().equals("habitual");
        assertTrue(sharesNamed, r.get("shares").toString());
    }
}
