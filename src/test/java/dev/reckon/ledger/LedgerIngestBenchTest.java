package dev.reckon.ledger;

import dev.reckon.model.Job;
import dev.reckon.model.Step;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A measurement, not a check: ingests synthetic jobs with three steps each into SQLite, reads them all back, and
 * prints the times and peak heap. Excluded from the default build (tag {@code bench}); run it with
 * {@code mvn -B test -Dtest=LedgerIngestBenchTest -Dreckon.test.excludedGroups=none -DargLine=-Xmx1g
 * [-Dreckon.bench.jobs=1000000]}.
 */
@Tag("bench")
class LedgerIngestBenchTest {

    @TempDir
    Path dir;

    @Test
    void ingestAndReadBackManyJobsWithSteps() throws Exception {
        int n = Integer.getInteger("reckon.bench.jobs", 1_000_000);
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) p.resetPeakUsage();
        Path file = dir.resolve("bench.db");
        long t0 = System.nanoTime();
        Ledger.IngestReport r;
        try (Ledger l = Ledger.open(file.toString())) {
            long t1 = System.nanoTime();
            r = l.ingest("bench", sink -> {
                for (int i = 0; i < n; i++) sink.accept(synthetic(i));
            }, Map.of("bench", "done"));
            long t2 = System.nanoTime();
            double[] cpuHours = {0};
            long[] steps = {0};
            Map<String, Integer> byState = new HashMap<>();
            l.forEachJob(JobQuery.all().withSteps(true), j -> {
                cpuHours[0] += j.efficiency().cpuHours();
                steps[0] += j.steps().size();
                byState.merge(j.state(), 1, Integer::sum);
            });
            long t3 = System.nanoTime();
            Ledger.IngestReport again = l.ingest("bench", sink -> {
                for (int i = 0; i < n; i++) sink.accept(synthetic(i));
            }, Map.of());
            long t4 = System.nanoTime();
            System.out.printf("bench: %d jobs, %d steps; open %.2fs, ingest %.2fs (%s), read all with steps %.2fs,"
                            + " re-ingest unchanged %.2fs (%s); file %d MB; peak heap %d MB (max %d MB)%n",
                    n, steps[0], sec(t1 - t0), sec(t2 - t1), r, sec(t3 - t2), sec(t4 - t3), again,
                    Files.size(file) >> 20, peakHeapMb(), Runtime.getRuntime().maxMemory() >> 20);
            assertEquals(n, r.inserted());
            assertEquals(n, again.unchanged());
            assertEquals(3L * n, steps[0]);
        }
    }

    private static double sec(long nanos) {
        return nanos / 1e9;
    }

    private static long peakHeapMb() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) sum += p.getPeakUsage().getUsed();
        }
        return sum >> 20;
    }

    private static final String[] USERS = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
    private static final String[] STATES = {"COMPLETED", "COMPLETED", "COMPLETED", "FAILED", "TIMEOUT", "CANCELLED",
            "OUT_OF_MEMORY", "RUNNING"};

    static Job synthetic(int i) {
        Instant submit = Instant.ofEpochSecond(1_700_000_000L + i * 30L);
        Instant start = submit.plusSeconds(60 + i % 600);
        long elapsed = 60 + (i * 7919L) % 86_400;
        Instant end = start.plusSeconds(elapsed);
        String state = STATES[i % STATES.length];
        boolean running = state.equals("RUNNING");
        int cpus = 1 << (i % 6);
        long mem = (long) cpus << 31;
        String node = "node" + (100 + i % 400);
        List<Step> steps = List.of(
                new Step("batch", "batch", state, "0:0", start, running ? null : end, elapsed, 1, cpus, 1,
                        elapsed * 0.5, mem / 3, null, mem / 4, node),
                new Step("extern", "extern", "COMPLETED", "0:0", start, running ? null : end, elapsed, 1, cpus, 1,
                        0.001, 1L << 20, 1L << 20, 1L << 20, node),
                new Step("0", "python", state, "0:0", start.plusSeconds(5), running ? null : end, elapsed - 5,
                        cpus, cpus, 1, elapsed * 0.7 * cpus, mem / 2, (mem / 2) * cpus, mem / 5, node));
        return new Job("bench", Integer.toString(1_000_000 + i), Integer.toString(1_000_000 + i), "train-" + (i % 97),
                USERS[i % USERS.length], "acct" + (i % 13), i % 5 == 0 ? "gpu" : "cpu", "normal", null, null, state,
                "0:0", submit, running ? null : start, running ? null : end, running ? null : elapsed, 172_800L,
                cpus, mem, cpus, 1, mem, i % 5 == 0 ? 1 : 0, elapsed * 0.6 * cpus, (mem / 2) * cpus, node, steps);
    }
}
