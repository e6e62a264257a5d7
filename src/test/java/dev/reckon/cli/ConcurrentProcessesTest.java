package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real processes at once on one SQLite ledger: each a child JVM running {@code dev.reckon.cli.Main} on surefire's
 * class path. Two ingests of different inputs both succeed and store every job; two {@code reclaim --apply} runs
 * (whose mail command takes 2 s) tell each job exactly once, and every job of a cluster this host's Slurm does not
 * serve (a fake {@code sacctmgr} on the PATH names the cluster served) is refused, not told.
 */
class ConcurrentProcessesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.toString());
        env.put("RECKON_LEDGER", dir.resolve("ledger.db").toString());
        env.put("RECKON_TZ", "UTC");
        env.put("RECKON_CHARTERS", dir.resolve("charters").toString());
        env.put("PATH", dir.resolve("bin") + File.pathSeparator + System.getenv("PATH"));
        return env;
    }

    private Process start(String name, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.reckon.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile());
        pb.environment().putAll(env());
        return pb.start();
    }

    private String finish(Process p, String name) throws Exception {
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), name + " did not end");
        String out = Files.readString(dir.resolve(name + ".out"));
        String err = Files.readString(dir.resolve(name + ".err"));
        assertEquals(0, p.exitValue(), name + "\n--- out\n" + out + "\n--- err\n" + err);
        return out;
    }

    private static String sacct(int from, int n, String cluster, String state, Instant start) {
        StringBuilder b = new StringBuilder("JobID|JobName|User|Account|Partition|State|Cluster|Submit|Start|End|"
                + "ElapsedRaw|AllocCPUS|AllocTRES|TotalCPU\n");
        // as sacct prints it, seconds always (LocalDateTime.toString drops ":00", a flaky test one time in sixty)
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
        String s = LocalDateTime.ofInstant(start, ZoneOffset.UTC).format(f);
        boolean running = state.equals("RUNNING");
        String end = running ? "Unknown" : LocalDateTime.ofInstant(start.plusSeconds(600), ZoneOffset.UTC).format(f);
        for (int i = from; i < from + n; i++) {
            b.append(i).append("|job").append(i).append("|u").append(i % 7).append("|acct|cpu|").append(state).append('|')
                    .append(cluster).append('|').append(s).append('|').append(s).append('|').append(end)
                    .append(running ? "|3600|4|cpu=4,mem=4G,node=1|00:10:00\n" : "|600|4|cpu=4,mem=4G,node=1|00:30:00\n");
            if (!running) b.append(i).append(".batch|batch||||COMPLETED|").append(cluster).append('|').append(s)
                    .append('|').append(s).append('|').append(end).append("|600|4||00:30:00\n");
        }
        return b.toString();
    }

    @Test
    void twoIngestProcessesAtOnceIntoOneNewLedgerBothSucceedAndStoreEveryJob() throws Exception {
        Instant t = Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        Files.writeString(dir.resolve("a.txt"), sacct(1, 40_000, "alpha", "COMPLETED", t));
        Files.writeString(dir.resolve("b.txt"), sacct(100_001, 40_000, "alpha", "COMPLETED", t));
        for (int round = 0; round < 2; round++) {
            Process a = start("a" + round, "ingest", "sacct", dir.resolve("a.txt").toString());
            Process b = start("b" + round, "ingest", "sacct", dir.resolve("b.txt").toString());
            String outA = finish(a, "a" + round);
            String outB = finish(b, "b" + round);
            String both = outA + outB;
            if (round == 0) assertTrue(both.contains("40,000 jobs read: 40,000 new") && !both.contains("error"), both);
        }
        Cli cli = new Cli(dir);
        Cli.Result summary = cli.run("jobs", "--json", "--since", "7d");
        assertEquals(0, summary.exit(), summary.toString());
        assertEquals(80_000, JSON.readTree(summary.out()).size());
    }

    @Test
    void twoReclaimProcessesAtOnceTellEachJobExactlyOnce() throws Exception {
        Files.createDirectories(dir.resolve("charters"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        script(bin.resolve("sacctmgr"), "#!/bin/sh\necho home\n");
        script(bin.resolve("scancel"), "#!/bin/sh\necho \"$@\" >> '" + dir.resolve("scancel.log") + "'\n");
        Path log = dir.resolve("notices.log");
        Path mail = script(dir.resolve("mail.sh"), "#!/bin/sh\nsleep 2\n{ echo \"to=$1\"; cat; echo; } >> '" + log + "'\n");
        Instant started = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Files.writeString(dir.resolve("home.txt"), sacct(500, 3, "home", "RUNNING", started));
        Files.writeString(dir.resolve("away.txt"), sacct(500, 2, "away", "RUNNING", started));
        Cli cli = new Cli(dir);
        cli.env.putAll(env());
        Cli.Result home = cli.run("ingest", "sacct", dir.resolve("home.txt").toString());
        assertEquals(0, home.exit(), home.toString());
        Cli.Result away = cli.run("ingest", "sacct", dir.resolve("away.txt").toString());
        assertEquals(0, away.exit(), away.toString());

        String[] reclaim = {"reclaim", "--apply", "--json", "--since", "1d", "--mail-command", mail.toString()};
        Process a = start("ra", reclaim);
        Process b = start("rb", reclaim);
        String both = finish(a, "ra") + finish(b, "rb");

        String notices = Files.readString(log, StandardCharsets.UTF_8);
        for (String id : List.of("500", "501", "502")) {
            int told = notices.split("your job " + id + " ", -1).length - 1;
            assertEquals(1, told, "job " + id + " told " + told + " times:\n" + notices + "\n" + both);
        }
        assertTrue(!notices.contains("on cluster away"), notices);
        Cli.Result audit = cli.run("audit", "--json");
        int applied = 0, refused = 0;
        for (JsonNode e : JSON.readTree(audit.out())) {
            if (!e.get("action").asText().equals("notify")) continue;
            if (e.get("applied").asBoolean()) applied++;
            else if (e.get("cluster").asText().equals("away")) {
                refused++;
                assertTrue(e.get("detail").asText().contains("does not serve"), e.toString());
            }
        }
        assertEquals(3, applied, audit.out());
        assertTrue(refused >= 2, audit.out());

        // after the grace, two runs at once cancel each job once, on its own cluster
        String[] cut = {"reclaim", "--apply", "--json", "--since", "1d", "--grace", "0s", "--mail-command", mail.toString()};
        Process c = start("rc", cut);
        Process d = start("rd", cut);
        finish(c, "rc");
        finish(d, "rd");
        List<String> cancels = Files.readAllLines(dir.resolve("scancel.log"));
        assertEquals(List.of("-M home 500", "-M home 501", "-M home 502"), cancels.stream().sorted().toList(), cancels.toString());
    }

    private static Path script(Path p, String body) throws Exception {
        Files.writeString(p, body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
