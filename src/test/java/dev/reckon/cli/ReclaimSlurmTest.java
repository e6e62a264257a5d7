package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reckon.source.slurm.SlurmTestCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code reckon reclaim} on the real cluster (scripts/slurm-dev-cluster up): of a chartered and an unchartered running
 * job, only the unchartered one is named, told about, and (after the grace) cancelled. Skips without a cluster,
 * fails instead under RECKON_REQUIRE_SLURM=1.
 */
class ReclaimSlurmTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheCluster() {
        SlurmTestCluster.assumeCluster();
    }

    /** The steps of a {@code reclaim --json} run that concern the given jobs, by job id. */
    private static List<JsonNode> steps(Cli cli, List<String> ours, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("reclaim", "--json", "--since", "1h"));
        all.addAll(List.of(args));
        Cli.Result r = cli.run(all.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : JSON.readTree(r.out()))
            if (ours.contains(n.get("job_id").asText()) && !n.get("action").asText().equals("spare")) out.add(n);
        return out;
    }

    /** The running jobs a run spared, with why. */
    private static List<String> spared(Cli cli, List<String> ours) throws Exception {
        Cli.Result r = cli.run("reclaim", "--json", "--since", "1h");
        List<String> out = new ArrayList<>();
        for (JsonNode n : JSON.readTree(r.out()))
            if (ours.contains(n.get("job_id").asText()) && n.get("action").asText().equals("spare"))
                out.add(n.get("job_id").asText() + ": " + n.get("why").asText());
        return out;
    }

    @Test
    void onlyTheUnchartedRunningJobIsToldAboutAndThenCancelled() throws Exception {
        Cli cli = new Cli(dir);
        cli.env.remove("RECKON_TZ");
        Path charters = Files.createDirectories(dir.resolve("charters"));
        cli.env.put("RECKON_CHARTERS", charters.toString());
        LocalDate today = LocalDate.now();
        Files.writeString(charters.resolve("rc-kept.yaml"), String.join("\n",
                "id: rc-kept", "purpose: Keep this job running.", "owner: " + System.getProperty("user.name"),
                "budget: {cpu_hours: 100}",
                "window: {start: " + today.minusDays(2) + ", end: " + today.plusDays(30) + "}",
                "success: val_accuracy >= 0.9", "failure: loss > 2.5", "history:",
                "  - {date: " + today.minusDays(1) + ", status: active}", ""));
        Path log = dir.resolve("notices.log");
        Path mail = dir.resolve("mail.sh");
        // the recipient comes last, after "--"
        Files.writeString(mail, "#!/bin/sh\nfor a; do to=$a; done\n{ echo \"to=$to\"; cat; echo; } >> '" + log + "'\n");
        Files.setPosixFilePermissions(mail, PosixFilePermissions.fromString("rwxr-xr-x"));

        String kept = SlurmTestCluster.submit("rc-kept", "sleep 300", "--time=10", "--comment=charter=rc-kept");
        String loose = SlurmTestCluster.submit("rc-loose", "sleep 300", "--time=10");
        List<String> ours = List.of(kept, loose);
        try {
            SlurmTestCluster.awaitRunning(kept, Duration.ofSeconds(60));
            SlurmTestCluster.awaitRunning(loose, Duration.ofSeconds(60));
            // slurmdbd learns of a start a moment after squeue shows it: ingest until the ledger has both running
            java.time.Instant deadline = java.time.Instant.now().plusSeconds(60);
            while (true) {
                Cli.Result ing = cli.run("ingest", "slurm", "--since", "1h");
                assertEquals(0, ing.exit(), ing.toString());
                Cli.Result jobs = cli.run("jobs", "--json", "--since", "1h");
                long running = 0;
                for (JsonNode n : JSON.readTree(jobs.out()))
                    if (ours.contains(n.get("job_id").asText()) && n.toString().contains("\"RUNNING\"")) running++;
                if (running == 2) break;
                assertTrue(java.time.Instant.now().isBefore(deadline), "the ledger never showed both jobs running");
                Thread.sleep(1000);
            }

            List<JsonNode> dry = steps(cli, ours);
            assertEquals(1, dry.size(), () -> dry + "\n" + cli.run("review", "--since", "1h"));
            assertEquals(loose, dry.get(0).get("job_id").asText());
            assertEquals("notify", dry.get(0).get("action").asText());
            assertEquals(List.of(kept + ": defended by charter rc-kept"), spared(cli, ours));
            List<JsonNode> again = steps(cli, ours);
            assertEquals(1, again.size(), again.toString());
            assertEquals("notify", again.get(0).get("action").asText(), "a dry run changes nothing: still to be told");
            assertTrue(!again.get(0).get("applied").asBoolean(), again.toString());
            assertTrue(!Files.exists(log));

            List<JsonNode> told = steps(cli, ours, "--apply", "--mail-command", mail.toString());
            assertEquals(1, told.size(), told.toString());
            assertEquals("notify", told.get(0).get("action").asText());
            assertTrue(told.get(0).get("applied").asBoolean(), told.toString());
            String notices = Files.readString(log);
            assertTrue(notices.startsWith("to=" + System.getProperty("user.name") + "\n"), notices);
            assertTrue(notices.contains("your job " + loose + " (\"") && notices.contains("Comment=charter="),
                    notices);

            List<JsonNode> cut = steps(cli, ours, "--apply", "--grace", "0s", "--mail-command", mail.toString());
            assertEquals(1, cut.size(), cut.toString());
            assertEquals(loose, cut.get(0).get("job_id").asText());
            assertEquals("cancel", cut.get(0).get("action").asText());
            assertTrue(cut.get(0).get("applied").asBoolean(), cut.toString());
            String after = Files.readString(log);
            assertTrue(after.startsWith(notices), "never told twice");
            assertTrue(after.substring(notices.length()).contains("your job " + loose + " (\""),
                    "told after the cancellation: " + after);
            assertTrue(cut.get(0).get("detail").asText().contains("user told"), cut.toString());

            List<Map<String, String>> gone = SlurmTestCluster.awaitFinal(loose, Duration.ofSeconds(60));
            assertTrue(gone.get(0).get("State").startsWith("CANCELLED"), gone.toString());
            assertEquals(List.of("RUNNING"), SlurmTestCluster.commands().squeue("-j", kept, "-o", "%T"));
            assertEquals(List.of(), steps(cli, ours, "--apply", "--grace", "0s", "--mail-command", mail.toString()),
                    "nothing twice");
            assertEquals(after, Files.readString(log), "nobody told twice");

            Cli.Result audit = cli.run("audit", "--json");
            assertEquals(0, audit.exit(), audit.toString());
            assertTrue(audit.out().contains("\"cancel\"") && audit.out().contains("\"notify\""), audit.out());
        } finally {
            SlurmTestCluster.commands().scancel(kept, loose);
        }
    }
}
