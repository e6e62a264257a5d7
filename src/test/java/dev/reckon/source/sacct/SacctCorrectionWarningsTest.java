package dev.reckon.source.sacct;

import dev.reckon.model.Job;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every value the reader stores corrected is told, as {@code FILE:LINE: FIELD: job ID: what}: a repeated step line,
 * CPU time beyond the allocation, control characters in free text, a GPU utilisation above 100%, steps past the
 * limit. Clean input tells nothing.
 */
class SacctCorrectionWarningsTest {
    private static final String HEAD = "JobID|JobName|State|Start|End|ElapsedRaw|AllocCPUS|TotalCPU\n";

    private record Read(List<Job> jobs, List<String> warnings) {}

    private static Read read(String text) throws IOException {
        List<Job> jobs = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        new SacctReader(new SacctOptions("|", null, ZoneOffset.UTC, "c"))
                .onCorrection(c -> warnings.add(c.message()))
                .read(new StringReader(text), "t.txt", jobs::add);
        return new Read(jobs, warnings);
    }

    @Test
    void cleanInputIsStoredWithoutAWarning() throws IOException {
        Read r = read(HEAD + "1|j|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|02:00:00\n"
                + "1.batch|batch|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|02:00:00\n");
        assertEquals(List.of(), r.warnings());
        assertEquals(7200.0, r.jobs().get(0).totalCpuS(), 0.001);
    }

    @Test
    void aStepLineRepeatedIsToldEachTimeWithItsLine() throws IOException {
        String step = "1.0|s|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|04:00:00\n";
        Read r = read(HEAD + "1|j|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|\n" + step + step + step);
        assertEquals(List.of(
                "t.txt:4: JobID: job 1: step 1.0 printed again: this line replaces the earlier one (a step counts once)",
                "t.txt:5: JobID: job 1: step 1.0 printed again: this line replaces the earlier one (a step counts once)"),
                r.warnings());
        assertEquals(1, r.jobs().get(0).steps().size());
    }

    @Test
    void aStepPrintedAgainAmongManyReplacesItsFirstLineWhereverItIs() throws IOException {
        // the first steps of a job are looked for one by one, those past sixteen by their id: both find it again
        StringBuilder in = new StringBuilder(HEAD + "1|j|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|\n");
        for (int k = 0; k < 20; k++) {
            in.append("1.").append(k).append("|s").append(k)
                    .append("|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|00:10:00\n");
        }
        in.append("1.3|again|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|00:20:00\n");
        in.append("1.18|again|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|00:20:00\n");
        Read r = read(in.toString());
        assertEquals(2, r.warnings().size(), r.warnings().toString());
        List<dev.reckon.model.Step> steps = r.jobs().get(0).steps();
        assertEquals(20, steps.size());
        assertEquals("again", steps.get(3).name());
        assertEquals("again", steps.get(18).name());
        assertEquals(22 * 600.0, r.jobs().get(0).totalCpuS(), 0.001);
    }

    @Test
    void cpuTimeBeyondTheAllocationIsCappedAndTold() throws IOException {
        Read r = read(HEAD + "7|j|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|12:00:00\n");
        assertEquals(List.of("t.txt:2: TotalCPU: job 7: CPU time 43200 s is more than 4 CPUs for 3600 s allow: "
                + "stored as 14404 s (efficiency at most 100%)"), r.warnings());
        assertEquals(14_404.0, r.jobs().get(0).totalCpuS(), 0.001);
    }

    @Test
    void controlCharactersInANameAreShownAndTold() throws IOException {
        Read r = read(HEAD + "3|a\u001b[2Jb\u0007|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|01:00:00\n");
        assertEquals(List.of("t.txt:2: JobName: job 3: 2 control characters stored as U+FFFD"), r.warnings());
        assertEquals("a\uFFFD[2Jb\uFFFD", r.jobs().get(0).name());
    }

    @Test
    void aGpuUtilisationAboveOneHundredPercentIsCappedAndTold() throws IOException {
        Read r = read("JobID|State|Start|End|ElapsedRaw|AllocCPUS|AllocTRES|TRESUsageInAve\n"
                + "5|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|cpu=4,gres/gpu=1|\n"
                + "5.0|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4||gres/gpuutil=250\n");
        assertEquals(List.of("t.txt:2: TRESUsageInAve: job 5: GPU utilisation 250% is more than one GPU can allow: "
                + "stored as 100%"), r.warnings());
        assertEquals(1.0, r.jobs().get(0).gpuUtil(), 1e-9);
    }

    @Test
    void stepsPastTheLimitAreFoldedAndToldOnce() throws IOException {
        StringBuilder b = new StringBuilder(HEAD + "9|j|COMPLETED|2024-01-01T00:00:00|2024-01-01T01:00:00|3600|4|\n");
        for (int i = 0; i < SacctReader.MAX_STEPS + 5; i++) {
            b.append("9.").append(i).append("|s|COMPLETED|2024-01-01T00:00:00|2024-01-01T00:00:01|1|1|00:00:01\n");
        }
        Read r = read(b.toString());
        assertEquals(List.of("t.txt:2: JobID: job 9: 5 steps past the first 10,000 folded into one step 'more' "
                + "(their CPU time summed, their peak memory the largest)"), r.warnings());
    }
}
