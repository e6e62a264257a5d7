package dev.reckon.ledger;

import dev.reckon.model.Job;
import dev.reckon.source.sacct.SacctReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Regression: a pending array range (96_[1-4]) stayed in the ledger beside its finished tasks ("ghost rows"). */
class ArrayGhostRowsTest {
    static final String HEAD = "JobID|JobIDRaw|JobName|User|Account|Partition|Cluster|State|ExitCode|Submit|Start|End|ElapsedRaw\n";

    @TempDir
    Path dir;

    static void ingest(Ledger l, String name, String body) {
        l.ingest(name, sink -> { try { new SacctReader(new dev.reckon.source.sacct.SacctOptions("|", null, ZoneOffset.UTC, "c")).read(new StringReader(HEAD + body), name, sink); } catch (java.io.IOException e) { throw new java.io.UncheckedIOException(e); } }, Map.of());
    }

    static List<String> ids(Ledger l) {
        return l.jobs(JobQuery.all()).stream().map(Job::jobId).sorted().toList();
    }

    @Test
    void aPendingRangeDisappearsOrShrinksAsItsTasksAppear() {
        try (Ledger l = Ledger.open(dir.resolve("l.db").toString())) {
            ingest(l, "t0", "96_[1-4]|96|arr|u|a|p|c|PENDING|0:0|2026-01-01T00:00:00|Unknown|Unknown|0\n");
            assertEquals(List.of("96_[1-4]"), ids(l));
            ingest(l, "t1", "96_1|97|arr|u|a|p|c|COMPLETED|0:0|2026-01-01T00:00:00|2026-01-01T00:01:00|2026-01-01T00:02:00|60\n"
                    + "96_2|98|arr|u|a|p|c|RUNNING|0:0|2026-01-01T00:00:00|2026-01-01T00:01:00|Unknown|60\n"
                    + "96_[3-4]|96|arr|u|a|p|c|PENDING|0:0|2026-01-01T00:00:00|Unknown|Unknown|0\n");
            assertEquals(List.of("96_1", "96_2", "96_[3-4]"), ids(l), "the range shrank");
            ingest(l, "t2", "96_3|99|arr|u|a|p|c|COMPLETED|0:0|2026-01-01T00:00:00|2026-01-01T00:03:00|2026-01-01T00:04:00|60\n"
                    + "96_4|100|arr|u|a|p|c|COMPLETED|0:0|2026-01-01T00:00:00|2026-01-01T00:03:00|2026-01-01T00:04:00|60\n");
            assertEquals(List.of("96_1", "96_2", "96_3", "96_4"), ids(l), "no ghost once every task appeared");
            ingest(l, "t3", "97_[1-2]|101|other|u|a|p|c|PENDING|0:0|2026-01-01T00:00:00|Unknown|Unknown|0\n");
            assertEquals(5, ids(l).size(), "another array's range is its own");
        }
    }
}
