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
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two real Slurm clusters in one slurmdbd (scripts/slurm-dev-cluster up: {@code reckon} and {@code annex}): a job on
 * each, one {@code reckon ingest slurm --clusters all}, and the ledger knows each job's cluster; a charter that covers
 * only annex counts only annex's job. Skips unless both clusters answer; fails instead under RECKON_REQUIRE_SLURM=1.
 */
class ClustersSlurmTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FINAL = Set.of("COMPLETED", "FAILED", "TIMEOUT", "CANCELLED", "OUT_OF_MEMORY",
            "NODE_FAIL");

    @TempDir
    Path dir;

    @BeforeEach
    void needsBothClusters() {
        SlurmTestCluster.assumeBothClusters();
    }

    @Test
    void oneIngestReadsBothClustersAndACharterOfAnnexCountsOnlyAnnexJobs() throws Exception {
        Cli cli = new Cli(dir);
        cli.env.remove("RECKON_TZ"); // the system zone, as sacct prints it
        StringBuilder tag = new StringBuilder();
        Random random = new Random();
        for (int i = 0; i < 6; i++) tag.append((char) ('a' + random.nextInt(26)));
        String charter = "cl-" + tag;
        Path charters = Files.createDirectories(dir.resolve("charters"));
        cli.env.put("RECKON_CHARTERS", charters.toString());
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Files.writeString(charters.resolve(charter + ".yaml"), String.join("\n",
                "id: " + charter, "purpose: Show that a charter counts only the clusters it covers.", "owner: alice",
                "clusters: [annex]",
                "budget: {cpu_hours: 10}", "window: {start: " + today.minusDays(1) + ", end: " + today.plusDays(30) + "}",
                "success: val_accuracy >= 0.9", "failure: loss > 2.5", ""));

        String home = SlurmTestCluster.submit("cl-reckon-" + tag, "sleep 1", "--time=1", "--comment=charter=" + charter);
        String annex = SlurmTestCluster.submit("cl-annex-" + tag, "sleep 1", "-M", "annex", "--time=1",
                "--comment=charter=" + charter);
        awaitFinal("reckon", home);
        awaitFinal("annex", annex);

        Cli.Result in = cli.run("ingest", "slurm", "--clusters", "all", "--since", "1h", "--json");
        assertEquals(0, in.exit(), in.toString());
        JsonNode counts = JSON.readTree(in.out());
        assertTrue(counts.get("source").asText().contains("-M annex") && counts.get("source").asText().contains("-M reckon"),
                counts.toString());

        // slurmdbd may show a job that just ended a moment later in a window's listing than by its id: ingest again
        // (incrementally, from each cluster's mark) until both are in the ledger, for at most 30 s
        for (Instant until = Instant.now().plusSeconds(30); Instant.now().isBefore(until); Thread.sleep(1000)) {
            if (count(cli, home, "reckon") == 1 && count(cli, annex, "annex") == 1) break;
            Cli.Result more = cli.run("ingest", "slurm", "--clusters", "all", "--json");
            assertEquals(0, more.exit(), more.toString());
        }
        JsonNode homeJob = find(cli, home, "reckon", "cl-reckon-" + tag);
        JsonNode annexJob = find(cli, annex, "annex", "cl-annex-" + tag);
        assertEquals("COMPLETED", annexJob.get("state").asText(), annexJob.toString());
        assertEquals("COMPLETED", homeJob.get("state").asText(), homeJob.toString());

        // --cluster shows one cluster's jobs only
        Cli.Result onlyAnnex = cli.run("jobs", "--json", "--since", "1h", "--cluster", "annex");
        assertEquals(0, onlyAnnex.exit(), onlyAnnex.toString());
        for (JsonNode j : JSON.readTree(onlyAnnex.out())) assertEquals("annex", j.get("cluster").asText(), j.toString());

        // the charter covers annex only: its budget counts the annex job, not the one on reckon with the same comment
        Cli.Result usage = cli.run("usage", "--charter", charter, "--since", "1h", "--json");
        assertEquals(0, usage.exit(), usage.toString());
        assertEquals(1, JSON.readTree(usage.out()).get("total").get("jobs").asLong(), usage.out());
        Cli.Result review = cli.run("review", "--since", "1h", "--json");
        assertEquals(0, review.exit(), review.toString());
        JsonNode r = JSON.readTree(review.out());
        for (JsonNode j : r.get("jobs")) {
            if (j.get("job_id").asText().equals(annex) && j.get("cluster").asText().equals("annex")) {
                assertEquals("defended", j.get("class").asText(), j.toString());
            }
            if (j.get("job_id").asText().equals(home) && j.get("cluster").asText().equals("reckon")) {
                assertTrue(j.get("charter").isNull() || !j.get("charter").asText().equals(charter),
                        "a charter of annex does not defend a job on reckon: " + j);
            }
        }
        // a second ingest of both starts from each cluster's own mark
        Cli.Result again = cli.run("ingest", "slurm", "--clusters", "reckon,annex", "--json");
        assertEquals(0, again.exit(), again.toString());
    }

    /** How many jobs of that id on that cluster the ledger has. */
    private static long count(Cli cli, String id, String cluster) throws Exception {
        Cli.Result r = cli.run("jobs", "--json", "--since", "1h", "--cluster", cluster);
        assertEquals(0, r.exit(), r.toString());
        long n = 0;
        for (JsonNode j : JSON.readTree(r.out())) if (j.get("job_id").asText().equals(id)) n++;
        return n;
    }

    /** The job of that id on that cluster in {@code reckon jobs --json}, with its name checked. */
    private static JsonNode find(Cli cli, String id, String cluster, String name) throws Exception {
        Cli.Result r = cli.run("jobs", "--json", "--since", "1h", "--cluster", "reckon,annex");
        assertEquals(0, r.exit(), r.toString());
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode j : JSON.readTree(r.out())) {
            if (j.get("job_id").asText().equals(id) && j.get("cluster").asText().equals(cluster)) found.add(j);
        }
        assertEquals(1, found.size(), "job " + id + " of " + cluster + " in the ledger: " + found);
        assertEquals("reckon-it-" + name, found.get(0).get("name").asText());
        return found.get(0);
    }

    /** Polls {@code sacct -M CLUSTER -j ID} until the job line is final (accounting lags a moment). */
    private static void awaitFinal(String cluster, String id) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        String state = "";
        while (Instant.now().isBefore(deadline)) {
            state = SlurmTestCluster.commands().run("sacct", "-M", cluster, "-j", id, "-X", "-n", "-P", "-o", "State")
                    .strip();
            String first = state.isEmpty() ? "" : state.lines().findFirst().orElse("").split(" ")[0];
            if (FINAL.contains(first)) return;
            Thread.sleep(500);
        }
        fail("job " + id + " on " + cluster + " not final after 120 s: " + state);
    }
}
