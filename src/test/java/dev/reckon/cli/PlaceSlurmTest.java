package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reckon.source.slurm.SlurmCommandException;
import dev.reckon.source.slurm.SlurmTestCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code reckon place} on two real Slurm clusters in one slurmdbd (scripts/slurm-dev-cluster up: {@code reckon} and
 * {@code annex}): annex is filled with this test's own day-long sleeps, so a job both clusters can run starts sooner
 * on reckon; place chooses reckon, submits there with {@code sbatch -M reckon} under --apply (claimed once: a second
 * run does not submit again), and the job is found on reckon by {@code sacct -M reckon} and in the ledger after
 * {@code reckon ingest slurm --clusters all}. Skips unless both clusters answer; fails instead under
 * RECKON_REQUIRE_SLURM=1. Only this test's jobs (a unique name) are looked at and cancelled.
 */
class PlaceSlurmTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FINAL = Set.of("COMPLETED", "FAILED", "TIMEOUT", "CANCELLED", "OUT_OF_MEMORY",
            "NODE_FAIL");

    @TempDir
    Path dir;
    private final List<String[]> mine = new ArrayList<>();

    @BeforeEach
    void needsBothClusters() {
        SlurmTestCluster.assumeBothClusters();
    }

    @AfterEach
    void cancelOwnJobs() {
        for (String[] j : mine) {
            try {
                SlurmTestCluster.commands().run("scancel", "-M", j[0], j[1]);
            } catch (SlurmCommandException ignored) {
                // ended already
            }
        }
    }

    @Test
    void placeChoosesTheClusterThatStartsSoonerSubmitsThereOnceAndTheLedgerFindsTheJob() throws Exception {
        StringBuilder tag = new StringBuilder();
        Random random = new Random();
        for (int i = 0; i < 6; i++) tag.append((char) ('a' + random.nextInt(26)));
        // annex: two nodes of two cores, each held by one of this test's sleeps for a day
        for (int i = 0; i < 2; i++) {
            String id = SlurmTestCluster.submit("place-load-" + tag, "sleep 86400", "-M", "annex", "--nodes=1",
                    "--ntasks=1", "--cpus-per-task=2", "--mem=200M", "--time=1-00:00:00");
            mine.add(new String[]{"annex", id});
        }
        for (String[] j : mine) awaitRunning(j[0], j[1]);

        Cli cli = new Cli(dir);
        cli.env.remove("RECKON_TZ"); // the system zone, as sacct prints it
        Path providers = dir.resolve("providers.yaml");
        Files.writeString(providers, String.join("\n", "providers:",
                "  - {name: annex, kind: slurm}        # first: a tie would go to annex",
                "  - {name: home, kind: slurm, cluster: reckon}", ""));
        Path script = dir.resolve("placed.sbatch");
        String name = "reckon-it-placed-" + tag;
        Files.writeString(script, String.join("\n", "#!/bin/bash", "#SBATCH --job-name=" + name,
                "#SBATCH --partition=batch",  // annex's: placed on reckon, its default instead
                "#SBATCH --cpus-per-task=1", "#SBATCH --mem=100M", "#SBATCH --time=00:02:00",
                "#SBATCH --output=" + dir.resolve("placed-%j.out"), "", "sleep 1", ""));

        // the offers: annex is busy for a day, reckon starts sooner; soonest chooses reckon (the provider "home")
        Cli.Result dry = cli.run("place", script.toString(), "--providers", providers.toString(), "--submit", "--json");
        assertEquals(0, dry.exit(), dry.toString());
        JsonNode d = JSON.readTree(dry.out());
        JsonNode annex = d.get("offers").get(0), home = d.get("offers").get(1);
        assertEquals("annex", annex.get("provider").asText());
        assertEquals("BUSY", annex.get("readiness").asText(), annex.toString());
        assertTrue(annex.get("wait_s").asLong() > 3600, "annex is full for a day: " + annex);
        assertTrue(home.get("readiness").asText().matches("READY|BUSY"), home.toString());
        assertTrue(home.get("wait_s").asLong() < annex.get("wait_s").asLong(), d.toString());
        assertEquals("home", d.get("chosen").asText(), d.toString());
        assertFalse(d.get("submission").get("applied").asBoolean(), "a dry run without --apply: " + d);
        String command = d.get("submission").get("command").toString();
        assertTrue(command.contains("\"-M\",\"reckon\"") && command.contains("\"--partition=debug\""),
                "sent to reckon, in its default partition rather than the script's (annex's) batch: " + command);

        // --apply: submitted with sbatch -M reckon, audited
        Cli.Result applied = cli.run("place", script.toString(), "--providers", providers.toString(), "--submit",
                "--apply", "--json");
        assertEquals(0, applied.exit(), applied.toString());
        JsonNode a = JSON.readTree(applied.out());
        JsonNode sub = a.get("submission");
        assertTrue(sub.get("applied").asBoolean(), a.toString());
        assertEquals("reckon", sub.get("cluster").asText());
        String id = sub.get("job_id").asText();
        mine.add(new String[]{"reckon", id});

        // the same placement again: claimed once, not submitted twice
        Cli.Result again = cli.run("place", script.toString(), "--providers", providers.toString(), "--submit",
                "--apply", "--json");
        assertEquals(1, again.exit(), again.toString());
        assertFalse(JSON.readTree(again.out()).get("submission").get("applied").asBoolean(), again.out());

        // there: sacct -M reckon knows the job by its name; and in the ledger after one ingest of both clusters
        String state = awaitFinal("reckon", id);
        // (right after the end, slurmdbd may still show the job's first record, named "allocation": ask again)
        String named = "";
        for (Instant until = Instant.now().plusSeconds(30); Instant.now().isBefore(until); Thread.sleep(500)) {
            named = SlurmTestCluster.commands().run("sacct", "-M", "reckon", "-j", id, "-X", "-n", "-P", "-o",
                    "JobName").strip();
            if (named.equals(name)) break;
        }
        assertEquals(name, named);
        assertEquals("COMPLETED", state);
        Cli.Result in = cli.run("ingest", "slurm", "--clusters", "all", "--since", "1h", "--json");
        assertEquals(0, in.exit(), in.toString());
        Cli.Result jobs = cli.run("jobs", "--json", "--since", "1h", "--cluster", "reckon");
        assertEquals(0, jobs.exit(), jobs.toString());
        JsonNode found = null;
        for (JsonNode j : JSON.readTree(jobs.out())) if (j.get("job_id").asText().equals(id)) found = j;
        assertTrue(found != null, "job " + id + " of reckon in the ledger");
        assertEquals(name, found.get("name").asText());
        assertEquals("reckon", found.get("cluster").asText());

        Cli.Result audit = cli.run("audit", "--json");
        assertEquals(0, audit.exit(), audit.toString());
        assertTrue(audit.out().contains("place-submit") && audit.out().contains(id), audit.out());
    }

    private static void awaitRunning(String cluster, String id) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        String state = "";
        while (Instant.now().isBefore(deadline)) {
            state = String.join("", SlurmTestCluster.commands().squeue("-M", cluster, "-j", id, "-o", "%T")).strip();
            if (state.contains("RUNNING")) return;
            Thread.sleep(300);
        }
        fail("job " + id + " on " + cluster + " not running after 60 s: " + state);
    }

    /** Polls {@code sacct -M CLUSTER -j ID} until the job line is final; returns its state. */
    private static String awaitFinal(String cluster, String id) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(300));
        String state = "";
        while (Instant.now().isBefore(deadline)) {
            state = SlurmTestCluster.commands().run("sacct", "-M", cluster, "-j", id, "-X", "-n", "-P", "-o", "State")
                    .strip();
            String first = state.isEmpty() ? "" : state.lines().findFirst().orElse("").split(" ")[0];
            if (FINAL.contains(first)) return first;
            Thread.sleep(500);
        }
        fail("job " + id + " on " + cluster + " not final after 300 s: " + state);
        return null;
    }
}
