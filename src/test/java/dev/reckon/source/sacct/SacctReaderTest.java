package dev.reckon.source.sacct;

import dev.reckon.model.Job;
import dev.reckon.core.InputError;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SacctReaderTest {

    private static final String HEADER = "JobID|JobName|User|State|ElapsedRaw|AllocCPUS|AllocTRES|TotalCPU|MaxRSS|NTasks";

    static List<Job> read(String text) throws IOException {
        return read(text, new SacctOptions("|", null, ZoneId.of("UTC"), null));
    }

    static List<Job> read(String text, SacctOptions o) throws IOException {
        List<Job> jobs = new ArrayList<>();
        new SacctReader(o).read(new StringReader(text), "jobs.txt", jobs::add);
        return jobs;
    }

    static InputError error(String text) {
        return assertThrows(InputError.class, () -> read(text));
    }

    @Test
    void emptyInputYieldsNoJobs() throws IOException {
        assertEquals(List.of(), read(""));
        assertEquals(List.of(), read("\n\n  \n"));
        assertEquals(List.of(), read(HEADER + "\n"));
    }

    @Test
    void blankLinesAreSkippedAndLineNumbersStillCount() throws IOException {
        InputError e = error(HEADER + "\n\n1|a|u|COMPLETED|1|1||||\n\n2|a|u|COMPLETED|x|1||||\n");
        assertEquals(5, e.line());
        assertEquals("ElapsedRaw", e.field());
        assertEquals("jobs.txt:5: field ElapsedRaw: \"x\" is not a number where one belongs", e.getMessage());
    }

    @Test
    void wrongFieldCountNamesLineAndCounts() {
        InputError e = error(HEADER + "\n1|a|u|COMPLETED|1|1|||\n");
        assertEquals(2, e.line());
        assertTrue(e.problem().contains("expected 10 fields"), e.problem());
        assertTrue(e.problem().contains("found 9"), e.problem());
        e = error(HEADER + "\n1|a|u|COMPLETED|1|1||||||x\n");
        assertTrue(e.problem().contains("found 12"), e.problem());
    }

    @Test
    void parsableTrailingDelimiterIsAcceptedPerLine() throws IOException {
        List<Job> jobs = read(HEADER + "|\n1|a|u|COMPLETED|5|2||||\n2|b|u|COMPLETED|6|2|||||\n");
        assertEquals(2, jobs.size());
        assertEquals(6L, jobs.get(1).elapsedS());
    }

    @Test
    void headerFieldsInAnyOrderAndCaseAndUnknownFieldsIgnored() throws IOException {
        List<Job> jobs = read("ncpus|FOO|jobid|elapsed|state|Extra\n7|x|42|1-00:00:01|completed|y\n");
        Job j = jobs.get(0);
        assertEquals("42", j.jobId());
        assertEquals(7, j.allocCpus());
        assertEquals(86401L, j.elapsedS());
        assertEquals("COMPLETED", j.state());
    }

    @Test
    void stepsAttachToTheirJobAndJobKeepsUserFromItsOwnLine() throws IOException {
        List<Job> jobs = read(HEADER + "\n"
                + "10|a|alice|COMPLETED|5|1||||\n"
                + "10.batch|batch||COMPLETED|5|1||00:01.500|1M|1\n"
                + "10.0|step||COMPLETED|5|1||00:02.500|3M|2\n"
                + "11_3|arr|bob|COMPLETED|5|1||||\n"
                + "11_3.batch|batch||COMPLETED|5|1||00:01.000|1M|1\n");
        assertEquals(2, jobs.size());
        Job a = jobs.get(0);
        assertEquals("alice", a.user());
        assertEquals(2, a.steps().size());
        assertEquals(4.0, a.totalCpuS(), 1e-9); // job line has no TotalCPU: sum of steps
        assertEquals(6L * 1024 * 1024, a.peakMemBytes()); // 3M x 2 tasks
        assertEquals("11_3", jobs.get(1).jobId());
        assertEquals("bob", jobs.get(1).user());
        assertEquals(1, jobs.get(1).steps().size());
    }

    @Test
    void requeuedJobPrintedTwiceGivesTwoJobs() throws IOException {
        List<Job> jobs = read(HEADER + "\n5|a|u|REQUEUED|5|1||||\n5.batch|batch||CANCELLED|5|1||||\n"
                + "5|a|u|COMPLETED|9|1||||\n5.batch|batch||COMPLETED|9|1||||\n");
        assertEquals(2, jobs.size());
        assertEquals("REQUEUED", jobs.get(0).state());
        assertEquals("COMPLETED", jobs.get(1).state());
        assertEquals(1, jobs.get(1).steps().size());
    }

    @Test
    void stepWithoutItsJobLineBecomesAJobOfItsOwn() throws IOException {
        List<Job> jobs = read(HEADER + "\n7.0|srun||FAILED|5|2||00:03.000||\n7.1|srun||COMPLETED|5|2||00:01.000||\n");
        assertEquals(1, jobs.size());
        assertEquals("7", jobs.get(0).jobId());
        assertEquals("FAILED", jobs.get(0).state());
        assertEquals(4.0, jobs.get(0).totalCpuS(), 1e-9);
        assertEquals(2, jobs.get(0).steps().size());
    }

    @Test
    void statesKeepFirstWordUpperCaseAndUnknownWords() throws IOException {
        List<Job> jobs = read(HEADER + "\n1|a|u|CANCELLED by 12345|1|1||||\n2|a|u|CANCELLED+|1|1||||\n"
                + "3|a|u|Frobnicated later|1|1||||\n4|a|u||1|1||||\n");
        assertEquals(Arrays.asList("CANCELLED", "CANCELLED", "FROBNICATED", null),
                jobs.stream().map(Job::state).toList());
    }

    @Test
    void hugeValuesAreInputErrorsNotOverflows() {
        InputError e = error(HEADER + "\n1|a|u|COMPLETED|1|1||||\n1.0|s||COMPLETED|1|1|||99999999999999999999G|1\n");
        assertEquals(3, e.line());
        assertEquals("MaxRSS", e.field());
        assertTrue(e.problem().contains("99999999999999999999G"), e.problem());
        e = error(HEADER + "\n1|a|u|COMPLETED|1|1|cpu=1,mem=9999999999999T|||\n");
        assertEquals("AllocTRES", e.field());
        e = error(HEADER + "\n1|a|u|COMPLETED|1|1||||\n1.0|s||COMPLETED|1|1|||8E|4\n");
        assertEquals("MaxRSS", e.field());
    }

    @Test
    void invalidDatesAreInputErrors() {
        InputError e = assertThrows(InputError.class, () -> read("JobID|Start\n1|2023-02-30T00:00:00\n"));
        assertEquals("Start", e.field());
        assertTrue(e.problem().contains("2023-02-30T00:00:00"), e.problem());
        e = assertThrows(InputError.class, () -> read("JobID|End\n1|yesterday\n"));
        assertEquals("End", e.field());
    }

    @Test
    void badJobIdIsAnInputError() {
        InputError e = assertThrows(InputError.class, () -> read("JobID|State\nabc|COMPLETED\n"));
        assertEquals("JobID", e.field());
        assertTrue(e.problem().contains("\"abc\""));
    }

    @Test
    void headerWithoutJobIdIsAnInputError() {
        InputError e = assertThrows(InputError.class, () -> read("State|Elapsed\nCOMPLETED|00:00:01\n"));
        assertEquals(1, e.line());
    }

    @Test
    void fixedWidthOutputIsRefusedWithAHint() {
        InputError e = assertThrows(InputError.class,
                () -> read("       JobID    JobName      State\n------------ ---------- ----------\n"));
        assertTrue(e.problem().contains("--parsable2"), e.problem());
    }

    @Test
    void repeatedHeaderFromConcatenatedDumpsIsSkipped() throws IOException {
        List<Job> jobs = read(HEADER + "\n1|a|u|COMPLETED|1|1||||\n" + HEADER + "\n2|a|u|COMPLETED|1|1||||\n");
        assertEquals(2, jobs.size());
    }

    @Test
    void byteOrderMarkAndCrLfAreAccepted() throws IOException {
        List<Job> jobs = read("\uFEFF" + HEADER + "\r\n1|a|u|COMPLETED|1|1||||\r\n");
        assertEquals("1", jobs.get(0).jobId());
        assertEquals(1, jobs.size());
    }

    @Test
    void formatListWithWidthsAndPrefixesResolvesLikeSacct() throws IOException {
        SacctOptions o = new SacctOptions("|", List.of("jobid%20", "elapsedr", "reqm", "nnode", "Start"),
                ZoneId.of("UTC"), "c");
        Job j = read("3|61|2Gn|2|1700000000\n", o).get(0);
        assertEquals(61L, j.elapsedS());
        assertEquals(4L << 30, j.allocMemBytes());
        assertEquals(1700000000L, j.start().getEpochSecond());
    }

    @Test
    void formatListSkipsAHeaderLineIfSacctPrintedOne() throws IOException {
        SacctOptions o = new SacctOptions("|", List.of("JobID,Elapsed"), ZoneId.of("UTC"), null);
        List<Job> jobs = read("JobID|Elapsed\n3|00:01:00\n", o);
        assertEquals(1, jobs.size());
        assertEquals(60L, jobs.get(0).elapsedS());
    }

    @Test
    void formatAllIsRefusedBecauseItDependsOnTheSlurmVersion() {
        SacctOptions o = new SacctOptions("|", List.of("ALL"), ZoneId.of("UTC"), null);
        InputError e = assertThrows(InputError.class, () -> read("1|2\n", o));
        assertEquals("format", e.field());
    }

    @Test
    void timelimitRawIsMinutesAndUnlimitedIsNull() throws IOException {
        List<Job> jobs = read("JobID|TimelimitRaw|Timelimit\n1|90|99:00:00\n2|UNLIMITED|UNLIMITED\n3||2-00\n");
        assertEquals(5400L, jobs.get(0).timelimitS());
        assertNull(jobs.get(1).timelimitS());
        assertEquals(172800L, jobs.get(2).timelimitS());
    }

    @Test
    void allocGresOfOldSlurmCountsGpus() throws IOException {
        List<Job> jobs = read("JobID|AllocCPUS|AllocGRES\n1|4|gpu:2\n2|4|gpu:tesla:2,mic:1\n3|4|\n4|0|\n"
                + "5|1|gpu:k80:1(IDX:0)\n");
        assertEquals(Arrays.asList(2, 2, 0, null, 1), jobs.stream().map(Job::allocGpus).toList());
    }

    @Test
    void userAndSystemCpuStandInForMissingTotalCpu() throws IOException {
        Job j = read("JobID|UserCPU|SystemCPU\n1|01:00.250|00:10.500\n").get(0);
        assertEquals(70.75, j.totalCpuS(), 1e-9);
    }

    @Test
    void epochSecondTimesAreRead() throws IOException {
        Job j = read("JobID|Submit|End\n1|0|Unknown\n").get(0);
        assertEquals(0L, j.submit().getEpochSecond());
        assertNull(j.end());
    }

    @Test
    void invalidUtf8IsAnInputErrorOnTheLineThatHoldsIt() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (int i = 0; i < 3000; i++) sb.append(i + 1).append("|a|u|COMPLETED|1|1||||\n");
        byte[] good = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] tail = "9999|b\u00e9|u|COMPLETED|1|1||||\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[good.length + tail.length];
        System.arraycopy(good, 0, all, 0, good.length);
        System.arraycopy(tail, 0, all, good.length, tail.length);
        all[good.length + 6] = (byte) 0xC3; // é is C3 A9; make it C3 C3: malformed
        all[good.length + 7] = (byte) 0xC3;
        List<Job> seen = new ArrayList<>();
        InputError e = assertThrows(InputError.class, () -> new SacctReader(SacctOptions.defaults())
                .read(SacctReader.strictUtf8(new ByteArrayInputStream(all)), "bad.txt", seen::add));
        assertEquals(3002, e.line());
        assertEquals("bad.txt", e.file());
        assertTrue(e.problem().contains("UTF-8"), e.problem());
        assertEquals(2999, seen.size()); // job 3000 was still being assembled
    }

    @Test
    void strictUtf8ReadsValidMultibyteText() throws IOException {
        byte[] b = ("JobID|JobName\n1|\u65e5\u672c\u8a9e \uD83D\uDE80\n").getBytes(StandardCharsets.UTF_8);
        List<Job> jobs = new ArrayList<>();
        new SacctReader(SacctOptions.defaults()).read(SacctReader.strictUtf8(new ByteArrayInputStream(b)), "x",
                jobs::add);
        assertEquals("\u65e5\u672c\u8a9e \uD83D\uDE80", jobs.get(0).name());
    }

    @Test
    void reckonFormatCoversEveryFieldTheReaderUses() throws IOException {
        List<String> fields = List.of(SacctReader.RECKON_FORMAT.split(","));
        SacctOptions o = new SacctOptions("|", fields, ZoneId.of("UTC"), "c");
        String[] v = new String[fields.size()];
        Arrays.fill(v, "");
        v[fields.indexOf("JobID")] = "1";
        v[fields.indexOf("AllocTRES")] = "cpu=2,mem=1G,gres/gpu=1";
        v[fields.indexOf("ElapsedRaw")] = "10";
        v[fields.indexOf("TimelimitRaw")] = "1";
        Job j = read(String.join("|", v) + "\n", o).get(0);
        assertEquals(1, j.allocGpus());
        assertEquals(1L << 30, j.allocMemBytes());
        assertEquals(10L, j.elapsedS());
        assertEquals(60L, j.timelimitS());
        for (String f : fields) assertTrue(Column.ofHeader(f) != null, f + " is not read");
    }
}
