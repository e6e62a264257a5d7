package dev.reckon.source.sacct;

import dev.reckon.core.InputError;
import dev.reckon.model.Job;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile sacct text: overflowing, out-of-order, repeated, controlled, huge. */
class HostileSacctTest {
    private static final String HEAD = "JobID|JobName|State|Start|End|ElapsedRaw|AllocCPUS|TotalCPU\n";

    private static List<Job> read(Reader in) throws IOException {
        List<Job> out = new ArrayList<>();
        new SacctReader(new SacctOptions("|", null, ZoneOffset.UTC, "c")).read(in, "t.txt", out::add);
        return out;
    }

    private static List<Job> read(String text) throws IOException {
        return read(new StringReader(text));
    }

    @Test
    void anElapsedOf2To63IsRefusedNotOverflowed() {
        InputError e = assertThrows(InputError.class, () -> read(HEAD
                + "1|j|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|9223372036854775807|4|01:00:00\n"));
        assertEquals("t.txt:2: field ElapsedRaw: \"9223372036854775807\" is more than 100 years: not an elapsed time",
                e.getMessage());
    }

    @Test
    void anEndBeforeItsStartIsRefused() {
        InputError e = assertThrows(InputError.class, () -> read(HEAD
                + "1|j|COMPLETED|2024-01-01T02:00:00|2024-01-01T01:00:00|3600|4|01:00:00\n"));
        assertTrue(e.getMessage().startsWith("t.txt:2: field End: \"2024-01-01T01:00:00\" is before the Start"), e.getMessage());
    }

    @Test
    void aStepLineRepeatedThreeTimesCountsOnceAndCpuNeverExceedsTheAllocation() throws IOException {
        String step = "1.0|s|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|04:00:00\n";
        List<Job> jobs = read(HEAD + "1|j|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|\n" + step + step + step);
        assertEquals(1, jobs.get(0).steps().size());
        assertEquals(4 * 3600.0, jobs.get(0).totalCpuS(), 0.001);
        List<Job> over = read(HEAD + "1|j|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|12:00:00\n");
        assertTrue(over.get(0).totalCpuS() <= 3601.0 * 4 + 0, over.get(0).totalCpuS() + "");
    }

    @Test
    void controlCharactersAreRefusedInStatesAndReplacedInNames() throws IOException {
        InputError e = assertThrows(InputError.class, () -> read(HEAD
                + "1|j|COMPLE\u0007TED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|01:00:00\n"));
        assertTrue(e.getMessage().contains("field State: holds the control character U+0007"), e.getMessage());
        List<Job> jobs = read(HEAD + "1|a\u001bb|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|01:00:00\n");
        assertEquals("a\uFFFDb", jobs.get(0).name());
    }

    @Test
    void aHugeLineAndAHugeFieldAreRefusedQuotingAtMost200Characters() {
        String big = "x".repeat(17 << 20);
        InputError line = assertThrows(InputError.class, () -> read(HEAD + "1|" + big + "\n"));
        assertTrue(line.getMessage().startsWith("t.txt:2: the line is longer than"), line.getMessage().substring(0, 80));
        assertTrue(line.getMessage().length() < 400, "" + line.getMessage().length());
        String name = "n".repeat(2 << 20);
        InputError field = assertThrows(InputError.class, () -> read(HEAD
                + "1|" + name + "|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|01:00:00\n"));
        assertTrue(field.getMessage().startsWith("t.txt:2: field JobName: is 2097152 characters long"), field.getMessage().substring(0, 80));
        assertTrue(field.getMessage().length() < 400, "" + field.getMessage().length());
    }

    @Test
    void aJobOfTwoMillionStepsIsReadInBoundedMemory() throws IOException {
        int n = 2_000_000;
        Reader in = new Reader() {
            private String pending = HEAD + "1|j|RUNNING|2024-01-01T00:00:00|Unknown|3600|4|\n";
            private int step, at;

            @Override
            public int read(char[] buf, int off, int len) {
                if (at >= pending.length()) {
                    if (step >= n) return -1;
                    pending = "1." + step++ + "|s|COMPLETED|2024-01-01T00:00:00|2024-01-01T00:00:01|1|1|00:00:01\n";
                    at = 0;
                }
                int k = Math.min(len, pending.length() - at);
                pending.getChars(at, at + k, buf, off);
                at += k;
                return k;
            }

            @Override
            public void close() {}
        };
        Job j = read(in).get(0);
        assertEquals(SacctReader.MAX_STEPS + 1, j.steps().size());
        assertEquals("more", j.steps().get(SacctReader.MAX_STEPS).stepId());
        assertEquals(n, j.steps().stream().mapToDouble(s -> s.totalCpuS()).sum(), 0.5);
    }
}
