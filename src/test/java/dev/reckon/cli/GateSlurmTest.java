package dev.reckon.cli;

import dev.reckon.source.slurm.SlurmTestCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admission gate on the real cluster (scripts/slurm-dev-cluster up loads job_submit/lua with a hook that admits
 * everything): installed with {@code reckon gate install}, it refuses an unchartered job with the message that says
 * how to write a charter, admits a chartered one, which runs, and goes away again with {@code reckon gate uninstall}.
 * The hook is put back in a finally: a gate left behind would refuse every later test's unchartered job.
 */
class GateSlurmTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needsTheCluster() {
        SlurmTestCluster.assumeCluster();
    }

    private record Submitted(int exit, String out, String err) {
        String jobId() {
            return out.strip().split(";")[0];
        }
    }

    /** Runs sbatch as a user would, keeping what it prints on both streams. */
    private Submitted sbatch(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sbatch", "--parsable", "--time=1", "--output=/dev/null",
                "--chdir=" + dir, "--job-name=reckon-it-gate"));
        cmd.addAll(List.of(args));
        cmd.add("--wrap=sleep 1");
        Path out = dir.resolve("sbatch.out");
        Path err = dir.resolve("sbatch.err");
        Process p = new ProcessBuilder(cmd).redirectInput(new File("/dev/null")).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        int exit = p.waitFor();
        return new Submitted(exit, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static Path slurmConfDir() {
        String conf = System.getenv("SLURM_CONF");
        return conf == null || conf.isBlank() ? Path.of("/etc/slurm") : Path.of(conf).getParent();
    }

    private static void charter(Path charters, String id, String status, LocalDate start, LocalDate end) throws Exception {
        Files.writeString(charters.resolve(id + ".yaml"), String.join("\n",
                "id: " + id, "purpose: Show that the admission gate admits it.", "owner: alice",
                "budget: {cpu_hours: 10}", "window: {start: " + start + ", end: " + end + "}",
                "success: val_accuracy >= 0.9", "failure: loss > 2.5", "status: " + status, ""));
    }

    @Test
    void theGateRefusesUncharteredJobsWithHowToWriteOneAndAdmitsChartered() throws Exception {
        Cli cli = new Cli(dir);
        Path charters = Files.createDirectories(dir.resolve("charters"));
        cli.env.put("RECKON_CHARTERS", charters.toString());
        LocalDate today = LocalDate.now(java.time.ZoneOffset.UTC);
        charter(charters, "gate-ok", "active", today.minusDays(1), today.plusDays(30));
        charter(charters, "gate-gone", "withdrawn", today.minusDays(10), today.plusDays(30));
        charter(charters, "gate-over", "active", today.minusDays(30), today.minusDays(2));
        Path conf = slurmConfDir();
        String hookBefore = Files.readString(conf.resolve("job_submit.lua"));
        String kept = null;
        try {
            Cli.Result install = cli.run("gate", "install", "--slurm-conf-dir", conf.toString(), "--replace");
            assertEquals(0, install.exit(), install.toString());
            assertTrue(Files.exists(conf.resolve("reckon_gate.lua")));

            Submitted bare = sbatch();
            assertNotEquals(0, bare.exit(), "an unchartered job must be refused: " + bare);
            assertTrue(bare.err().contains("reckon gate: refused: this job names no charter"), bare.err());
            assertTrue(bare.err().contains("reckon charter new"), "the refusal says how to write a charter: " + bare.err());

            Submitted unknown = sbatch("--comment=charter=gate-nobody");
            assertNotEquals(0, unknown.exit());
            assertTrue(unknown.err().contains("'gate-nobody'") && unknown.err().contains("does not know"), unknown.err());
            Submitted gone = sbatch("--comment=charter=gate-gone");
            assertNotEquals(0, gone.exit());
            assertTrue(gone.err().contains("is withdrawn"), gone.err());
            Submitted over = sbatch("--wckey=gate-over");
            assertNotEquals(0, over.exit());
            assertTrue(over.err().contains("ended"), over.err());

            Submitted chartered = sbatch("--comment=charter=gate-ok");
            assertEquals(0, chartered.exit(), chartered.toString());
            kept = chartered.jobId();
            Submitted byWckey = sbatch("--wckey=gate-ok");
            assertEquals(0, byWckey.exit(), byWckey.toString());

            // a charter written after the install is admitted once the gate's list is synced
            charter(charters, "gate-new", "active", today.minusDays(1), today.plusDays(5));
            assertNotEquals(0, sbatch("--comment=charter=gate-new").exit());
            Cli.Result sync = cli.run("gate", "sync", "--slurm-conf-dir", conf.toString());
            assertEquals(0, sync.exit(), sync.toString());
            assertEquals(0, sbatch("--comment=charter=gate-new").exit());

            // warn mode: the same job is admitted, with the message
            Cli.Result warn = cli.run("gate", "install", "--slurm-conf-dir", conf.toString(), "--mode", "warn");
            assertEquals(0, warn.exit(), warn.toString());
            Submitted warned = sbatch();
            assertEquals(0, warned.exit(), warned.toString());
            assertTrue(warned.err().contains("reckon gate (warning; admitted this time): this job names no charter"),
                    warned.err());
        } finally {
            Cli.Result un = cli.run("gate", "uninstall", "--slurm-conf-dir", conf.toString());
            assertEquals(0, un.exit(), un.toString());
        }
        assertEquals(hookBefore, Files.readString(conf.resolve("job_submit.lua")), "uninstall puts the hook back");
        assertFalse(Files.exists(conf.resolve("reckon_gate.lua")));
        Submitted after = sbatch();
        assertEquals(0, after.exit(), "without the gate an unchartered job is admitted again: " + after);

        List<Map<String, String>> rows = SlurmTestCluster.awaitFinal(kept, Duration.ofSeconds(90));
        assertEquals("COMPLETED", rows.get(0).get("State"), "the chartered job ran: " + rows);
        Cli.Result audit = cli.run("audit");
        assertTrue(audit.out().contains("gate-install") && audit.out().contains("gate-sync")
                && audit.out().contains("gate-uninstall"), audit.out());
    }
}
