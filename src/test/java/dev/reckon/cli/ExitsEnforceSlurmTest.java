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
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code reckon exits enforce} on the real cluster (scripts/slurm-dev-cluster up): a charter with a tiny budget and
 * {@code on_exit: cancel} has spent it; with {@code --apply} its owner is told, its pending job held and its running job
 * cancelled, and its file closed as failed — while another charter's running and pending jobs are untouched. A dry run
 * before changes nothing; a second --apply does nothing more.
 */
class ExitsEnforceSlurmTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheCluster() {
        SlurmTestCluster.assumeCluster();
    }

    private static void charter(Path charters, String id, double cpuHours, LocalDate today) throws Exception {
        Files.writeString(charters.resolve(id + ".yaml"), String.join("\n",
                "# the effort " + id, "id: " + id, "purpose: Show what happens at an exit.",
                "owner: " + System.getProperty("user.name"), "budget: {cpu_hours: " + cpuHours + ", gpu_hours: 1}",
                "window: {start: " + today.minusDays(1) + ", end: " + today.plusDays(30) + "}",
                "success: val_accuracy >= 0.99", "failure: loss > 100", "on_exit: cancel", ""));
    }

    private List<JsonNode> enforce(Cli cli, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("exits", "enforce", "--json", "--grace", "0s"));
        args.addAll(List.of(more));
        Cli.Result r = cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(r.out()).forEach(out::add);
        return out;
    }

    private static String stateAndReason(SlurmCommands slurm, String job) {
        return String.join(" ", slurm.squeue("-j", job, "-o", "%T %r"));
    }

    @Test
    void applyHoldsAndCancelsTheSpentChartersJobsAndLeavesTheNeighboursAlone() throws Exception {
        SlurmCommands slurm = SlurmTestCluster.commands();
        Cli cli = new Cli(dir);
        cli.env.remove("RECKON_TZ");
        Path charters = Files.createDirectories(dir.resolve("charters"));
        cli.env.put("RECKON_CHARTERS", charters.toString());
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        charter(charters, "ex-tiny", 0.0005, today);   // 1.8 CPU-seconds: spent within seconds
        charter(charters, "ex-safe", 1000, today);
        Path log = dir.resolve("notices.log");
        Path mail = dir.resolve("mail.sh");
        Files.writeString(mail, "#!/bin/sh\nfor a; do last=$a; done\n{ echo \"to=$last\"; cat; echo; } >> '" + log + "'\n");
        Files.setPosixFilePermissions(mail, PosixFilePermissions.fromString("rwxr-xr-x"));

        // the pending jobs ask for all four CPUs of the cluster, so they wait (Resources) while the two others run
        String[] whole = {"--nodes=2", "--ntasks=4"};
        String tinyRun = SlurmTestCluster.submit("ex-tiny-run", "sleep 300", "--time=10", "--comment=charter=ex-tiny");
        String safeRun = SlurmTestCluster.submit("ex-safe-run", "sleep 300", "--time=10", "--comment=charter=ex-safe");
        SlurmTestCluster.awaitRunning(tinyRun, Duration.ofSeconds(60));
        SlurmTestCluster.awaitRunning(safeRun, Duration.ofSeconds(60));
        String tinyWait = SlurmTestCluster.submit("ex-tiny-wait", "sleep 5", "--time=10", whole[0], whole[1],
                "--comment=charter=ex-tiny");
        String safeWait = SlurmTestCluster.submit("ex-safe-wait", "sleep 5", "--time=10", whole[0], whole[1],
                "--comment=charter=ex-safe");
        List<String> all = List.of(tinyRun, tinyWait, safeRun, safeWait);
        try {
            // the ledger must hold the four jobs and show the tiny charter over its budget (its running job burns
            // 1.8 CPU-seconds within seconds); slurmdbd answers a windowed sacct a few seconds behind: ingest until
            Instant deadline = Instant.now().plusSeconds(90);
            JsonNode tiny = null;
            while (true) {
                Cli.Result ing = cli.run("ingest", "slurm", "--since", "1h");
                assertEquals(0, ing.exit(), ing.toString());
                Cli.Result ex = cli.run("exits", "--json");
                assertEquals(0, ex.exit(), ex.toString());
                for (JsonNode c : JSON.readTree(ex.out())) if (c.get("charter").asText().equals("ex-tiny")) tiny = c;
                java.util.Set<String> stored = new java.util.HashSet<>();
                for (JsonNode j : JSON.readTree(cli.run("jobs", "--json", "--since", "1h").out()))
                    stored.add(j.get("job_id").asText());
                if (stored.containsAll(all) && tiny != null && !tiny.get("verdict").asText().equals("continue")
                        && !tiny.get("verdict").asText().equals("approaching")) break;
                assertTrue(Instant.now().isBefore(deadline), "ex-tiny never reached its exit: " + tiny);
                Thread.sleep(1000);
            }
            assertTrue(List.of("failure-exit", "overrun").contains(tiny.get("verdict").asText()), tiny.toString());

            List<JsonNode> dry = enforce(cli);
            assertTrue(dry.stream().noneMatch(s -> s.get("charter").asText().equals("ex-safe")), dry.toString());
            assertTrue(dry.stream().anyMatch(s -> s.get("action").asText().equals("hold")
                    && s.get("job_id").asText().equals(tinyWait)), dry.toString());
            assertTrue(dry.stream().anyMatch(s -> s.get("action").asText().equals("cancel")
                    && s.get("job_id").asText().equals(tinyRun)), dry.toString());
            assertTrue(dry.stream().noneMatch(s -> s.get("applied").asBoolean()), "a dry run does nothing: " + dry);
            assertEquals("RUNNING None", stateAndReason(slurm, tinyRun));
            assertTrue(!Files.exists(log));

            List<JsonNode> done = enforce(cli, "--apply", "--mail-command", mail.toString());
            for (JsonNode s : done)
                if (!s.get("action").asText().equals("skip") && !s.get("action").asText().equals("wait"))
                    assertTrue(s.get("applied").asBoolean(), "every step carried out: " + done);
            assertTrue(done.stream().anyMatch(s -> s.get("action").asText().equals("close")), done.toString());

            assertTrue(stateAndReason(slurm, tinyWait).matches("PENDING JobHeld(User|Admin)"), stateAndReason(slurm, tinyWait));
            List<Map<String, String>> gone = SlurmTestCluster.awaitFinal(tinyRun, Duration.ofSeconds(60));
            assertTrue(gone.get(0).get("State").startsWith("CANCELLED"), gone.toString());
            assertEquals("RUNNING None", stateAndReason(slurm, safeRun), "the neighbour's running job runs on");
            assertTrue(stateAndReason(slurm, safeWait).matches("PENDING (Resources|Priority)"),
                    "the neighbour's pending job is not held: " + stateAndReason(slurm, safeWait));
            String file = Files.readString(charters.resolve("ex-tiny.yaml"));
            assertTrue(file.startsWith("# the effort ex-tiny\n") && file.contains("status: failed"), file);
            assertTrue(Files.readString(log).startsWith("to=" + System.getProperty("user.name")), Files.readString(log));

            List<JsonNode> again = enforce(cli, "--apply", "--mail-command", mail.toString());
            assertTrue(again.stream().noneMatch(s -> s.get("applied").asBoolean()), "nothing twice: " + again);
            Cli.Result closed = cli.run("exits", "--closed");
            assertTrue(closed.out().contains("ex-tiny"), closed.toString());
        } finally {
            slurm.scancel(all.toArray(String[]::new));
        }
    }
}
