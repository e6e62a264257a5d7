package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reckon.source.slurm.SlurmTestCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code reckon hold} on the real cluster: of a chartered and an unchartered pending job (both waiting for a node another
 * job of the test holds), only the unchartered one is held, with {@code -M} its cluster, once; the chartered one is spared.
 * Skips without a cluster, fails instead under RECKON_REQUIRE_SLURM=1.
 */
class HoldSlurmTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheCluster() {
        SlurmTestCluster.assumeCluster();
    }

    private static List<JsonNode> steps(Cli cli, List<String> ours, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("hold", "--json", "--since", "1h"));
        all.addAll(List.of(args));
        Cli.Result r = cli.run(all.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : JSON.readTree(r.out())) if (ours.contains(n.get("job_id").asText())) out.add(n);
        return out;
    }

    @Test
    void onlyTheUnchartedPendingJobIsHeldAndOnlyOnce() throws Exception {
        Cli cli = new Cli(dir);
        cli.env.remove("RECKON_TZ");
        Path charters = Files.createDirectories(dir.resolve("charters"));
        cli.env.put("RECKON_CHARTERS", charters.toString());
        LocalDate today = LocalDate.now();
        Files.writeString(charters.resolve("hd-kept.yaml"), String.join("\n",
                "id: hd-kept", "purpose: Keep this job queued.", "owner: " + System.getProperty("user.name"),
                "budget: {cpu_hours: 100}",
                "window: {start: " + today.minusDays(2) + ", end: " + today.plusDays(30) + "}",
                "success: val_accuracy >= 0.9", "failure: loss > 2.5", "history:",
                "  - {date: " + today.minusDays(1) + ", status: active}", ""));

        // sacct lists a pending job once it is eligible (not one waiting for a begin time or held): the two jobs
        // wait for node n1, which a third job holds whole for the test's length
        String blocker = SlurmTestCluster.submit("hd-blocker", "sleep 240", "--time=5", "--nodelist=n1", "--exclusive");
        String kept = SlurmTestCluster.submit("hd-kept", "sleep 5", "--time=5", "--nodelist=n1",
                "--comment=charter=hd-kept");
        String loose = SlurmTestCluster.submit("hd-loose", "sleep 5", "--time=5", "--nodelist=n1");
        List<String> ours = List.of(kept, loose);
        try {
            // slurmdbd records a submission a moment after sbatch answers: ingest until the ledger has both
            Instant deadline = Instant.now().plusSeconds(60);
            while (true) {
                Cli.Result ing = cli.run("ingest", "slurm", "--since", "1h");
                assertEquals(0, ing.exit(), ing.toString());
                Cli.Result jobs = cli.run("jobs", "--json", "--since", "1h");
                long pending = 0;
                for (JsonNode n : JSON.readTree(jobs.out()))
                    if (ours.contains(n.get("job_id").asText()) && n.toString().contains("\"PENDING\"")) pending++;
                if (pending == 2) break;
                assertTrue(Instant.now().isBefore(deadline), "the ledger never showed both jobs pending");
                Thread.sleep(1000);
            }

            List<JsonNode> dry = steps(cli, ours, loose, kept);
            assertEquals(2, dry.size(), dry.toString());
            assertEquals(loose, dry.get(0).get("job_id").asText());
            assertEquals("hold", dry.get(0).get("action").asText());
            assertTrue(!dry.get(0).get("applied").asBoolean(), "a dry run holds nothing");
            assertEquals("spare", dry.get(1).get("action").asText());
            assertEquals("defended by charter hd-kept", dry.get(1).get("why").asText());
            assertTrue(!held(loose), "a dry run holds nothing");

            Path log = dir.resolve("notices.log");
            Path mail = dir.resolve("mail.sh");
            Files.writeString(mail, "#!/bin/sh\nfor a; do to=$a; done\n{ echo \"to=$to\"; cat; echo; } >> '" + log + "'\n");
            Files.setPosixFilePermissions(mail, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            List<JsonNode> done = steps(cli, ours, "--apply", "--mail-command", mail.toString(), loose, kept);
            assertEquals("hold", done.get(0).get("action").asText());
            assertTrue(done.get(0).get("applied").asBoolean(), done.toString());
            assertTrue(held(loose), "held in Slurm");
            assertTrue(!held(kept), "the defended job is never held");
            String notices = Files.readString(log);
            assertTrue(notices.startsWith("to=" + System.getProperty("user.name") + "\n"), notices);
            assertTrue(notices.contains("your job " + loose + " (\"") && notices.contains("release " + loose),
                    "the user is told how to release it: " + notices);

            SlurmTestCluster.commands().scontrol("release", loose);
            List<JsonNode> again = steps(cli, ours, "--apply", "--mail-command", mail.toString(), loose);
            assertEquals("held", again.get(0).get("action").asText(), "a released job is not held again");
            assertTrue(!held(loose), again.toString());

            assertEquals(notices, Files.readString(log), "nobody told twice");
            Cli.Result audit = cli.run("audit", "--json");
            assertTrue(audit.out().contains("\"hold\"") && audit.out().contains("\"hold-notice\""), audit.out());
        } finally {
            SlurmTestCluster.commands().scancel(kept, loose, blocker);
        }
    }

    /** Whether Slurm holds the job (priority 0, held by an administrator or its user). */
    private static boolean held(String id) {
        String show = SlurmTestCluster.commands().scontrol("show", "job", id);
        return show.contains("Priority=0 ") && show.contains("Held");
    }
}
