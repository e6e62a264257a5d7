package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reckon.source.slurm.SlurmCommands;
import dev.reckon.source.slurm.SlurmTestCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One ledger, two cluster names, one job id: a real running job of this host's cluster ({@code reckon}, ingested from
 * the real sacct's own output, Cluster field and all) and a job of cluster {@code othersite} with the SAME id. Both
 * are due for a cancellation ({@code exits enforce --apply}) or a notice and a cancellation ({@code reclaim --apply}):
 * the real job is cancelled with {@code -M reckon}, the other cluster's job is refused with a message naming its
 * cluster and is never told nor cancelled, and the job of that id on the real cluster is the only one touched.
 *
 * <p>The exits test ingests with {@code ingest slurm} (the host names the cluster); the reclaim test ingests only its
 * own job, from sacct's output (Cluster field and all): slurmdbd keeps other people's running jobs, which a
 * {@code reclaim --apply} must not reach. Skips without a cluster, fails instead under
 * RECKON_REQUIRE_SLURM=1.
 */
class OtherClusterSlurmTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORMAT = "JobID,JobIDRaw,JobName,User,Account,Partition,Cluster,State,Submit,Start,End,"
            + "ElapsedRaw,AllocCPUS,AllocTRES,TotalCPU,Comment";

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheCluster() {
        SlurmTestCluster.assumeCluster();
    }

    private Cli cli() throws Exception {
        Cli cli = new Cli(dir);
        cli.env.remove("RECKON_TZ");
        cli.env.put("RECKON_CHARTERS", Files.createDirectories(dir.resolve("charters")).toString());
        return cli;
    }

    private Path mail() throws Exception {
        Path mail = dir.resolve("mail.sh");
        Files.writeString(mail, "#!/bin/sh\nfor a; do last=$a; done\n{ echo \"to=$last\"; cat; echo; } >> '"
                + dir.resolve("notices.log") + "'\n");
        Files.setPosixFilePermissions(mail, PosixFilePermissions.fromString("rwxr-xr-x"));
        return mail;
    }

    /**
     * Ingests the real job, once slurmdbd shows it running, then a job of cluster {@code othersite} with the same id,
     * running for an hour on four CPUs. {@code live}: the real job through {@code ingest slurm} (every job of the
     * last hour: only for a test that acts on its charter's jobs alone); else from the real sacct's own output for
     * that job alone, through {@code ingest sacct} (sacct here keeps no Comment: the job is then unchartered).
     */
    private static void ingestBoth(Cli cli, Path dir, String id, String comment, boolean live) throws Exception {
        SlurmCommands slurm = SlurmTestCluster.commands();
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            boolean running;
            if (live) {
                Cli.Result r = cli.run("ingest", "slurm", "--since", "1h");
                assertEquals(0, r.exit(), r.toString());
                running = false;
                for (JsonNode j : JSON.readTree(cli.run("jobs", "--json", "--since", "1h").out()))
                    running |= j.get("job_id").asText().equals(id) && j.toString().contains("\"RUNNING\"");
            } else {
                String real = slurm.run("sacct", "--parsable2", "--format=" + FORMAT, "-j", id);
                running = real.lines().anyMatch(l -> l.startsWith(id + "|") && l.contains("|RUNNING|"));
                if (running) {
                    assertTrue(real.contains("|reckon|"), "the real job is of cluster reckon:\n" + real);
                    Files.writeString(dir.resolve("real.txt"), real);
                    Cli.Result r = cli.run("ingest", "sacct", dir.resolve("real.txt").toString());
                    assertEquals(0, r.exit(), r.toString());
                }
            }
            if (running) break;
            assertTrue(Instant.now().isBefore(deadline), "slurmdbd never showed job " + id + " running");
            Thread.sleep(1000);
        }
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
        String start = LocalDateTime.now(ZoneId.systemDefault()).minusHours(1).format(f);
        Files.writeString(dir.resolve("other.txt"), FORMAT.replace(',', '|') + "\n"
                + id + "|" + id + "|far-away|" + System.getProperty("user.name") + "|acct|cpu|othersite|RUNNING|"
                + start + "|" + start + "|Unknown|3600|4|cpu=4,mem=4G,node=1|01:00:00|" + comment + "\n");
        Cli.Result r = cli.run("ingest", "sacct", dir.resolve("other.txt").toString());
        assertEquals(0, r.exit(), r.toString());
        Cli.Result jobs = cli.run("jobs", "--json", "--since", "2h");
        List<String> clusters = new ArrayList<>();
        for (JsonNode j : JSON.readTree(jobs.out())) if (j.get("job_id").asText().equals(id)) clusters.add(j.get("cluster").asText());
        assertEquals(List.of("othersite", "reckon"), clusters.stream().sorted().toList(), jobs.out());
    }

    private static List<JsonNode> ofJob(Cli cli, String id, String... args) throws Exception {
        Cli.Result r = cli.run(args);
        assertEquals(0, r.exit(), r.toString());
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : JSON.readTree(r.out())) if (id.equals(n.path("job_id").asText(null))) out.add(n);
        return out;
    }

    private static JsonNode of(List<JsonNode> steps, String cluster) {
        return steps.stream().filter(s -> s.get("cluster").asText().equals(cluster)).findFirst()
                .orElseThrow(() -> new AssertionError("no step of cluster " + cluster + ": " + steps));
    }

    /** The real job of the id: cancelled, the one job line sacct shows for it. */
    private static void onlyTheRealJobWasCancelled(String id) {
        List<Map<String, String>> gone = SlurmTestCluster.awaitFinal(id, Duration.ofSeconds(60));
        assertTrue(gone.get(0).get("State").startsWith("CANCELLED"), gone.toString());
        assertEquals(1, gone.stream().filter(r -> !r.get("JobID").contains(".")).count(), gone.toString());
    }

    @Test
    void exitsEnforceCancelsTheRealJobWithItsClusterAndRefusesTheOtherClustersJobOfTheSameId() throws Exception {
        Cli cli = cli();
        LocalDate today = LocalDate.now();
        Files.writeString(dir.resolve("charters").resolve("oc-spent.yaml"), String.join("\n",
                "id: oc-spent", "purpose: Spent at once.", "owner: " + System.getProperty("user.name"),
                "budget: {cpu_hours: 0.5}", "window: {start: " + today.minusDays(1) + ", end: " + today.plusDays(30) + "}",
                "success: val_accuracy >= 0.99", "failure: loss > 100", "on_exit: cancel", ""));
        String id = SlurmTestCluster.submit("oc-exit", "sleep 300", "--time=10", "--comment=charter=oc-spent");
        String neighbour = SlurmTestCluster.submit("oc-neighbour", "sleep 300", "--time=10");
        try {
            SlurmTestCluster.awaitRunning(id, Duration.ofSeconds(60));
            SlurmTestCluster.awaitRunning(neighbour, Duration.ofSeconds(60));
            ingestBoth(cli, dir, id, "charter=oc-spent", true);

            List<JsonNode> done = ofJob(cli, id, "exits", "enforce", "--json", "--grace", "0s", "--apply",
                    "--mail-command", mail().toString());
            assertEquals(2, done.size(), done.toString());
            JsonNode real = of(done, "reckon"), other = of(done, "othersite");
            assertEquals("cancel", real.get("action").asText(), done.toString());
            assertTrue(real.get("applied").asBoolean(), done.toString());
            assertEquals("scancel -M reckon " + id, real.get("detail").asText(), done.toString());
            assertEquals("cancel", other.get("action").asText(), done.toString());
            assertTrue(!other.get("applied").asBoolean(), done.toString());
            // the dev host serves reckon and annex (scripts/slurm-dev-cluster), in sacctmgr's order
            assertTrue(other.get("detail").asText().matches(".*the job is of cluster 'othersite', which this host's "
                    + "Slurm does not serve \\(it serves [^)]*\\breckon\\b.*"), other.toString());
            assertTrue(other.get("detail").asText().endsWith("not acted on"), other.toString());

            onlyTheRealJobWasCancelled(id);
            assertEquals(List.of("RUNNING"), SlurmTestCluster.commands().squeue("-j", neighbour, "-o", "%T"),
                    "the neighbour, of no charter, runs on");

            Cli.Result audit = cli.run("audit", "--json", "--job", id);
            int applied = 0, refused = 0;
            for (JsonNode e : JSON.readTree(audit.out())) {
                if (!e.get("action").asText().equals("cancel")) continue;
                if (e.get("applied").asBoolean()) applied++;
                else if (e.get("cluster").asText().equals("othersite")) refused++;
            }
            assertEquals(1, applied, audit.out());
            assertEquals(1, refused, audit.out());
        } finally {
            SlurmTestCluster.commands().scancel(id, neighbour);
        }
    }

    @Test
    void reclaimTellsAndCancelsOnlyTheRealJobAndRefusesTheOtherClustersJobOfTheSameId() throws Exception {
        Cli cli = cli();
        Path mail = mail();
        String id = SlurmTestCluster.submit("oc-reclaim", "sleep 300", "--time=10");
        try {
            SlurmTestCluster.awaitRunning(id, Duration.ofSeconds(60));
            ingestBoth(cli, dir, id, "", false);

            List<JsonNode> told = ofJob(cli, id, "reclaim", "--json", "--since", "2h", "--apply",
                    "--mail-command", mail.toString());
            assertEquals(2, told.size(), told.toString());
            assertTrue(of(told, "reckon").get("applied").asBoolean(), told.toString());
            JsonNode refused = of(told, "othersite");
            assertTrue(!refused.get("applied").asBoolean(), told.toString());
            assertTrue(refused.get("detail").asText().startsWith("not sent: the job is of cluster 'othersite', which "
                    + "this host's Slurm does not serve"), refused.toString());
            String notices = Files.readString(dir.resolve("notices.log"));
            assertEquals(1, notices.split("your job " + id + " \\(", -1).length - 1, notices);
            assertTrue(notices.contains("on cluster reckon") && !notices.contains("othersite"), notices);

            List<JsonNode> cut = ofJob(cli, id, "reclaim", "--json", "--since", "2h", "--apply", "--grace", "0s",
                    "--mail-command", mail.toString());
            JsonNode cancel = of(cut, "reckon");
            assertEquals("cancel", cancel.get("action").asText(), cut.toString());
            assertTrue(cancel.get("applied").asBoolean(), cut.toString());
            assertTrue(cancel.get("detail").asText().startsWith("scancel -M reckon " + id + ";"), cut.toString());
            JsonNode again = of(cut, "othersite");
            assertEquals("notify", again.get("action").asText(), "never told, so never cancelled: " + cut);
            assertTrue(!again.get("applied").asBoolean(), cut.toString());
            String after = Files.readString(dir.resolve("notices.log"));
            assertTrue(after.startsWith(notices), "nobody told twice: " + after);
            String cancelled = after.substring(notices.length());
            assertTrue(cancelled.contains("your job " + id + " (") && cancelled.contains("cancelled at")
                    && !cancelled.contains("othersite"), "only the real job's user told of its cancellation: " + after);

            onlyTheRealJobWasCancelled(id);
        } finally {
            SlurmTestCluster.commands().scancel(id);
        }
    }
}
