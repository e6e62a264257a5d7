package dev.reckon.ledger;

import dev.reckon.core.InputError;
import dev.reckon.model.Job;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An ingest's input read ahead on its own thread: the same jobs, in order, and its failure after them. */
class ReadAheadTest {

    private static Job job(int i) {
        return LedgerContract.job("alpha", Integer.toString(i), "COMPLETED", Instant.ofEpochSecond(1_700_000_000L + i),
                Instant.ofEpochSecond(1_700_003_600L + i));
    }

    private static List<Job> jobs(int n) {
        List<Job> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(job(i));
        return out;
    }

    @Test
    void everyJobComesOutInTheOrderItWasMade() throws IOException {
        List<Job> made = jobs(5_555);
        List<Job> out = new ArrayList<>();
        try (ReadAhead ahead = ReadAhead.start(sink -> made.forEach(sink))) {
            ahead.run(out::add);
        }
        assertEquals(made.size(), out.size());
        assertEquals(made, out);
    }

    @Test
    void theProducersFailureComesOutUnchangedAfterTheJobsMadeBeforeIt() {
        InputError bad = new InputError("jobs.txt", 2_501, "Elapsed", "\"1-2x:00\" is not a duration");
        List<Job> out = new ArrayList<>();
        try (ReadAhead ahead = ReadAhead.start(sink -> {
            jobs(2_500).forEach(sink);
            throw bad;
        })) {
            assertSame(bad, assertThrows(InputError.class, () -> ahead.run(out::add)));
        }
        assertEquals(2_500, out.size());
        assertEquals(jobs(2_500), out);
    }

    @Test
    void anIoErrorOfTheInputComesOutAsOne() {
        IOException broken = new IOException("jobs.txt: Input/output error");
        try (ReadAhead ahead = ReadAhead.start(sink -> {
            sink.accept(job(1));
            throw broken;
        })) {
            assertSame(broken, assertThrows(IOException.class, () -> ahead.run(j -> {})));
        }
    }

    @Test
    void closingStopsAProducerNobodyTakesFrom() {
        AtomicLong made = new AtomicLong();
        AtomicBoolean ended = new AtomicBoolean();
        ReadAhead ahead = ReadAhead.start(sink -> {
            try {
                for (int i = 0; ; i++) {
                    sink.accept(job(i));
                    made.incrementAndGet();
                }
            } finally {
                ended.set(true);
            }
        });
        while (made.get() < 100) Thread.onSpinWait();
        ahead.close();
        assertTrue(ended.get(), "the producer still runs after close");
        long then = made.get();
        assertTrue(then < 10_000, "the producer ran far ahead: " + then + " jobs");
    }

    @Test
    void aLedgerIngestFedByItFailsWholeWhenTheInputFailsHalfway(@org.junit.jupiter.api.io.TempDir Path dir) {
        try (Ledger l = Ledger.open(dir.resolve("ledger.db").toString())) {
            l.ingest("first", LedgerContract.emitting(jobs(3)), Map.of());
            InputError bad = new InputError("jobs.txt", 7_001, "Elapsed", "\"1-2x:00\" is not a duration");
            try (ReadAhead ahead = ReadAhead.start(sink -> {
                jobs(7_000).forEach(sink);
                throw bad;
            })) {
                assertSame(bad, assertThrows(InputError.class, () -> l.ingest("jobs.txt", ahead, Map.of())));
            }
            assertEquals(jobs(3), l.jobs(JobQuery.all()));
            assertFalse(l.jobs(JobQuery.all()).size() > 3);
        }
    }
}
