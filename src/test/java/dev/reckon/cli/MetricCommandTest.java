package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** The charter the metrics belong to, in the default charter directory (HOME is the test's directory). */
    @org.junit.jupiter.api.BeforeEach
    void writeTheCharter() throws IOException {
        Path charters = dir.resolve(".config/reckon/charters");
        java.nio.file.Files.createDirectories(charters);
        for (String id : new String[] {"vision", "speech"}) java.nio.file.Files.writeString(charters.resolve(id + ".yaml"), String.join("\n",
                "id: " + id,
                "purpose: Find out whether the new augmentation lifts validation accuracy.",
                "owner: alice",
                "budget: {gpu_hours: 100, cpu_hours: 1000}",
                "window: {start: 2026-10-01, end: 2026-12-31}",
                "success: val_accuracy >= 0.92",
                "failure: loss > 2.5 after 50 gpu_hours",
                ""));
    }

    @Test
    void aMetricForACharterNobodyWroteIsRefusedNamingTheKnownOnes() {
        Cli.Result r = new Cli(dir).run("metric", "visoin", "loss=0.3");
        assertEquals(65, r.exit(), r.toString());
        assertTrue(r.err().contains("no charter \"visoin\"") && r.err().contains("known: speech, vision"), r.err());
    }

    private JsonNode metrics(Cli cli, String charter) throws IOException {
        Cli.Result r = cli.run("metrics", charter, "--json");
        assertEquals(0, r.exit(), r.toString());
        return JSON.readTree(r.out());
    }

    @Test
    void metricsRecordedFromAJobsEnvironmentCarryItsIdClusterAndTheClocksTime() throws IOException {
        Cli cli = new Cli(dir);
        cli.env.put("RECKON_NOW", "2026-11-01T10:00:00Z");
        cli.env.put("SLURM_JOB_ID", "4242");
        cli.env.put("SLURM_CLUSTER_NAME", "hpc");
        Cli.Result r = cli.run("metric", "vision", "loss=0.31", "val_accuracy=9.3e-1");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("recorded 2 metrics for vision (job 4242)"), r.out());

        JsonNode m = metrics(cli, "vision");
        assertEquals(2, m.size());
        assertEquals("loss", m.get(0).get("name").asText());
        assertEquals(0.31, m.get(0).get("value").asDouble());
        assertEquals("val_accuracy", m.get(1).get("name").asText());
        assertEquals(0.93, m.get(1).get("value").asDouble());
        for (JsonNode x : m) {
            assertEquals("4242", x.get("job_id").asText());
            assertEquals("hpc", x.get("cluster").asText());
            assertEquals("2026-11-01T10:00:00Z", x.get("at").asText());
            assertEquals("vision", x.get("charter").asText());
        }
    }

    @Test
    void anArrayTasksMetricsCarryTheTasksId() throws IOException {
        Cli cli = new Cli(dir);
        cli.env.putAll(Map.of("SLURM_JOB_ID", "4250", "SLURM_ARRAY_JOB_ID", "4242", "SLURM_ARRAY_TASK_ID", "7"));
        assertEquals(0, cli.run("metric", "vision", "loss=1").exit());
        assertEquals("4242_7", metrics(cli, "vision").get(0).get("job_id").asText());
    }

    @Test
    void outsideAJobAMetricHasNoJobAndNoCluster() throws IOException {
        Cli cli = new Cli(dir);
        assertEquals(0, cli.run("metric", "vision", "loss=1").exit());
        JsonNode m = metrics(cli, "vision").get(0);
        assertTrue(m.get("job_id").isNull());
        assertTrue(m.get("cluster").isNull());
    }

    @Test
    void aMetricNameACharterConditionMayUseIsAcceptedByMetric() throws IOException {
        Cli cli = new Cli(dir);
        assertEquals(0, cli.run("metric", "vision", "train/loss=1", "eval:f1=0.5", "val.acc-top5=0.9").exit());
        assertEquals(3, metrics(cli, "vision").size());
        dev.reckon.model.Charter.Condition.parse("train/loss < 2");
    }

    @Test
    void aBadPairIsAUsageErrorNamingItAndStoresNothing() throws IOException {
        Cli cli = new Cli(dir).withEmptyLedger();
        for (String bad : List.of("loss=abc", "=3", "loss", "loss=", "loss=NaN", "loss=1,5")) {
            Cli.Result r = cli.run("metric", "vision", "acc=0.9", bad);
            assertEquals(Main.EXIT_USAGE, r.exit(), bad + ": " + r);
            assertTrue(r.err().contains("\"" + bad + "\""), r.err());
        }
        assertEquals(0, metrics(cli, "vision").size());
        assertEquals(Main.EXIT_USAGE, cli.run("metric", "vision").exit());
        assertEquals(Main.EXIT_USAGE, cli.run("metric").exit());
    }

    @Test
    void aJsonLinesFileIsIngestedWhole() throws IOException {
        Cli cli = new Cli(dir);
        cli.env.put("RECKON_NOW", "2026-11-02T00:00:00Z");
        Path f = dir.resolve("metrics.jsonl");
        Files.writeString(f, """
                {"charter":"vision","name":"loss","value":1.2,"at":"2026-11-01T10:00:00Z","job_id":"123"}

                {"charter":"vision","name":"loss","value":0.8,"at":"2026-11-01T09:00:00+01:00","job_id":124,"cluster":"hpc"}
                {"charter":"speech","name":"wer","value":3}
                """, StandardCharsets.UTF_8);
        Cli.Result r = cli.run("metric", "--file", f.toString());
        assertEquals(0, r.exit(), r.toString());
        JsonNode v = metrics(cli, "vision");
        assertEquals(2, v.size());
        assertEquals("124", v.get(0).get("job_id").asText());
        assertEquals("2026-11-01T08:00:00Z", v.get(0).get("at").asText());
        assertEquals("123", v.get(1).get("job_id").asText());
        assertEquals(f.toString(), v.get(1).get("source").asText());
        JsonNode s = metrics(cli, "speech");
        assertEquals("2026-11-02T00:00:00Z", s.get(0).get("at").asText());
    }

    @Test
    void aBadLineInAJsonLinesFileStoresNothingAndNamesLineAndField() throws IOException {
        Cli cli = new Cli(dir).withEmptyLedger();
        Map<String, String> cases = Map.of(
                "{\"charter\":\"vision\",\"name\":\"loss\",\"value\":\"abc\"}", ":2: field value: ",
                "{\"charter\":\"vision\",\"value\":1}", ":2: field name: missing",
                "{\"charter\":\"vision\",\"name\":\"loss\",\"value\":1,\"at\":\"yesterday\"}", ":2: field at: ",
                "{\"charter\":\"vision\",\"name\":\"loss\",\"vaule\":1}", ":2: field vaule: unknown field",
                "{\"charter\":\"vision\",", ":2: not JSON");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path f = dir.resolve("m.jsonl");
            Files.writeString(f, "{\"charter\":\"vision\",\"name\":\"loss\",\"value\":1}\n" + c.getKey() + "\n"
                    + "{\"charter\":\"vision\",\"name\":\"loss\",\"value\":2}\n", StandardCharsets.UTF_8);
            Cli.Result r = cli.run("metric", "--file", f.toString());
            assertEquals(Main.EXIT_DATA, r.exit(), r.toString());
            assertTrue(r.err().startsWith("reckon: " + f + c.getValue()), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
        }
        assertEquals(0, metrics(cli, "vision").size());
    }

    @Test
    void metricsListsATableOldestFirst() {
        Cli cli = new Cli(dir);
        cli.env.put("RECKON_NOW", "2026-11-01T10:00:00Z");
        assertEquals(0, cli.run("metric", "vision", "loss=2").exit());
        cli.env.put("RECKON_NOW", "2026-11-01T09:00:00Z");
        assertEquals(0, cli.run("metric", "vision", "loss=0.5").exit());
        Cli.Result r = cli.run("metrics", "vision");
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("TIME"), r.out());
        assertTrue(lines.get(1).startsWith("2026-11-01T09:00:00") && lines.get(1).contains("0.5"), r.out());
        assertTrue(lines.get(2).startsWith("2026-11-01T10:00:00") && lines.get(2).contains(" 2 "), r.out());
    }
}
