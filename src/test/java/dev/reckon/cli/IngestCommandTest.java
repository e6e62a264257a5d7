package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IngestCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Path fixture(String name) throws IOException {
        Path p = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/sacct/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }

    JsonNode jobs(Cli cli, String... filters) throws IOException {
        String[] args = new String[filters.length + 2];
        args[0] = "jobs";
        args[1] = "--json";
        System.arraycopy(filters, 0, args, 2, filters.length);
        Cli.Result r = cli.run(args);
        assertEquals(0, r.exit(), r.toString());
        return JSON.readTree(r.out());
    }

    @Test
    void ingestingTheSameFileTwiceChangesNothing() throws IOException {
        Cli cli = new Cli(dir);
        Path f = fixture("slurm-22.05-parsable2.txt");
        Cli.Result first = cli.run("ingest", "sacct", f.toString(), "--json");
        assertEquals(0, first.exit(), first.toString());
        JsonNode a = JSON.readTree(first.out());
        assertTrue(a.get("new").asLong() > 0);
        Cli.Result second = cli.run("ingest", "sacct", f.toString(), "--json");
        JsonNode b = JSON.readTree(second.out());
        assertEquals(0, b.get("new").asLong(), second.toString());
        assertEquals(0, b.get("updated").asLong());
        assertEquals(a.get("read").asLong(), b.get("unchanged").asLong());
        assertEquals(a.get("read").asLong(), jobs(cli).size());
    }

    @Test
    void jobsJsonHasTheDocumentedKeysAndFigures() throws IOException {
        Cli cli = new Cli(dir);
        assertEquals(0, cli.run("ingest", "sacct", fixture("slurm-22.05-parsable2.txt").toString()).exit());
        JsonNode all = jobs(cli);
        JsonNode j = null;
        for (JsonNode n : all) if (n.get("job_id").asText().equals("1001")) j = n;
        for (String key : List.of("job_id", "name", "user", "account", "partition", "state", "exit_code", "submit_at",
                "start_at", "end_at", "elapsed_s", "timelimit_s", "alloc_cpus", "alloc_nodes", "alloc_mem_bytes",
                "alloc_gpus", "total_cpu_s", "max_rss_bytes", "cpu_eff", "mem_eff", "time_eff", "cpu_hours",
                "gpu_hours")) {
            assertTrue(j.has(key), "missing key " + key + " in " + j);
        }
        assertEquals("alice", j.get("user").asText());
        assertEquals("COMPLETED", j.get("state").asText());
        assertEquals("0:0", j.get("exit_code").asText());
        assertEquals(3600, j.get("elapsed_s").asLong());
        assertEquals(7200, j.get("timelimit_s").asLong());
        assertEquals(4, j.get("alloc_cpus").asInt());
        assertEquals(16L << 30, j.get("alloc_mem_bytes").asLong());
        assertEquals(10L << 30, j.get("max_rss_bytes").asLong(), "peak memory is the largest step total");
        assertEquals(0.5, j.get("time_eff").asDouble(), 1e-9);
        assertEquals(4.0, j.get("cpu_hours").asDouble(), 1e-9);
        assertEquals("2023-04-01T10:00:05Z", j.get("start_at").asText(), "instants are UTC in every --json");
    }

    @Test
    void jobsFiltersByUserAndState() throws IOException {
        Cli cli = new Cli(dir);
        cli.run("ingest", "sacct", fixture("slurm-22.05-parsable2.txt").toString());
        for (JsonNode n : jobs(cli, "--user", "alice")) assertEquals("alice", n.get("user").asText());
        JsonNode failed = jobs(cli, "--state", "failed,timeout");
        assertFalse(failed.isEmpty());
        for (JsonNode n : failed) assertTrue(List.of("FAILED", "TIMEOUT").contains(n.get("state").asText()), n.toString());
    }

    @Test
    void aBadLineStoresNothingOfItsFileAndIsReportedByFileLineAndField() throws IOException {
        Cli cli = new Cli(dir);
        Path good = fixture("slurm-22.05-parsable2.txt");
        assertEquals(0, cli.run("ingest", "sacct", good.toString()).exit());
        int before = jobs(cli).size();
        List<String> lines = Files.readAllLines(good, StandardCharsets.UTF_8);
        // a second file: new jobs first, then a garbage elapsed time on line 4
        Path bad = dir.resolve("bad.txt");
        String header = lines.get(0);
        String row = lines.get(1).replace("1001|1001|", "5001|5001|");
        String row2 = lines.get(1).replace("1001|1001|", "5002|5002|");
        String broken = lines.get(1).replace("1001|1001|", "5003|5003|").replace("|3600|", "|36x0|");
        Files.write(bad, List.of(header, row, row2, broken), StandardCharsets.UTF_8);
        Cli.Result r = cli.run("ingest", "sacct", bad.toString());
        assertEquals(65, r.exit(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains(bad + ":4:"), r.err());
        assertTrue(r.err().contains("ElapsedRaw"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertEquals(before, jobs(cli).size(), "the failed file stored nothing");
    }

    @Test
    void standardInputWithAFormatListAndNoHeader() throws IOException {
        Cli cli = new Cli(dir);
        cli.stdin = ("42|bob|COMPLETED|00:10:00|00:05:00|billing=2,cpu=2,mem=4G,node=1\n"
                + "42.batch|bob|COMPLETED|00:10:00|00:05:00|cpu=2,mem=4G,node=1\n").getBytes(StandardCharsets.UTF_8);
        Cli.Result r = cli.run("ingest", "sacct", "-", "--format", "JobID,User,State,Elapsed,TotalCPU,AllocTRES");
        assertEquals(0, r.exit(), r.toString());
        JsonNode j = jobs(cli).get(0);
        assertEquals("42", j.get("job_id").asText());
        assertEquals(0.25, j.get("cpu_eff").asDouble(), 1e-9);
    }

    @Test
    void anArrayIdListsItsTasks() throws IOException {
        Cli cli = new Cli(dir);
        cli.run("ingest", "sacct", fixture("slurm-22.05-parsable2.txt").toString());
        Cli.Result r = cli.run("job", "1002");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("Job 1002 is an array of "), r.out());
        assertTrue(r.out().contains("1002_1") && r.out().contains("1002_[3-5%2]"), r.out());
        JsonNode tasks = JSON.readTree(cli.run("job", "1002", "--json").out());
        assertTrue(tasks.size() >= 2, tasks.toString());
        assertEquals("1002_1", tasks.get(0).get("job_id").asText());
    }

    @Test
    void aMissingFileIsAnIoErrorNotACrash() {
        Cli.Result r = new Cli(dir).run("ingest", "sacct", dir.resolve("nope.txt").toString());
        assertEquals(74, r.exit(), r.toString());
        assertTrue(r.err().contains("nope.txt"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void invalidUtf8IsReportedWithItsLine() throws IOException {
        Cli cli = new Cli(dir);
        Path f = dir.resolve("latin1.txt");
        byte[] head = "JobID|JobName|State\n1|ok|COMPLETED\n2|caf".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "|COMPLETED\n".getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + 1 + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        all[head.length] = (byte) 0xE9;
        System.arraycopy(tail, 0, all, head.length + 1, tail.length);
        Files.write(f, all);
        Cli.Result r = cli.run("ingest", "sacct", f.toString());
        assertEquals(65, r.exit(), r.toString());
        assertTrue(r.err().contains(f + ":3"), r.err());
    }

    @Test
    void swfTraceIngestsWithItsJobs() throws IOException {
        Cli cli = new Cli(dir);
        Path f = dir.resolve("t.swf");
        Files.writeString(f, "; UnixStartTime: 1000000000\n"
                + "1 0 10 100 4 90 -1 4 200 -1 1 3 1 -1 1 -1 -1 -1\n"
                + "2 5 20 50 2 -1 -1 2 100 -1 0 4 1 -1 1 -1 -1 -1\n");
        Cli.Result r = cli.run("ingest", "swf", f.toString(), "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode all = jobs(cli);
        assertEquals(2, all.size());
        assertEquals("u3", all.get(0).get("user").asText());
        assertEquals("FAILED", all.get(1).get("state").asText());
    }
}
