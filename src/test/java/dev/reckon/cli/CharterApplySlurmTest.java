package dev.reckon.cli;

import dev.reckon.source.slurm.SlurmCommands;
import dev.reckon.source.slurm.SlurmTestCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code reckon charter apply} on the real cluster: the charter's budget becomes a QOS, and Slurm itself stops the
 * charter's job when the budget is spent (a 1 CPU-minute budget, a 2-CPU job with a 5-minute limit: stopped after about
 * a minute, the next job held back), while a job of another charter keeps running. Slurm charges QOS usage every
 * PriorityCalcPeriod (1 minute on the dev cluster), so this test takes a little over a minute.
 */
class CharterApplySlurmTest {
    private static final String QOS = "qos-tiny";

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheCluster() {
        SlurmTestCluster.assumeCluster();
    }

    /** Takes the QOS out again (also before the test: a QOS left by an interrupted run keeps its spent usage). */
    private static void dropQos(SlurmCommands slurm) {
        if (slurm.run("sacctmgr", "-n", "-P", "list", "qos", QOS, "format=name").isBlank()) return;
        String user = System.getProperty("user.name");
        for (String line : slurm.run("sacctmgr", "-n", "-P", "list", "assoc", "user=" + user, "format=account,qos").lines().toList()) {
            String[] f = line.split("\\|", -1);
            if (f.length == 2 && List.of(f[1].split(",")).contains(QOS))
                slurm.run("sacctmgr", "-i", "modify", "user", "where", "name=" + user, "account=" + f[0], "set", "qos-=" + QOS);
        }
        slurm.run("sacctmgr", "-i", "delete", "qos", QOS);
    }

    @Test
    void slurmStopsTheChartersJobAtItsBudgetAndLeavesTheNeighbourRunning() throws Exception {
        SlurmCommands slurm = SlurmTestCluster.commands();
        dropQos(slurm);
        Cli cli = new Cli(dir);
        Path charters = Files.createDirectories(dir.resolve("charters"));
        cli.env.put("RECKON_CHARTERS", charters.toString());
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Files.writeString(charters.resolve(QOS + ".yaml"), String.join("\n",
                "id: " + QOS, "title: A tiny effort", "purpose: Show that Slurm stops an effort at its budget.",
                "owner: " + System.getProperty("user.name"), "accounts: [research]",
                "budget: {cpu_hours: 0.01, gpu_hours: 0}",
                "window: {start: " + today.minusDays(1) + ", end: " + today.plusDays(30) + "}",
                "success: val_accuracy >= 0.9", "failure: loss > 2.5", ""));
        String tiny = null, neighbour = null;
        try {
            Cli.Result dry = cli.run("charter", "apply", QOS, "--dry-run");
            assertEquals(0, dry.exit(), dry.toString());
            assertTrue(dry.out().contains("would run: sacctmgr -i add qos " + QOS), dry.out());
            assertTrue(slurm.run("sacctmgr", "-n", "-P", "list", "qos", QOS, "format=name").isBlank(), "a dry run changes nothing");

            Cli.Result apply = cli.run("charter", "apply", QOS);
            assertEquals(0, apply.exit(), apply.toString());
            String qos = slurm.run("sacctmgr", "-n", "-P", "list", "qos", QOS, "format=name,grptresmins,flags").strip();
            assertEquals(QOS + "|cpu=1,gres/gpu=0|NoDecay", qos);
            assertTrue(slurm.run("sacctmgr", "-n", "-P", "list", "assoc", "user=" + System.getProperty("user.name"),
                    "account=research", "format=qos").contains(QOS));
            Cli.Result again = cli.run("charter", "apply", QOS);
            assertEquals(0, again.exit(), "applying again updates in place: " + again);

            tiny = SlurmTestCluster.submit("qos-tiny", "sleep 300", "--qos=" + QOS, "--cpus-per-task=2", "--time=5",
                    "--account=research", "--comment=charter=" + QOS);
            neighbour = SlurmTestCluster.submit("qos-neighbour", "sleep 300", "--time=10", "--comment=charter=other");
            List<Map<String, String>> rows = SlurmTestCluster.awaitFinal(tiny, Duration.ofSeconds(200));
            assertEquals("TIMEOUT", rows.get(0).get("State"), "Slurm ends the job at the budget: " + rows);
            String next = SlurmTestCluster.submit("qos-tiny-next", "sleep 5", "--qos=" + QOS, "--time=1",
                    "--account=research");
            try {
                String why = "";
                for (int i = 0; i < 30 && !why.contains("QOSGrp"); i++) {
                    Thread.sleep(500);
                    why = String.join(" ", slurm.squeue("-j", next, "-o", "%T %r"));
                }
                assertTrue(why.startsWith("PENDING") && why.contains("QOSGrpCPUMinutesLimit"), why);
            } finally {
                slurm.scancel(next);
            }
            assertEquals(List.of("RUNNING"), slurm.squeue("-j", neighbour, "-o", "%T"), "the neighbour runs on");
            Cli.Result audit = cli.run("audit");
            assertTrue(audit.out().contains("sacctmgr -i add qos " + QOS), audit.out());
        } finally {
            if (tiny != null) slurm.scancel(tiny);
            if (neighbour != null) slurm.scancel(neighbour);
            dropQos(slurm);
        }
    }
}
