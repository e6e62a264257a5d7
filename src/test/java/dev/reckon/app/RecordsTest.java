package dev.reckon.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reckon.core.BadRequest;
import dev.reckon.core.InputError;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.AuditEntry;
import dev.reckon.model.Job;
import dev.reckon.report.JobView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordsTest {
    @TempDir
    Path dir;

    private Doors ingested() throws IOException {
        Doors d = new Doors(dir);
        d.run(0, "ingest", "sacct", d.fixture("slurm-22.05-parsable2.txt").toString());
        return d;
    }

    @Test
    void oneJobIsTheSameThroughBothDoors() throws IOException {
        Doors d = ingested();
        Records records = new Records(d.context());
        for (String id : List.of("1001", "1002", "1010", "1002_1")) {
            Records.Found f = records.job(new Records.JobRequest(id, null));
            assertTrue(f.found(), id);
            assertEquals(Doors.tree(d.run(0, "job", id, "--json").out()), Doors.asJson(f), id);
        }
        assertFalse(records.job(new Records.JobRequest("1001", "elsewhere")).found());
        d.run(1, "job", "1001", "--cluster", "elsewhere");
    }

    @Test
    void jobsStreamTheSameJobsTheCommandPrints() throws IOException {
        Doors d = ingested();
        List<JobView> seen = new ArrayList<>();
        Records.Listing l = new Records(d.context()).jobs(
                new Records.JobsRequest("bob", null, null, null, null, null, null, null),
                j -> seen.add(JobView.of(j, d.context().zone(), false)));
        assertEquals(seen.size(), l.count());
        assertTrue(l.count() > 0);
        assertEquals(Doors.tree(d.run(0, "jobs", "--user", "bob", "--json").out()), Doors.asJson(seen));
        List<Job> two = new ArrayList<>();
        new Records(d.context()).jobs(new Records.JobsRequest(null, null, null, null, null, null, null, 2), two::add);
        assertEquals(2, two.size());
    }

    @Test
    void jobsKeepOnlyWhatACharterClaimsOrANameMatchesAndTheLimitCountsWhatIsKept() throws IOException {
        Doors d = ingested();
        Files.writeString(d.charters().resolve("sweeps.yaml"), Doors.CHARTER.formatted("sweeps", "bob")
                .replace("window: {start: 2026-10-01, end: 2026-12-31}", "window: {start: 2023-01-01, end: 2023-12-31}")
                + "match:\n  jobs:\n    - {user: bob, name: \"sw*\"}\n");
        List<Job> claimed = new ArrayList<>();
        new Records(d.context()).jobs(new Records.JobsRequest(null, null, null, null, null, null, null, null,
                "sweeps", null), claimed::add);
        assertFalse(claimed.isEmpty());
        assertTrue(claimed.stream().allMatch(j -> j.user().equals("bob") && j.name().startsWith("sw")), claimed.toString());
        List<Job> named = new ArrayList<>();
        new Records(d.context()).jobs(new Records.JobsRequest(null, null, null, null, null, null, null, 1, null, "sw?ep"),
                named::add);
        assertEquals(1, named.size(), "the limit counts the jobs kept, not the jobs read");
        assertEquals("sweep", named.get(0).name());
        assertEquals(Doors.tree(d.run(0, "jobs", "--charter", "sweeps", "--json").out()),
                Doors.asJson(claimed.stream().map(j -> JobView.of(j, d.context().zone(), false)).toList()));
        assertTrue(d.run(2, "jobs", "--charter", "nope").err().contains("--charter: no valid charter nope"));
    }

    @Test
    void aNegativeLimitIsABadRequestNamingTheOption() {
        Doors d = new Doors(dir);
        BadRequest e = assertThrows(BadRequest.class, () -> new Records(d.context())
                .jobs(new Records.JobsRequest(null, null, null, null, null, null, null, -1), j -> {}));
        assertEquals("--limit: must be 0 or more", e.getMessage());
        assertTrue(d.run(2, "jobs", "--limit", "-1").err().contains("--limit: must be 0 or more"));
    }

    @Test
    void theAuditLogIsTheSameThroughBothDoors() {
        Doors d = new Doors(dir);
        try (Ledger l = Ledger.open(d.cli.env.get("RECKON_LEDGER"))) {
            l.audit(new AuditEntry(Instant.parse("2026-11-09T12:00:00Z"), "root", "cancel", "hpc", "100", null, true,
                    "scancel 100"));
            l.audit(new AuditEntry(Instant.parse("2026-10-01T00:00:00Z"), "root", "notify", "hpc", "100", "vision",
                    true, "mailed alice"));
        }
        Records.AuditLog log = new Records(d.context()).audit(new Records.AuditRequest(null, null, "100"));
        assertEquals(2, log.entries().size());
        assertEquals(Doors.tree(d.run(0, "audit", "--job", "100", "--json").out()), Doors.asJson(log));
    }

    @Test
    void metricsRecordedThroughTheServiceAreListedAsTheCommandListsThem() throws IOException {
        Doors d = new Doors(dir);
        d.charter("vision");
        Records records = new Records(d.context());
        Records.Recorded r = records.record(new Records.MetricReport("vision",
                List.of(new Records.Reading("loss", "0.31"), new Records.Reading("val_accuracy", "9.3e-1")), "4242", null));
        assertEquals(new Records.Recorded(2, "vision", "4242", null), r);
        Records.MetricLog log = records.metrics("vision");
        assertEquals("default", log.metrics().get(0).cluster(), "a job's metric without a cluster gets the configured one");
        assertEquals(Instant.parse(Doors.NOW), log.metrics().get(0).at());
        assertEquals(Doors.tree(d.run(0, "metrics", "vision", "--json").out()), Doors.asJson(log));

        BadRequest bad = assertThrows(BadRequest.class, () -> records.record(new Records.MetricReport("vision",
                List.of(new Records.Reading("loss", "abc")), null, null)));
        assertEquals("\"loss=abc\": \"abc\" is not a number", bad.getMessage());
    }

    @Test
    void aMetricsFileFromStandardInputIsRecordedWhole() throws IOException {
        Doors d = new Doors(dir);
        d.charter("vision");
        byte[] lines = ("{\"charter\":\"vision\",\"name\":\"loss\",\"value\":1.2,\"job_id\":7}\n"
                + "{\"charter\":\"vision\",\"name\":\"loss\",\"value\":0.8}\n").getBytes(StandardCharsets.UTF_8);
        Records.Recorded r = new Records(d.context()).record(new Records.MetricFile("-", new ByteArrayInputStream(lines)));
        assertEquals(new Records.Recorded(2, null, null, "-"), r);
        assertEquals(2, new Records(d.context()).metrics("vision").metrics().size());
    }

    @Test
    void aMetricForADirectoryWhoseChartersAreAllInvalidSaysSo() throws IOException {
        Doors d = new Doors(dir);
        Files.writeString(d.charters().resolve("a.yaml"), "id: a\n");
        Files.writeString(d.charters().resolve("b.yaml"), "id: b\n");
        InputError e = assertThrows(InputError.class, () -> new Records(d.context()).record(new Records.MetricReport(
                "a", List.of(new Records.Reading("loss", "1")), null, null)));
        assertTrue(e.getMessage().contains("2 charter files in " + d.charters() + ", none valid: run reckon charter check"),
                e.getMessage());
        String err = d.run(65, "metric", "a", "loss=1").err();
        assertTrue(err.contains("none valid") && !err.contains("it has none"), err);
    }

    @Test
    void theMetricDoorPassesSlurmsEnvironmentAsRequestFields() {
        Doors d = new Doors(dir);
        try {
            d.charter("vision");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        d.cli.env.putAll(Map.of("SLURM_ARRAY_JOB_ID", "4242", "SLURM_ARRAY_TASK_ID", "7", "SLURM_CLUSTER_NAME", "hpc"));
        assertTrue(d.run(0, "metric", "vision", "loss=1").out().contains("recorded 1 metric for vision (job 4242_7)"));
        JsonNode m = Doors.asJson(new Records(d.context()).metrics("vision")).get(0);
        assertEquals("4242_7", m.get("job_id").asText());
        assertEquals("hpc", m.get("cluster").asText());
    }
}
