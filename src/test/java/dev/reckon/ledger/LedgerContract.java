package dev.reckon.ledger;

import dev.reckon.model.AuditEntry;
import dev.reckon.model.Job;
import dev.reckon.model.Metric;
import dev.reckon.model.Step;
import dev.reckon.core.InputError;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user notices of the ledger, the same on every backend. A subclass names a fresh, empty ledger location
 * per test and a raw JDBC connection to it.
 */
abstract class LedgerContract {

    /** A location for a fresh ledger; the same value each time within one test. */
    abstract String location();

    /** A plain JDBC connection to the database behind {@link #location()}. */
    abstract Connection raw() throws SQLException;

    static final Instant T0 = Instant.parse("2024-03-01T00:00:00Z");

    static Instant at(long hours) {
        return T0.plusSeconds(hours * 3600);
    }

    static Job job(String cluster, String id, String state, Instant submit, Instant end) {
        return job(cluster, id, state, submit, end, "alice", "physics", "cpu", List.of());
    }

    static Job job(String cluster, String id, String state, Instant submit, Instant end, String user, String account,
                   String partition, List<Step> steps) {
        Instant start = submit == null ? null : submit.plusSeconds(60);
        Long elapsed = start == null || end == null ? null : end.getEpochSecond() - start.getEpochSecond();
        return new Job(cluster, id, id, "job-" + id, user, account, partition, "normal", null, null, state, "0:0",
                submit, start, end, elapsed, 7200L, 4, 8L << 30, 4, 1, 8L << 30, 0, 100.5, 2L << 30, "node01",
                steps);
    }

    static Ledger.Ingestion emitting(List<Job> jobs) {
        return sink -> jobs.forEach(sink);
    }

    private static List<Job> threeJobs() {
        return List.of(
                job("alpha", "100", "COMPLETED", at(0), at(2)),
                job("alpha", "101", "FAILED", at(1), at(3)),
                job("alpha", "102_1", "RUNNING", at(2), null));
    }

    @Test
    void sameInputTwiceChangesNothing() {
        try (Ledger l = Ledger.open(location())) {
            assertEquals(new Ledger.IngestReport(3, 3, 0, 0), l.ingest("a.txt", emitting(threeJobs()), Map.of()));
            List<Job> first = l.jobs(JobQuery.all().withSteps(true));
            assertEquals(new Ledger.IngestReport(3, 0, 0, 3), l.ingest("a.txt", emitting(threeJobs()), Map.of()));
            assertEquals(first, l.jobs(JobQuery.all().withSteps(true)));
            assertEquals(threeJobs(), first);
        }
    }

    @Test
    void aJobSeenLaterInANewStateIsUpdatedNotDuplicated() {
        try (Ledger l = Ledger.open(location())) {
            Job running = job("alpha", "200", "RUNNING", at(0), null);
            Job done = job("alpha", "200", "COMPLETED", at(0), at(5));
            assertEquals(new Ledger.IngestReport(1, 1, 0, 0), l.ingest("squeue", emitting(List.of(running)), Map.of()));
            assertEquals(new Ledger.IngestReport(2, 1, 1, 0), l.ingest("sacct",
                    emitting(List.of(done, job("alpha", "201", "PENDING", at(1), null))), Map.of()));
            List<Job> all = l.jobs(JobQuery.all());
            assertEquals(List.of(done, job("alpha", "201", "PENDING", at(1), null)), all);
        }
    }

    @Test
    void aJobRepeatedWithinOneInputIsStoredOnceAsLastSeen() {
        try (Ledger l = Ledger.open(location())) {
            List<Job> input = new ArrayList<>();
            for (int i = 0; i < 12_000; i++) input.add(job("alpha", Integer.toString(i), "RUNNING", at(i % 50), null));
            for (int i = 0; i < 12_000; i += 6) input.add(job("alpha", Integer.toString(i), "COMPLETED", at(i % 50), at(60)));
            Ledger.IngestReport r = l.ingest("big", emitting(input), Map.of());
            assertEquals(14_000, r.read());
            assertEquals(12_000, r.inserted());
            assertEquals(0, r.updated(), "a job new to the ledger counts as inserted, however often it came");
            assertEquals(r.read(), r.inserted() + r.updated() + r.unchanged());
            assertEquals(12_000, l.jobs(JobQuery.all()).size());
            assertEquals(2_000, l.jobs(JobQuery.all().withState("completed")).size());
            List<Job> stored = l.jobs(JobQuery.all());
            // Again: repeated jobs may be rewritten on the way (RUNNING, then COMPLETED) but end as they were.
            Ledger.IngestReport again = l.ingest("big", emitting(input), Map.of());
            assertEquals(0, again.inserted());
            assertTrue(again.updated() <= 2_000, again.toString());
            assertEquals(again.read(), again.inserted() + again.updated() + again.unchanged());
            assertEquals(stored, l.jobs(JobQuery.all()));
        }
    }

    @Test
    void aJobRepeatedInsideOneChunkOfTheWriterIsStoredOnceAsLastSeen() {
        try (Ledger l = Ledger.open(location())) {
            // 130 jobs, the 5th coming three times (the last COMPLETED) and the 60th twice, all within the first
            // thousand: rows written 50 to a statement and the rest one by one must keep only the last of each
            List<Job> input = new ArrayList<>();
            for (int i = 0; i < 130; i++) {
                input.add(job("alpha", Integer.toString(i), "RUNNING", at(i % 7), null));
                if (i == 40 || i == 90) input.add(job("alpha", "5", i == 90 ? "COMPLETED" : "FAILED", at(5), at(9)));
                if (i == 120) input.add(job("alpha", "60", "CANCELLED", at(4), at(8)));
            }
            Ledger.IngestReport r = l.ingest("repeats", emitting(input), Map.of());
            assertEquals(new Ledger.IngestReport(133, 130, 0, 3), r);
            assertEquals(130, l.jobs(JobQuery.all()).size());
            assertEquals(List.of(job("alpha", "5", "COMPLETED", at(5), at(9))),
                    l.jobs(JobQuery.all().withState("completed")));
            assertEquals(List.of(job("alpha", "60", "CANCELLED", at(4), at(8))),
                    l.jobs(JobQuery.all().withState("cancelled")));
        }
    }

    @Test
    void aProducerThatFailsHalfwayLeavesTheLedgerExactlyAsBefore() {
        try (Ledger l = Ledger.open(location())) {
            l.ingest("first", emitting(threeJobs()), Map.of("sacct.alpha", "2024-03-01T00:00:00"));
            List<Job> before = l.jobs(JobQuery.all().withSteps(true));
            InputError bad = new InputError("jobs.txt", 7001, "Elapsed", "\"1-2x:00\" is not a duration");
            InputError thrown = assertThrows(InputError.class, () -> l.ingest("jobs.txt", sink -> {
                sink.accept(job("alpha", "100", "CANCELLED", at(0), at(1)));  // changes a stored job
                for (int i = 0; i < 7_000; i++) sink.accept(job("alpha", "9" + i, "COMPLETED", at(1), at(2)));
                throw bad;
            }, Map.of("sacct.alpha", "2024-04-01T00:00:00")));
            assertSame(bad, thrown);
            assertEquals("jobs.txt:7001: field Elapsed: \"1-2x:00\" is not a duration", thrown.getMessage());
            assertEquals(before, l.jobs(JobQuery.all().withSteps(true)));
            assertEquals(Optional.of("2024-03-01T00:00:00"), l.mark("sacct.alpha"));
            // and the ledger still works afterwards
            assertEquals(3, l.ingest("first", emitting(threeJobs()), Map.of()).unchanged());
        }
    }

    @Test
    void aProducerIoFailureStoresNothingAndSurfacesTheIoError() {
        try (Ledger l = Ledger.open(location())) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> l.ingest("pipe", sink -> {
                sink.accept(job("alpha", "1", "COMPLETED", at(0), at(1)));
                throw new IOException("broken pipe");
            }, Map.of("k", "v")));
            assertEquals("broken pipe", e.getCause().getMessage());
            assertTrue(l.jobs(JobQuery.all()).isEmpty());
            assertEquals(Optional.empty(), l.mark("k"));
        }
    }

    @Test
    void aJobWithoutClusterIsRefusedAndNothingIsStored() {
        try (Ledger l = Ledger.open(location())) {
            LedgerException e = assertThrows(LedgerException.class, () -> l.ingest("x", emitting(List.of(
                    job("alpha", "1", "COMPLETED", at(0), at(1)),
                    job(null, "2", "COMPLETED", at(0), at(1)))), Map.of()));
            assertTrue(e.getMessage().contains("job 2"), e.getMessage());
            assertTrue(l.jobs(JobQuery.all()).isEmpty());
        }
    }

    @Test
    void marksAreWrittenOnlyOnSuccessAndReplacedByLaterOnes() {
        try (Ledger l = Ledger.open(location())) {
            assertEquals(Optional.empty(), l.mark("sacct.alpha"));
            l.ingest("a", emitting(threeJobs()), Map.of("sacct.alpha", "one", "other", "x"));
            assertEquals(Optional.of("one"), l.mark("sacct.alpha"));
            assertThrows(InputError.class, () -> l.ingest("b", sink -> {
                throw new InputError("b", 1, null, "bad");
            }, Map.of("sacct.alpha", "two")));
            assertEquals(Optional.of("one"), l.mark("sacct.alpha"));
            l.ingest("c", emitting(List.of()), Map.of("sacct.alpha", "three"));
            assertEquals(Optional.of("three"), l.mark("sacct.alpha"));
            assertEquals(Optional.of("x"), l.mark("other"));
        }
    }

    @Test
    void theWindowHoldsJobsPendingOrRunningAtSomeTimeInIt() {
        try (Ledger l = Ledger.open(location())) {
            l.ingest("w", emitting(List.of(
                    job("c", "1", "COMPLETED", at(0), at(1)),      // ended before the window
                    job("c", "2", "COMPLETED", at(0), at(10)),     // ran across its start
                    job("c", "3", "COMPLETED", at(11), at(12)),    // inside
                    job("c", "4", "RUNNING", at(13), null),        // still running
                    job("c", "5", "PENDING", at(20), null),        // submitted at its end: outside
                    job("c", "6", "COMPLETED", null, at(30)),      // submit unknown, ended in or after
                    job("c", "7", "COMPLETED", at(5), at(10)))), Map.of()); // ended exactly at its start
            JobQuery w = JobQuery.all().withWindow(at(10), at(20));
            assertEquals(List.of("6", "2", "7", "3", "4"), ids(l.jobs(w)));
            assertEquals(List.of("6", "1", "2", "7", "3", "4"), ids(l.jobs(JobQuery.all().withUntil(at(20)))));
            assertEquals(List.of("6", "3", "4", "5"), ids(l.jobs(JobQuery.all().withSince(at(11)))));
        }
    }

    @Test
    void filtersTakeExactNamesCommaListsAndStateWordsInAnyCase() {
        try (Ledger l = Ledger.open(location())) {
            l.ingest("f", emitting(List.of(
                    job("c", "1", "COMPLETED", at(0), at(1), "alice", "phys", "cpu", List.of()),
                    job("c", "2", "FAILED", at(1), at(2), "bob", "chem", "gpu", List.of()),
                    job("c", "3", "CANCELLED", at(2), at(3), "carol", "phys", "gpu", List.of()),
                    job("d", "4", "TIMEOUT", at(3), at(4), "alice", "bio", "cpu", List.of()),
                    job("c", "5", "RUNNING", at(4), null, "alicia", "phys", "cpu", List.of()))), Map.of());
            assertEquals(List.of("1", "4"), ids(l.jobs(JobQuery.all().withUser("alice"))));
            assertEquals(List.of("1", "2", "4"), ids(l.jobs(JobQuery.all().withUser("alice, bob"))));
            assertEquals(List.of("1", "3", "5"), ids(l.jobs(JobQuery.all().withAccount("phys"))));
            assertEquals(List.of("2", "3"), ids(l.jobs(JobQuery.all().withPartition("gpu"))));
            assertEquals(List.of("2", "4"), ids(l.jobs(JobQuery.all().withState("failed,Timeout"))));
            assertEquals(List.of("1", "3"), ids(l.jobs(JobQuery.all().withState("CD,canceled"))));
            assertEquals(List.of("4"), ids(l.jobs(JobQuery.all().withCluster("d"))));
            assertEquals(List.of("3"), ids(l.jobs(JobQuery.all().withAccount("phys").withPartition("gpu"))));
            assertEquals(List.of("1", "2"), ids(l.jobs(JobQuery.all().withLimit(2))));
            assertEquals(List.of(), ids(l.jobs(JobQuery.all().withUser("nobody"))));
        }
    }

    @Test
    void jobsComeBySubmitTimeThenJobIdInNaturalOrder() {
        try (Ledger l = Ledger.open(location())) {
            l.ingest("o", emitting(List.of(
                    job("c", "10", "COMPLETED", at(1), at(2)),
                    job("c", "9_10", "COMPLETED", at(1), at(2)),
                    job("c", "9_2", "COMPLETED", at(1), at(2)),
                    job("c", "9", "COMPLETED", at(1), at(2)),
                    job("c", "11", "COMPLETED", at(0), at(2)))), Map.of());
            assertEquals(List.of("11", "9", "9_2", "9_10", "10"), ids(l.jobs(JobQuery.all())));
            List<String> streamed = new ArrayList<>();
            l.forEachJob(JobQuery.all(), j -> streamed.add(j.jobId()));
            assertEquals(List.of("11", "9", "9_2", "9_10", "10"), streamed);
        }
    }

    @Test
    void stepsRoundTripWithEveryField() {
        List<Step> steps = List.of(
                new Step("batch", "batch", "COMPLETED", "0:0", at(0), at(1), 3600L, 1, 4, 1, 12.25, 1L << 30,
                        null, 1L << 29, "node01"),
                new Step("extern", "extern", "COMPLETED", "0:0", at(0), at(1), 3600L, 1, 4, 1, 0.0, 0L, 0L, 0L,
                        "node01"),
                new Step("0", "we\"ird\\ name\n\ttab \u0001 é ✓", "OUT_OF_MEMORY", "0:125", at(0), null, null,
                        null, null, null, null, null, 5_000_000_000L, null, null),
                new Step("0+1", null, null, null, null, null, null, 16, 64, 2, 1.0e12, Long.MAX_VALUE, null,
                        null, "node[01-02]"));
        Job j = job("c", "77", "OUT_OF_MEMORY", at(0), at(1), "alice", "phys", "cpu", steps);
        try (Ledger l = Ledger.open(location())) {
            l.ingest("s", emitting(List.of(j)), Map.of());
            assertEquals(j, l.jobs(JobQuery.all().withSteps(true)).get(0));
            assertEquals(Optional.of(j), l.job("77", null));
            Job bare = l.jobs(JobQuery.all()).get(0);
            assertEquals(List.of(), bare.steps());
            assertEquals(j.peakMemBytes(), bare.peakMemBytes());
            assertEquals(j.withSteps(List.of(), j.peakMemBytes()), bare);
        }
    }

    @Test
    void aJobIdInSeveralClustersNeedsTheClusterNamed() {
        try (Ledger l = Ledger.open(location())) {
            l.ingest("x", emitting(List.of(
                    job("beta", "500", "COMPLETED", at(0), at(1)),
                    job("alpha", "500", "FAILED", at(0), at(1)),
                    job("alpha", "501", "FAILED", at(0), at(1)))), Map.of());
            LedgerException e = assertThrows(LedgerException.class, () -> l.job("500", null));
            assertTrue(e.getMessage().contains("alpha, beta"), e.getMessage());
            assertEquals("FAILED", l.job("500", "alpha").orElseThrow().state());
            assertEquals("COMPLETED", l.job("500", "beta").orElseThrow().state());
            assertEquals("alpha", l.job("501", null).orElseThrow().cluster());
            assertEquals(Optional.empty(), l.job("501", "beta"));
            assertEquals(Optional.empty(), l.job("999", null));
        }
    }

    @Test
    void earliestUnfinishedIsTheOldestSubmitOfAJobNotYetFinal() {
        try (Ledger l = Ledger.open(location())) {
            assertEquals(Optional.empty(), l.earliestUnfinished("alpha"));
            l.ingest("x", emitting(List.of(
                    job("alpha", "1", "COMPLETED", at(0), at(1)),
                    job("alpha", "2", "RUNNING", at(3), null),
                    job("alpha", "3", "PENDING", at(5), null),
                    job("alpha", "4", "SUSPENDED", at(4), null),
                    job("beta", "5", "RUNNING", at(1), null))), Map.of());
            assertEquals(Optional.of(at(3)), l.earliestUnfinished("alpha"));
            assertEquals(Optional.of(at(1)), l.earliestUnfinished("beta"));
            l.ingest("y", emitting(List.of(job("alpha", "2", "COMPLETED", at(3), at(6)))), Map.of());
            assertEquals(Optional.of(at(4)), l.earliestUnfinished("alpha"));
            assertEquals(Optional.empty(), l.earliestUnfinished("gamma"));
        }
    }

    @Test
    void reopeningTheLedgerKeepsItsJobsAndMarks() {
        try (Ledger l = Ledger.open(location())) {
            l.ingest("a", emitting(threeJobs()), Map.of("m", "1"));
        }
        try (Ledger l = Ledger.open(location())) {
            assertEquals(threeJobs(), l.jobs(JobQuery.all()));
            assertEquals(Optional.of("1"), l.mark("m"));
            assertEquals(3, l.ingest("a", emitting(threeJobs()), Map.of()).unchanged());
        }
    }

    @Test
    void eachIngestIsRecordedWithItsSourceAndCounts() throws SQLException {
        try (Ledger l = Ledger.open(location())) {
            l.ingest("sacct -M alpha", emitting(threeJobs()), Map.of());
            l.ingest("jobs.txt", emitting(List.of(job("alpha", "100", "CANCELLED", at(0), at(2)))), Map.of());
        }
        try (Connection c = raw();
             var rs = c.createStatement().executeQuery("SELECT source, read_count, inserted_count, updated_count, "
                     + "unchanged_count FROM ingests ORDER BY id")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getLong(2) + " " + rs.getLong(3) + " " + rs.getLong(4) + " "
                        + rs.getLong(5));
            }
            assertEquals(List.of("sacct -M alpha 3 3 0 0", "jobs.txt 1 0 1 0"), rows);
        }
        try (Connection c = raw();
             var rs = c.createStatement().executeQuery("SELECT job_id, source FROM jobs ORDER BY job_id")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) rows.add(rs.getString(1) + "=" + rs.getString(2));
            assertEquals(List.of("100=jobs.txt", "101=sacct -M alpha", "102_1=sacct -M alpha"), rows);
        }
    }

    @Test
    void aLedgerWrittenByANewerReckonIsRefused() throws SQLException {
        Ledger.open(location()).close();
        try (Connection c = raw(); PreparedStatement ps = c.prepareStatement("INSERT INTO flyway_schema_history "
                + "(installed_rank, version, description, type, script, checksum, installed_by, execution_time, "
                + "success) VALUES (99, '999', 'from the future', 'SQL', 'V999__from_the_future.sql', 0, 'test', 0, ?)")) {
            ps.setBoolean(1, true);
            ps.executeUpdate();
        }
        LedgerException e = assertThrows(LedgerException.class, () -> Ledger.open(location()));
        assertTrue(e.getMessage().contains("schema version 999"), e.getMessage());
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void streamingVisitsEveryJobOnce() {
        try (Ledger l = Ledger.open(location())) {
            List<Job> input = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) input.add(job("c", Integer.toString(i), "COMPLETED", at(i), at(i + 1)));
            l.ingest("s", emitting(input), Map.of());
            long[] n = {0};
            Consumer<Job> count = j -> n[0]++;
            l.forEachJob(JobQuery.all().withSteps(true), count);
            assertEquals(5_000, n[0]);
            assertEquals(input, l.jobs(JobQuery.all()));
        }
    }

    // ------------------------------------------------------------------------------------- metrics and audit

    @Test
    void metricsOfACharterComeBackInTimeOrderAndOnlyThatCharters() {
        Metric late = new Metric("vision", "loss", 0.5, at(3), "100", "alpha", "env");
        Metric early = new Metric("vision", "loss", 1.25, at(1), null, null, "m.jsonl");
        Metric other = new Metric("speech", "wer", 0.1, at(2), "101_4", "alpha", "env");
        Metric sameTime = new Metric("vision", "val_accuracy", 0.93, at(3), "100", "alpha", "env");
        try (Ledger l = Ledger.open(location())) {
            l.recordMetrics(List.of(late, early, other));
            l.recordMetrics(List.of(sameTime));
            l.recordMetrics(List.of());
            assertEquals(List.of(early, late, sameTime), l.metrics("vision"));
            assertEquals(List.of(other), l.metrics("speech"));
            assertEquals(List.of(), l.metrics("nobody"));
        }
        try (Ledger l = Ledger.open(location())) {
            assertEquals(List.of(early, late, sameTime), l.metrics("vision"));
        }
    }

    @Test
    void auditEntriesAreListedInTimeOrderAndFilteredByWindowAndJob() {
        AuditEntry notify = new AuditEntry(at(1), "root", "notify", "alpha", "100", null, true, "mailed alice");
        AuditEntry dry = new AuditEntry(at(0), "root", "dry-run", "alpha", "101", "vision", false, "would cancel");
        AuditEntry cancel = new AuditEntry(at(3), "root", "cancel", "alpha", "100", null, true, "scancel 100");
        AuditEntry none = new AuditEntry(at(2), "root", "sync", "alpha", null, null, true, "");
        try (Ledger l = Ledger.open(location())) {
            for (AuditEntry e : List.of(notify, dry, cancel, none)) l.audit(e);
            assertEquals(List.of(dry, notify, none, cancel), l.auditLog(null, null, null));
            assertEquals(List.of(notify, none), l.auditLog(at(1), at(3), null));
            assertEquals(List.of(notify, cancel), l.auditLog(null, null, "100"));
            assertEquals(List.of(cancel), l.auditLog(at(2), null, "100"));
            assertEquals(List.of(), l.auditLog(null, null, "999"));
        }
    }

    @Test
    void auditedIsTrueOnlyAfterThatActionWasAppliedToThatJobInThatCluster() {
        try (Ledger l = Ledger.open(location())) {
            assertFalse(l.audited("alpha", "100", "notify"));
            l.audit(new AuditEntry(at(0), "root", "dry-run", "alpha", "100", null, false, "would notify"));
            assertFalse(l.audited("alpha", "100", "notify"));
            l.audit(new AuditEntry(at(0), "root", "notify", "alpha", "100", null, false, "webhook refused: 503"));
            assertFalse(l.audited("alpha", "100", "notify"));
            l.audit(new AuditEntry(at(1), "root", "notify", "alpha", "100", null, true, "mailed alice"));
            assertTrue(l.audited("alpha", "100", "notify"));
            assertFalse(l.audited("beta", "100", "notify"));
            assertFalse(l.audited("alpha", "1000", "notify"));
            assertFalse(l.audited("alpha", "100", "cancel"));
        }
    }

    @Test
    void aLedgerOfTheFirstSchemaIsUpgradedOnOpenAndKeepsItsJobs() throws Exception {
        String url = location().startsWith("jdbc:") ? location() : "jdbc:sqlite:" + location();
        if (!location().startsWith("jdbc:")) {
            java.nio.file.Files.createDirectories(java.nio.file.Path.of(location()).toAbsolutePath().getParent());
        }
        String vendor = url.startsWith("jdbc:postgresql:") ? "postgresql" : "sqlite";
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration/" + vendor)
                .target("1").load().migrate();
        try (Connection c = raw(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO marks (mark_key, mark_value) VALUES ('k', 'from v1')");
            try (ResultSet rs = st.executeQuery("SELECT max(version) FROM flyway_schema_history")) {
                assertTrue(rs.next());
                assertEquals("1", rs.getString(1));
            }
        }
        Metric m = new Metric("vision", "loss", 1.0, at(0), "1", "alpha", "env");
        try (Ledger l = Ledger.open(location())) {
            assertEquals(Optional.of("from v1"), l.mark("k"));
            l.recordMetrics(List.of(m));
            assertEquals(List.of(m), l.metrics("vision"));
            l.audit(new AuditEntry(at(0), "root", "notify", "alpha", "1", null, true, ""));
            assertTrue(l.audited("alpha", "1", "notify"));
            l.saveStudyRows("s", "0/2", List.of(2, 0), List.of("{\"cell\":2}", "{\"cell\":0}"));
            l.saveStudyRows("s", "1/2", List.of(1), List.of("{\"cell\":1}"));
            l.saveStudyRows("s", "0/2", List.of(0), List.of("{\"cell\":0,\"again\":1}"));
            assertEquals(List.of("{\"cell\":0,\"again\":1}", "{\"cell\":1}", "{\"cell\":2}"), l.studyRows("s"),
                    "a study's rows in cell order, a shard run again replacing its own");
            assertEquals(List.of(), l.studyRows("other"));
        }
        try (Connection c = raw(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version FROM flyway_schema_history WHERE success "
                     + (vendor.equals("sqlite") ? "= 1" : "") + " ORDER BY installed_rank")) {
            List<String> versions = new ArrayList<>();
            while (rs.next()) versions.add(rs.getString(1));
            List<String> all = new ArrayList<>();
            for (int v = 1; v <= Integer.parseInt(Ledger.SCHEMA_VERSION); v++) all.add(Integer.toString(v));
            assertEquals(all, versions, "every migration after the first ran");
        }
    }

    static List<String> ids(List<Job> jobs) {
        return jobs.stream().map(Job::jobId).toList();
    }
}
