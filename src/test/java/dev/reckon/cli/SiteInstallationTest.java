package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A site installation (docs/site.md): site charters every user reads, drafts, proposals, the metric spool. */
class SiteInstallationTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Path site, siteCharters, proposals, spool;
    Cli cli;

    static final String[] NEW = {"charter", "new", "--id", "llm-ft", "--purpose", "Fine-tune the 7B model on support tickets.",
            "--owner", "alice", "--budget-gpu-hours", "500", "--budget-cpu-hours", "4000", "--end", "2030-06-30",
            "--success", "val_accuracy >= 0.92", "--failure", "loss > 2.5 after 50 gpu_hours"};

    @BeforeEach
    void installASite() throws IOException {
        cli = new Cli(dir.resolve("home"));
        site = dir.resolve("etc-reckon");
        siteCharters = site.resolve("charters");
        proposals = dir.resolve("spool/proposals");
        spool = dir.resolve("spool/metrics");
        for (Path p : List.of(siteCharters, proposals, spool)) Files.createDirectories(p);
        Files.writeString(site.resolve("config.yaml"), "ledger: " + dir.resolve("site-ledger.db") + "\n"
                + "timezone: UTC\ncharters: charters\nproposals: " + proposals + "\nmetric_spool: " + spool + "\n");
        cli.env.put("RECKON_SITE_DIR", site.toString());
        cli.env.remove("RECKON_LEDGER");
        cli.env.put("RECKON_NOW", "2026-01-05T10:00:00Z");
    }

    @Test
    void aNewCharterAtASiteIsADraftAndSaysHowItBecomesActive() throws IOException {
        Cli.Result r = cli.run(NEW);
        assertEquals(0, r.exit(), r.toString());
        Path draft = dir.resolve("home/.config/reckon/charters/llm-ft.yaml");
        assertTrue(Files.isRegularFile(draft), r.toString());
        assertTrue(r.out().contains("draft " + draft) && r.out().contains("not active yet")
                && r.out().contains("reckon charter propose llm-ft"), r.out());
        assertFalse(Files.exists(siteCharters.resolve("llm-ft.yaml")));
        Cli.Result list = cli.run("charter", "list", "--json");
        assertEquals(0, JSON.readTree(list.out()).size(), list.toString());
    }

    @Test
    void aProposalApprovedByTheAdministratorBecomesASiteCharterWithItsHistoryAndAnAuditEntry() throws IOException {
        assertEquals(0, cli.run(NEW).exit());
        Cli.Result p = cli.run("charter", "propose", "llm-ft");
        assertEquals(0, p.exit(), p.toString());
        String user = System.getProperty("user.name");
        Path proposal = proposals.resolve("llm-ft." + user + ".yaml");
        assertTrue(Files.isRegularFile(proposal), p.toString());
        assertTrue(p.out().contains("reckon charter approve llm-ft." + user), p.out());

        Cli.Result listed = cli.run("charter", "proposals", "--json");
        JsonNode ps = JSON.readTree(listed.out());
        assertEquals(1, ps.size(), listed.toString());
        assertEquals("llm-ft", ps.get(0).path("charter_id").asText(), listed.out());
        assertEquals(user, ps.get(0).get("proposer").asText());
        assertEquals(0, ps.get(0).get("problems").size(), listed.out());

        Cli.Result a = cli.run("charter", "approve", "llm-ft." + user);
        assertEquals(0, a.exit(), a.toString());
        Path active = siteCharters.resolve("llm-ft.yaml");
        String text = Files.readString(active);
        assertTrue(text.contains("approved by " + user + " from proposal llm-ft." + user + " (proposed by " + user), text);
        assertFalse(text.startsWith("# reckon proposal"), text);
        assertFalse(Files.exists(proposal));
        assertEquals(0, cli.run("charter", "check").exit());
        assertTrue(cli.run("charter", "list").out().contains("llm-ft"));
        Cli.Result audit = cli.run("audit", "--json");
        assertTrue(audit.out().contains("charter-approve") && audit.out().contains("llm-ft"), audit.toString());

        // the same id again is refused at proposal time: it is active now
        Cli.Result again = cli.run("charter", "propose", dir.resolve("home/.config/reckon/charters/llm-ft.yaml").toString());
        assertEquals(65, again.exit(), again.toString());
        assertTrue(again.err().contains("already active"), again.err());
    }

    @Test
    void aRejectedProposalLeavesTheSpoolWithItsReasonInTheAuditLog() throws IOException {
        assertEquals(0, cli.run(NEW).exit());
        assertEquals(0, cli.run("charter", "propose", "llm-ft").exit());
        String id = "llm-ft." + System.getProperty("user.name");
        Cli.Result noReason = cli.run("charter", "reject", id);
        assertEquals(2, noReason.exit(), noReason.toString());
        Cli.Result r = cli.run("charter", "reject", id, "--reason", "budget too large for Q1");
        assertEquals(0, r.exit(), r.toString());
        assertFalse(Files.exists(proposals.resolve(id + ".yaml")));
        assertFalse(Files.exists(siteCharters.resolve("llm-ft.yaml")));
        assertTrue(cli.run("audit", "--json").out().contains("budget too large for Q1"));
        Cli.Result unknown = cli.run("charter", "approve", id);
        assertEquals(2, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("no proposal " + id), unknown.err());
    }

    private void writeSiteCharter() throws IOException {
        Files.writeString(siteCharters.resolve("vision.yaml"), String.join("\n",
                "id: vision", "purpose: Find out whether the new augmentation lifts validation accuracy.", "owner: alice",
                "budget: {gpu_hours: 100, cpu_hours: 1000}", "window: {start: 2025-10-01, end: 2026-12-31}",
                "success: val_accuracy >= 0.92", "failure: loss > 2.5 after 50 gpu_hours", ""));
    }

    @Test
    void aMetricThatCannotReachTheLedgerWaitsInTheSpoolAndTheNextIngestStoresItOnce() throws IOException {
        writeSiteCharter();
        Cli.Result created = cli.run("ingest", "swf", writeEmptyTrace().toString()); // the ledger exists
        assertEquals(0, created.exit(), created.toString());
        // a ledger this user cannot write: its path runs through a file (root can write anything else)
        Cli user = new Cli(dir.resolve("home"));
        user.env.putAll(cli.env);
        user.env.put("RECKON_LEDGER", dir.resolve("site-ledger.db").resolve("not-a-dir.db").toString());
        user.env.put("SLURM_JOB_ID", "77");
        user.env.put("SLURM_CLUSTER_NAME", "reckon");
        Cli.Result m = user.run("metric", "vision", "loss=0.5", "val_accuracy=0.8");
        assertEquals(0, m.exit(), m.toString());
        assertTrue(m.out().contains("spooled 2 metrics for vision (job 77) into " + spool), m.out());
        Cli.Result m2 = user.run("metric", "vision", "loss=0.4");
        assertEquals(0, m2.exit(), m2.toString());

        Cli.Result ingest = cli.run("ingest", "swf", writeEmptyTrace().toString());
        assertEquals(0, ingest.exit(), ingest.toString());
        assertTrue(ingest.err().contains("stored 3 metrics from 1 file of the metric spool"), ingest.err());
        JsonNode ms = JSON.readTree(cli.run("metrics", "vision", "--json").out());
        assertEquals(3, ms.size(), ms.toString());
        assertEquals("77", ms.get(0).get("job_id").asText());
        assertEquals("reckon", ms.get(0).get("cluster").asText());
        try (var left = Files.list(spool)) {
            assertEquals(List.of(".lock"), left.map(p -> p.getFileName().toString()).toList());
        }
        // a second ingest stores nothing again
        cli.run("ingest", "swf", writeEmptyTrace().toString());
        assertEquals(3, JSON.readTree(cli.run("metrics", "vision", "--json").out()).size());
    }

    @Test
    void aSpoolFileAlreadyStoredByARunThatDiedIsRemovedWithoutStoringItTwice() throws IOException {
        writeSiteCharter();
        assertEquals(0, cli.run("ingest", "swf", writeEmptyTrace().toString()).exit());
        String line = "{\"charter\":\"vision\",\"name\":\"loss\",\"value\":1.5,\"at\":\"2026-01-05T09:00:00Z\"}\n";
        Files.writeString(spool.resolve("bob.jsonl"), line);
        assertEquals(0, cli.run("ingest", "swf", writeEmptyTrace().toString()).exit());
        assertEquals(1, JSON.readTree(cli.run("metrics", "vision", "--json").out()).size());
        // a run that stored a batch and died before deleting it: the batch's mark is in the ledger
        try (dev.reckon.ledger.Ledger l = dev.reckon.ledger.Ledger.open(dir.resolve("site-ledger.db").toString())) {
            assertTrue(l.recordMetricsOnce("metric-spool:bob.1234.collecting", List.of(new dev.reckon.model.Metric(
                    "vision", "loss", 1.0, java.time.Instant.parse("2026-01-05T09:30:00Z"), null, null, "spool:bob"))));
        }
        Files.writeString(spool.resolve("bob.1234.collecting"), line.replace("1.5", "1.0"));
        Files.writeString(spool.resolve("carol.jsonl"), "{\"charter\":\"vision\",\"name\":\"loss\"}\n");
        Cli.Result r = cli.run("ingest", "swf", writeEmptyTrace().toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals(2, JSON.readTree(cli.run("metrics", "vision", "--json").out()).size());
        assertFalse(Files.exists(spool.resolve("bob.1234.collecting")));
        // a line that does not read: the file is kept aside, nothing of it stored, the ingest says so
        assertTrue(r.err().contains(".bad") && r.err().contains("line 1 does not read"), r.err());
    }

    private Path writeEmptyTrace() throws IOException {
        Path t = dir.resolve("empty.swf");
        Files.writeString(t, "; an empty trace\n");
        return t;
    }

    /**
     * The real case: a job of an unprivileged user ({@code nobody}) reports metrics; the ledger is root's and not
     * writable by that user. Runs only as root with {@code runuser}.
     */
    @Test
    void anUnprivilegedUsersMetricGoesToTheSpoolAndIngestStoresIt() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to switch user");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runuser")), "needs runuser");
        writeSiteCharter();
        assertEquals(0, cli.run("ingest", "swf", writeEmptyTrace().toString()).exit());
        // the spool as docs/site.md installs it: world-writable with the sticky bit
        Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwxrwxrwx"));
        new ProcessBuilder("chmod", "1777", spool.toString()).start().waitFor();
        // what the unprivileged user may read: the classes, the jars, the site
        Path cp = Files.createDirectories(dir.resolve("cp"));
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (Files.isRegularFile(p)) {
                Path copy = cp.resolve(entries.size() + "-" + p.getFileName());
                Files.copy(p, copy);
                entries.add(copy.toString());
            } else if (Files.isDirectory(p)) {
                entries.add(p.toString());
            }
        }
        for (Path p = dir; p != null && !p.equals(p.getRoot()); p = p.getParent()) {
            if (p.equals(dir) || p.startsWith(dir)) chmodReadable(p);
        }
        new ProcessBuilder("chmod", "-R", "a+rX", dir.toString()).start().waitFor();
        new ProcessBuilder("chmod", "1777", spool.toString()).start().waitFor();
        Path ledger = dir.resolve("site-ledger.db");
        Path home = Files.createDirectories(dir.resolve("nobody-home"));
        new ProcessBuilder("chmod", "0755", dir.toString()).start().waitFor();
        List<String> cmd = new ArrayList<>(List.of("/usr/sbin/runuser", "-u", "nobody", "--", "env",
                "HOME=" + home, "RECKON_SITE_DIR=" + site, "RECKON_NOW=2026-01-05T10:00:00Z", "SLURM_JOB_ID=91",
                "SLURM_CLUSTER_NAME=reckon", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, entries), "dev.reckon.cli.Main", "metric", "vision", "loss=0.25"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        Assumptions.assumeFalse(out.contains("Permission denied") && out.contains("java"),
                "the user cannot reach java or the classes here: " + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("spooled 1 metric for vision (job 91)") && out.contains("not writable"), out);
        assertTrue(Files.isRegularFile(spool.resolve("nobody.jsonl")), out);
        assertEquals("nobody", Files.getOwner(spool.resolve("nobody.jsonl")).getName());
        assertTrue(Files.isRegularFile(ledger));
        Cli.Result ingest = cli.run("ingest", "swf", writeEmptyTrace().toString());
        assertTrue(ingest.err().contains("stored 1 metric from 1 file"), ingest.toString());
        JsonNode ms = JSON.readTree(cli.run("metrics", "vision", "--json").out());
        assertEquals(1, ms.size(), ms.toString());
        assertEquals("spool:nobody", ms.get(0).get("source").asText());
        assertFalse(Files.exists(spool.resolve("nobody.jsonl")));
    }

    private static void chmodReadable(Path p) throws IOException {
        try {
            new ProcessBuilder("chmod", "a+rx", p.toString()).start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
