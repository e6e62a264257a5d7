package dev.reckon.ledger;

import dev.reckon.model.AuditEntry;
import dev.reckon.model.Job;
import dev.reckon.model.Metric;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.reckon.ledger.LedgerContract.at;
import static dev.reckon.ledger.LedgerContract.job;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One ledger object on PostgreSQL shared by several threads, as a server would: readers do not wait for each other
 * nor for an ingest, and see only whole ingests. Needs {@code RECKON_TEST_PG_URL} like {@link PostgresLedgerTest}.
 * The waits below only guard against a hang; what is asserted is what the calls returned.
 */
class PostgresConcurrencyTest {

    private static final long GUARD_S = 60;
    private PostgresSchema schema;
    private String url;

    @BeforeAll
    static void needsAServer() {
        PostgresSchema.baseUrl();
    }

    @BeforeEach
    void freshSchema() throws SQLException {
        schema = PostgresSchema.create();
        url = schema.url();
    }

    @AfterEach
    void dropSchema() throws SQLException {
        schema.close();
    }

    private static List<Job> jobs(String cluster, int from, int n) {
        List<Job> out = new ArrayList<>(n);
        for (int i = from; i < from + n; i++) {
            out.add(job(cluster, Integer.toString(i), i % 7 == 0 ? "FAILED" : "COMPLETED", at(i % 100), at(i % 100 + 1)));
        }
        return out;
    }

    @Test
    void aReadCompletesWhileAnotherReadIsOpenAndWhileAnIngestIsUnderWay() throws Exception {
        List<Job> seed = jobs("c", 0, 300);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (Ledger l = Ledger.open(url)) {
            l.ingest("seed", LedgerContract.emitting(seed), Map.of());
            List<Job> before = l.jobs(JobQuery.all());
            assertEquals(new java.util.HashSet<>(seed), new java.util.HashSet<>(before));
            // A streaming read stays open (its connection borrowed) until another thread has read.
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch otherDone = new CountDownLatch(1);
            Future<Integer> open = pool.submit(() -> {
                int[] n = {0};
                l.forEachJob(JobQuery.all(), j -> {
                    if (n[0]++ == 0) {
                        inside.countDown();
                        await(otherDone);
                    }
                });
                return n[0];
            });
            assertTrue(inside.await(GUARD_S, TimeUnit.SECONDS));
            Future<Optional<Job>> other = pool.submit(() -> l.job("7", "c"));
            assertEquals(Optional.of(seed.get(7)), other.get(GUARD_S, TimeUnit.SECONDS),
                    "a read completed while another read held its connection");
            otherDone.countDown();
            assertEquals(300, open.get(GUARD_S, TimeUnit.SECONDS));

            // An ingest stays open halfway until a reader has read: the reader sees the ledger as before it.
            CountDownLatch halfway = new CountDownLatch(1);
            CountDownLatch readDone = new CountDownLatch(1);
            Future<Ledger.IngestReport> ingest = pool.submit(() -> l.ingest("slow", sink -> {
                jobs("w", 0, 6_000).forEach(sink);  // more than a chunk: rows are written before it pauses
                halfway.countDown();
                await(readDone);
                jobs("w", 6_000, 100).forEach(sink);
            }, Map.of("w", "done")));
            assertTrue(halfway.await(GUARD_S, TimeUnit.SECONDS));
            Future<List<Job>> during = pool.submit(() -> l.jobs(JobQuery.all()));
            Future<Optional<String>> markDuring = pool.submit(() -> l.mark("w"));
            assertEquals(before, during.get(GUARD_S, TimeUnit.SECONDS), "a read during an ingest sees none of it");
            assertEquals(Optional.empty(), markDuring.get(GUARD_S, TimeUnit.SECONDS));
            readDone.countDown();
            assertEquals(new Ledger.IngestReport(6_100, 6_100, 0, 0), ingest.get(GUARD_S, TimeUnit.SECONDS));
            assertEquals(6_100, l.jobs(JobQuery.all().withCluster("w")).size());
            assertEquals(Optional.of("done"), l.mark("w"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void severalReadersAndOneWriterThroughOneLedger() throws Exception {
        int batches = 8;
        int perBatch = 400;
        List<Job> seed = jobs("c", 0, 1_000);
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try (Ledger l = Ledger.open(url)) {
            l.ingest("seed", LedgerContract.emitting(seed), Map.of());
            List<Job> seedRead = l.jobs(JobQuery.all());
            assertEquals(seed.size(), seedRead.size());
            AtomicBoolean writing = new AtomicBoolean(true);
            Future<Integer> writer = pool.submit(() -> {
                try {
                    for (int b = 0; b < batches; b++) {
                        Ledger.IngestReport r = l.ingest("batch " + b,
                                LedgerContract.emitting(jobs("w", b * perBatch, perBatch)),
                                Map.of("batch", Integer.toString(b)));
                        assertEquals(new Ledger.IngestReport(perBatch, perBatch, 0, 0), r);
                        l.recordMetrics(List.of(new Metric("vision", "loss", b, at(b), null, null, "test"),
                                new Metric("vision", "step", b, at(b), null, null, "test")));
                        l.audit(new AuditEntry(at(b), "root", "notify", "w", Integer.toString(b * perBatch), null,
                                true, "batch " + b));
                    }
                    return batches;
                } finally {
                    writing.set(false);
                }
            });
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                int who = r;
                readers.add(pool.submit(() -> {
                    int rounds = 0;
                    int lastSeen = 0;
                    do {
                        // the seed, always whole and unchanged
                        assertEquals(seedRead, l.jobs(JobQuery.all().withCluster("c")));
                        assertEquals(Optional.of(seed.get(rounds % seed.size())),
                                l.job(Integer.toString(rounds % seed.size()), "c"));
                        // the writer's jobs: whole ingests only, never fewer than seen before
                        int seen = l.jobs(JobQuery.all().withCluster("w")).size();
                        assertEquals(0, seen % perBatch, "reader " + who + " saw part of an ingest: " + seen);
                        assertTrue(seen >= lastSeen, "reader " + who + ": " + seen + " after " + lastSeen);
                        lastSeen = seen;
                        // metrics are recorded two at a time, in one transaction
                        assertEquals(0, l.metrics("vision").size() % 2);
                        l.auditLog(null, null, null);
                        l.mark("batch");
                        rounds++;
                    } while (writing.get() || rounds < 3);
                    return rounds;
                }));
            }
            assertEquals(batches, writer.get(GUARD_S * 2, TimeUnit.SECONDS));
            for (Future<Integer> r : readers) assertTrue(r.get(GUARD_S, TimeUnit.SECONDS) >= 3);
            assertEquals(batches * perBatch, l.jobs(JobQuery.all().withCluster("w")).size());
            assertEquals(2 * batches, l.metrics("vision").size());
            assertEquals(batches, l.auditLog(null, null, null).size());
            assertTrue(l.audited("w", Integer.toString((batches - 1) * perBatch), "notify"));
            assertEquals(Optional.of(Integer.toString(batches - 1)), l.mark("batch"));
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(GUARD_S, TimeUnit.SECONDS)) throw new IllegalStateException("waited too long");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
