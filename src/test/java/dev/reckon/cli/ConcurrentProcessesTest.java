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
 * serve (a fake {@code sacctmgr} on the PATH names the cluster served) is refused, not told. A run killed (SIGKILL)
 * while its notice goes out leaves its claim: the next run does not tell the job again, {@code audit claims} lists
 * the claim with its age, and {@code audit release} lets the next run tell it. {@link PostgresConcurrentProcessesTest}
 * runs the same on PostgreSQL.
 */
class ConcurrentProcessesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Where the ledger is: a SQLite file here, a PostgreSQL schema in the subclass. */
    String ledger() {
        return dir.resolve("ledger.db").toString();
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.toString());
        env.put("RECKON_LEDGER", ledger());
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
        cli.env.putAll(env());
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

    @Test
    void aRunKilledWhileNotifyingNeverNotifiesTwiceUntilItsClaimIsReleased() throws Exception {
        Files.createDirectories(dir.resolve("charters"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        script(bin.resolve("sacctmgr"), "#!/bin/sh\necho home\n");
        Path log = dir.resolve("notices.log");
        Path sending = dir.resolve("sending");
        // the notice goes out, then the command hangs: the run is killed after sending, before settling its claim
        Path slow = script(dir.resolve("slow-mail.sh"), "#!/bin/sh\nfor a; do to=$a; done\n{ echo \"to=$to\"; cat; "
                + "echo; } >> '" + log + "'\necho $$ > '" + sending + "'\nexec sleep 300\n");
        Path mail = script(dir.resolve("mail.sh"), "#!/bin/sh\nfor a; do to=$a; done\n{ echo \"to=$to\"; cat; echo; } >> '"
                + log + "'\n");
        Instant started = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Files.writeString(dir.resolve("home.txt"), sacct(700, 1, "home", "RUNNING", started));
        Cli cli = new Cli(dir);
        cli.env.putAll(env());
        assertEquals(0, cli.run("ingest", "sacct", dir.resolve("home.txt").toString()).exit());

        Process killed = start("killed", "reclaim", "--apply", "--json", "--since", "1d", "--mail-command", slow.toString());
        Instant deadline = Instant.now().plusSeconds(120);
        while (!Files.exists(sending) || Files.readString(sending).isBlank()) {
            assertTrue(killed.isAlive() && Instant.now().isBefore(deadline), "the notice never went out: "
                    + Files.readString(dir.resolve("killed.err")));
            Thread.sleep(100);
        }
        List<ProcessHandle> children = killed.descendants().toList();
        killed.destroyForcibly(); // SIGKILL: no shutdown hook, no finally, no settling
        assertTrue(killed.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, killed.exitValue(), "killed by SIGKILL");
        children.forEach(ProcessHandle::destroyForcibly);
        assertEquals(1, told(log, "700"), "the killed run sent its notice");

        // the next run sees the claim and does not notify again
        String next = finish(start("next", "reclaim", "--apply", "--json", "--since", "1d", "--mail-command",
                mail.toString()), "next");
        JsonNode step = JSON.readTree(next).get(0);
        assertEquals("wait", step.get("action").asText(), next);
        assertTrue(step.get("why").asText().contains("already claimed"), next);
        assertEquals(1, told(log, "700"), "never notified twice");

        // the claim is listed with its age
        Cli.Result claims = cli.run("audit", "claims", "--json");
        assertEquals(0, claims.exit(), claims.toString());
        JsonNode list = JSON.readTree(claims.out());
        assertEquals(1, list.size(), claims.out());
        JsonNode claim = list.get(0);
        assertEquals("home/700/notify/-", claim.get("id").asText(), claims.out());
        assertEquals("notify", claim.get("action").asText());
        assertTrue(claim.get("age_seconds").asLong() >= 0 && claim.get("age_seconds").asLong() < 600, claims.out());
        Cli.Result table = cli.run("audit", "claims");
        assertEquals(0, table.exit(), table.toString());
        assertTrue(table.out().contains("home/700/notify/-") && table.out().contains("AGE"), table.out());

        // released (and audited), the claim no longer blocks: the next run notifies again, once
        Cli.Result released = cli.run("audit", "release", "home/700/notify/-");
        assertEquals(0, released.exit(), released.toString());
        assertTrue(released.out().startsWith("released home/700/notify/-"), released.out());
        assertEquals(1, cli.run("audit", "release", "home/700/notify/-").exit(), "released once");
        assertEquals(2, cli.run("audit", "release", "no-such-claim").exit(), "not an id: usage");
        assertEquals(0, JSON.readTree(cli.run("audit", "claims", "--json").out()).size(), "none left");
        boolean audited = false;
        for (JsonNode e : JSON.readTree(cli.run("audit", "--json", "--job", "700").out())) {
            audited |= e.get("action").asText().equals("release-claim") && e.get("applied").asBoolean()
                    && e.get("detail").asText().contains("notify");
        }
        assertTrue(audited, "the release is audited");
        String after = finish(start("after", "reclaim", "--apply", "--json", "--since", "1d", "--mail-command",
                mail.toString()), "after");
        assertEquals("notify", JSON.readTree(after).get(0).get("action").asText(), after);
        assertTrue(JSON.readTree(after).get(0).get("applied").asBoolean(), after);
        assertEquals(2, told(log, "700"), "notified again after the release, as asked");
        finish(start("last", "reclaim", "--apply", "--json", "--since", "1d", "--mail-command", mail.toString()), "last");
        assertEquals(2, told(log, "700"), "and not a third time");
    }

    private static int told(Path log, String id) throws Exception {
        // each notice's plain-text body names the job once: "your job 700 (...)"
        return Files.readString(log, StandardCharsets.UTF_8).split("your job " + id + " \\(", -1).length - 1;
    }

    private static Path script(Path p, String body) throws Exception {
        Files.writeString(p, body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
