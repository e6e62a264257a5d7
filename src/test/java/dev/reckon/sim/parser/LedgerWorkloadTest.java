package dev.reckon.sim.parser;

import dev.reckon.ledger.Ledger;
import dev.reckon.model.Job;
import dev.reckon.sim.Machine;
import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.SimResult;
import dev.reckon.sim.Simulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LedgerWorkloadTest {
    static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    static Job job(String id, Instant submit, Instant start, Instant end, Long elapsed, long limit, int cpus,
                   Long mem, String state) {
        return new Job("c", id, id, "n", "alice", "acct", "batch", null, null, null, state, null, submit, start, end,
                elapsed, limit, cpus, mem, start == null ? null : cpus, start == null ? null : 1, mem, 0, null, null,
                null, List.of());
    }

    @Test
    void aPeriodOfTheLedgerSimulatesWithMemoryAndReportsWhatCannot(@TempDir Path dir) {
        try (Ledger l = Ledger.open(dir.resolve("l.db").toString())) {
            l.ingest("test", sink -> {
                sink.accept(job("1", T, T, T.plusSeconds(100), 100L, 600, 4, 8L << 30, "COMPLETED"));
                sink.accept(job("2", T.plusSeconds(10), T.plusSeconds(10), T.plusSeconds(50), 40L, 600, 4, 8L << 30,
                        "COMPLETED"));
                sink.accept(job("3", T.plusSeconds(20), null, T.plusSeconds(30), 0L, 600, 2, null, "CANCELLED"));
                sink.accept(job("4", T.plusSeconds(30), T.plusSeconds(30), null, null, 600, 2, null, "RUNNING"));
                sink.accept(job("5", T.minusSeconds(3600), T.minusSeconds(3600), T.minusSeconds(3000), 600L, 600, 1,
                        null, "COMPLETED"));
            }, Map.of());
            Load load = LedgerWorkload.read(l, T, T.plusSeconds(3600));
            assertEquals(2, load.workload().size());
            assertEquals("never started (CANCELLED)", load.dropped().get(0).reason());
            assertEquals("still running: runtime unknown", load.dropped().get(1).reason());
            // one node of 4 cores and 12 GiB: the two 8 GiB jobs cannot share it
            Machine m = new Machine(List.of(new Machine.Group("n", 1, 8, 12L << 30, 0, java.util.Set.of("batch"))));
            SimResult r = Simulator.run(m, load.workload(), "easy", SimDefaults.load());
            assertEquals(T.getEpochSecond() + 100, r.start(1));
        }
    }
}
