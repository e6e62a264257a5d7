package dev.reckon.source.swf;

import dev.reckon.model.Job;
import dev.reckon.core.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SwfReaderTest {

    /** The shared traces beside the project: {@code ../shared/data}, as in a checkout and in CI. */
    static final Path SHARED = Path.of(System.getProperty("user.dir")).resolve("../shared/data").normalize();

    static String fixture() throws IOException {
        try (InputStream in = SwfReaderTest.class.getResourceAsStream("small.swf")) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    static List<Job> read(SwfReader r, String text, String name) throws IOException {
        List<Job> jobs = new ArrayList<>();
        r.read(new StringReader(text), name, jobs::add);
        return jobs;
    }

    static Map<String, Job> byId(List<Job> jobs) {
        Map<String, Job> m = new HashMap<>();
        jobs.forEach(j -> m.put(j.jobId(), j));
        return m;
    }

    @Test
    void headerKeepsEveryKeyAndTypesTheOnesItUses() throws IOException {
        SwfReader r = new SwfReader(null);
        read(r, fixture(), "small.swf");
        SwfHeader h = r.header();
        assertEquals("Test cluster", h.get("Computer"));
        assertEquals("reckon test fixture", h.get("Installation"));
        assertEquals("999999", h.get("MaxJobs"));
        assertEquals("first note\nsecond note,\ncontinued on an indented line", h.get("Note"));
        assertEquals("1 [short]", h.get("Queue"));
        assertEquals(4, h.maxNodes());
        assertEquals(16, h.maxProcs());
        assertEquals(1_000_000_000L, h.unixStartTime());
        assertEquals(ZoneId.of("Europe/Stockholm"), h.zone());
        assertEquals(4, h.cpusPerNode());
        assertEquals(List.of("Version", "Computer", "Installation", "MaxJobs", "UnixStartTime", "TimeZoneString",
                "MaxNodes", "MaxProcs", "Note", "Queue"), List.copyOf(h.keys().keySet()));
    }

    @Test
    void aCompleteLineMapsEveryField() throws IOException {
        Job j = byId(read(new SwfReader(null), fixture(), "dir/small.swf")).get("1");
        assertEquals("small", j.cluster());
        assertEquals("1", j.jobIdRaw());
        assertEquals("app2", j.name());
        assertEquals("u3", j.user());
        assertEquals("g7", j.account());
        assertEquals("q1", j.partition());
        assertEquals("COMPLETED", j.state());
        assertNull(j.exitCode());
        assertEquals(Instant.ofEpochSecond(1_000_000_000L), j.submit());
        assertEquals(Instant.ofEpochSecond(1_000_000_010L), j.start());
        assertEquals(Instant.ofEpochSecond(1_000_000_110L), j.end());
        assertEquals(100L, j.elapsedS());
        assertEquals(200L, j.timelimitS());
        assertEquals(8, j.allocCpus());
        assertEquals(8, j.reqCpus());
        assertEquals(2, j.allocNodes(), "8 procs at MaxProcs/MaxNodes = 4 per node");
        assertEquals(400.0, j.totalCpuS());
        assertEquals(8L * 1024 * 1024, j.peakMemBytes());
        assertEquals(8L * 2048 * 1024, j.allocMemBytes());
        assertEquals(8L * 2048 * 1024, j.reqMemBytes());
        assertNull(j.allocGpus());
        assertTrue(j.steps().isEmpty());
        assertEquals(0.5, j.efficiency().cpuEff());
        assertEquals(0.5, j.efficiency().timeEff());
    }

    @Test
    void minusOneMeansUnknown() throws IOException {
        Job j = byId(read(new SwfReader("c"), fixture(), "small.swf")).get("2");
        assertEquals("c", j.cluster());
        assertEquals(Instant.ofEpochSecond(1_000_000_005L), j.submit());
        assertNull(j.start());
        assertNull(j.end());
        assertNull(j.elapsedS());
        assertNull(j.timelimitS());
        assertNull(j.totalCpuS());
        assertNull(j.peakMemBytes());
        assertNull(j.allocMemBytes());
        assertNull(j.reqMemBytes());
        assertNull(j.reqCpus());
        assertNull(j.user());
        assertNull(j.account());
        assertNull(j.name());
        assertNull(j.partition());
        assertEquals("UNKNOWN", j.state());
    }

    @Test
    void statusCodesMapToSlurmStates() throws IOException {
        Map<String, Job> m = byId(read(new SwfReader(null), fixture(), "small.swf"));
        Map<String, String> expected = Map.of("1", "COMPLETED", "3", "FAILED", "7", "CANCELLED", "8", "PREEMPTED",
                "9", "COMPLETED", "10", "FAILED", "11", "COMPLETED", "12", "UNKNOWN", "2", "UNKNOWN");
        expected.forEach((id, state) -> assertEquals(state, m.get(id).state(), "job " + id));
    }

    @Test
    void partitionIsTheQueueElseTheMachinePartition() throws IOException {
        Map<String, Job> m = byId(read(new SwfReader(null), fixture(), "small.swf"));
        assertEquals("p2", m.get("3").partition());
        assertEquals("q2", m.get("7").partition());
    }

    @Test
    void runTimeAboveRequestedTimeAndFractionsAreKept() throws IOException {
        Map<String, Job> m = byId(read(new SwfReader(null), fixture(), "small.swf"));
        Job over = m.get("7");
        assertEquals(400L, over.elapsedS());
        assertEquals(300L, over.timelimitS());
        assertEquals(52.5, over.totalCpuS());
        assertEquals(6, over.reqCpus());
        assertEquals(2, over.allocNodes());
        assertEquals(13L, m.get("12").elapsedS(), "12.6 s rounds to 13");
    }

    @Test
    void jobNumbersNeedNotBeConsecutive() throws IOException {
        List<Job> jobs = read(new SwfReader(null), fixture(), "small.swf");
        assertEquals(List.of("1", "2", "3", "7", "8", "9", "10", "11", "12"), jobs.stream().map(Job::jobId).toList());
    }

    @Test
    void gzippedTraceReadsLikeThePlainOne(@TempDir Path dir) throws IOException {
        Path gz = dir.resolve("small.swf.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(fixture().getBytes(StandardCharsets.US_ASCII));
        }
        List<Job> plain = read(new SwfReader(null), fixture(), "small.swf");
        List<Job> fromGz = new ArrayList<>();
        SwfReader r = new SwfReader(null);
        r.read(gz, fromGz::add);
        assertEquals(plain, fromGz);
        assertEquals(4, r.header().maxNodes());
    }

    @Test
    void damagedGzipIsAnInputError(@TempDir Path dir) throws IOException {
        Path gz = dir.resolve("cut.swf.gz");
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(b)) {
            out.write(fixture().repeat(50).getBytes(StandardCharsets.US_ASCII));
        }
        byte[] all = b.toByteArray();
        Files.write(gz, java.util.Arrays.copyOf(all, all.length / 2));
        InputError e = assertThrows(InputError.class, () -> new SwfReader(null).read(gz, j -> { }));
        assertTrue(e.getMessage().startsWith(gz.toString() + ":"), e.getMessage());
    }

    @Test
    void machineDescriptionBesideTheTraceGivesNodeCounts(@TempDir Path dir) throws IOException {
        Path swf = dir.resolve("t.swf");
        Files.writeString(swf, "; MaxNodes: 8\n; MaxProcs: 8\n"
                + "1 0 0 10 3 -1 -1 3 -1 -1 1 1 1 -1 -1 -1 -1 -1\n");
        List<Job> jobs = new ArrayList<>();
        new SwfReader(null).read(swf, jobs::add);
        assertEquals(3, jobs.get(0).allocNodes(), "header: 1 proc per node");
        Files.writeString(dir.resolve("t.swf.machines"), "0\tt\t4\t2\t1\t1048576\n");
        jobs.clear();
        new SwfReader(null).read(swf, jobs::add);
        assertEquals(2, jobs.get(0).allocNodes(), "machines: 2 procs per node, 3 procs on 2 nodes");
        assertEquals("t", jobs.get(0).cluster());
    }

    @Test
    void withoutHeaderOrMachinesNodesAreUnknownAndTimesEpoch() throws IOException {
        List<Job> jobs = read(new SwfReader(null), "5 1356996147 1 9 4 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1\n", "-");
        Job j = jobs.get(0);
        assertNull(j.allocNodes());
        assertEquals(Instant.ofEpochSecond(1356996147L), j.submit());
        assertEquals("swf", j.cluster());
    }

    @Test
    void fileNameStemDropsDirectoryGzAndSwf() {
        assertEquals("NASA-iPSC-1993-3.1-cln", SwfReader.stem("/x/y/NASA-iPSC-1993-3.1-cln.swf.gz"));
        assertEquals("hpc2n", SwfReader.stem("hpc2n.swf"));
        assertEquals("trace.txt", SwfReader.stem("trace.txt"));
        assertEquals("swf", SwfReader.stem("-"));
    }

    // ------------------------------------------------------------------ bad lines

    static InputError bad(String line) {
        String text = "; MaxNodes: 2\n1 0 0 1 1 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1\n" + line + "\n";
        return assertThrows(InputError.class, () -> read(new SwfReader(null), text, "bad.swf"));
    }

    @Test
    void tooFewFieldsNameTheFirstMissingOne() {
        InputError e = bad("2 0 0 1 1 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1");
        assertEquals(3, e.line());
        assertEquals("18 (think time)", e.field());
        assertEquals("bad.swf:3: field 18 (think time): missing: an SWF line has 18 fields, this one 17",
                e.getMessage());
    }

    @Test
    void tooManyFieldsInAPlainTraceIsAnError() {
        InputError e = bad("2 0 0 1 1 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1 7");
        assertEquals(3, e.line());
        assertEquals("19", e.field());
    }

    @Test
    void nonNumericFieldIsNamed() {
        InputError e = bad("2 0 0 12x 1 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1");
        assertEquals("bad.swf:3: field 4 (run time): \"12x\" is not a number", e.getMessage());
    }

    @Test
    void fractionInAWholeNumberFieldIsAnError() {
        InputError e = bad("2 0 0 1 1.5 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1");
        assertEquals("5 (allocated processors)", e.field());
        assertTrue(e.problem().contains("not a whole number"), e.problem());
    }

    @Test
    void hugeNumbersAreErrorsNotOverflows() {
        assertEquals("2 (submit time)", bad("2 99999999999999999999 0 1 1 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1").field());
        assertEquals("5 (allocated processors)",
                bad("2 0 0 1 9999999999 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1").field());
        assertEquals("10 (requested memory)",
                bad("2 0 0 1 100000 -1 -1 -1 -1 1e14 1 1 1 -1 -1 -1 -1 -1").field());
        assertEquals("3 (wait time)", bad("2 0 1e300 1 1 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1").field());
    }

    @Test
    void notANumberSpellingsAreRejected() {
        for (String s : new String[]{"NaN", "Infinity", "0x10", "1e", ".", "-", "1d", "1.2.3"}) {
            InputError e = bad("2 0 0 " + s + " 1 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1");
            assertEquals("4 (run time)", e.field(), s);
        }
    }

    @Test
    void negativeJobNumberIsAnError() {
        assertEquals("1 (job number)", bad("-2 0 0 1 1 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1").field());
    }

    @Test
    void otherNegativeValuesReadAsUnknown() throws IOException {
        Job j = read(new SwfReader(null), "4185 1359980916 1 -1359980917 1 1 1024 1 0 419430400 1 1229 1 1 -1 1 1 1\n",
                "x.swf").get(0);
        assertNull(j.elapsedS());
        assertNull(j.end());
        assertEquals("COMPLETED", j.state(), "status 1 says it completed, whatever the run time");
        assertEquals(0L, j.timelimitS());
    }

    @Test
    void badUnixStartTimeIsAnError() {
        InputError e = assertThrows(InputError.class,
                () -> read(new SwfReader(null), "; UnixStartTime: soon\n", "h.swf"));
        assertEquals(1, e.line());
        assertEquals("UnixStartTime", e.field());
    }

    // ------------------------------------------------------------------ MetaCentrum extended SWF

    @Test
    void metaCentrumExtendedLineUsesBytesNodeListAndQueueName() throws IOException {
        String line = "1 1356996695 71 1164297 12 1 1024 12 1209600 91268055040 1 101 1 1 -1 1 1 1 "
                + "{1129,1129,1130,1129} q_2w 1:ppn=12\n"
                + "2 1356996700 0 5 1 1 1024 1 600 1024 1 101 1 1 -1 1 1 1\n";
        SwfReader r = new SwfReader("meta");
        List<Job> jobs = read(r, line, "m.swf");
        assertTrue(r.extended());
        Job j = jobs.get(0);
        assertEquals(Instant.ofEpochSecond(1356996695L), j.submit());
        assertEquals(Instant.ofEpochSecond(1356996766L), j.start());
        assertEquals(91268055040L, j.allocMemBytes());
        assertNull(j.totalCpuS(), "field 6 is a placeholder in this dialect");
        assertNull(j.peakMemBytes(), "field 7 is a placeholder in this dialect");
        assertEquals(2, j.allocNodes());
        assertEquals("1129,1130", j.nodeList());
        assertEquals("q_2w", j.partition());
        assertEquals("u101", j.user());
        Job k = jobs.get(1);
        assertEquals(1024L, k.allocMemBytes());
        assertNull(k.allocNodes());
        assertEquals("p1", k.partition());
    }

    @Test
    void withoutNodeNamesAJobStillCountsItsNodes() throws IOException {
        String line = "1 1356996695 71 1164297 12 1 1024 12 1209600 91268055040 1 101 1 1 -1 1 1 1 "
                + "{1129,1129,1130,1129} q_2w 1:ppn=12\n";
        Job j = read(new SwfReader("meta").withoutNodeNames(), line, "m.swf").get(0);
        assertEquals(2, j.allocNodes());
        assertNull(j.nodeList());
    }

    @Test
    void plainTraceIsNotExtended() throws IOException {
        SwfReader r = new SwfReader(null);
        read(r, fixture(), "small.swf");
        assertFalse(r.extended());
    }

    // ------------------------------------------------------------------ real traces

    @Test
    void demoTraceFromTheClasspathReadsWhole() throws IOException {
        SwfMachines machines;
        try (Reader m = new InputStreamReader(
                SwfReader.class.getResourceAsStream("/dev/reckon/demo/hpc2n-seth-3170.swf.machines"),
                StandardCharsets.US_ASCII)) {
            machines = SwfMachines.parse(m, "hpc2n-seth-3170.swf.machines");
        }
        assertEquals(2, machines.cpusPerNode());
        SwfReader r = new SwfReader(null, machines);
        List<Job> jobs = new ArrayList<>();
        try (Reader in = new InputStreamReader(
                SwfReader.class.getResourceAsStream("/dev/reckon/demo/hpc2n-seth-3170.swf"),
                StandardCharsets.ISO_8859_1)) {
            r.read(in, "hpc2n-seth-3170.swf", jobs::add);
        }
        assertEquals(3170, jobs.size());
        assertEquals(3170, r.jobsRead());
        assertEquals("hpc2n-seth-3170", jobs.get(0).cluster());
        assertEquals(1027839845L, r.header().unixStartTime());
        assertEquals("527371", r.header().get("MaxJobs"));
        assertEquals(ZoneId.of("Europe/Stockholm"), r.header().zone());
        assertEquals(25, jobs.stream().filter(j -> j.elapsedS() == null).count());
        assertEquals(25, jobs.stream().filter(j -> "UNKNOWN".equals(j.state())).count());
        assertEquals(320, jobs.stream().filter(j -> j.elapsedS() != null && j.timelimitS() != null
                && j.elapsedS() > j.timelimitS()).count());
        Job first = jobs.get(0);
        assertEquals(Instant.ofEpochSecond(1027839845L + 308434), first.start());
        assertEquals(15, first.allocNodes(), "30 procs on dual-processor nodes");
        assertEquals("p1", first.partition());
    }

    @Test
    void metaCentrumTraceReadsWhole() throws IOException {
        Path p = SHARED.resolve("metacentrum-wagap-2013.swf");
        assumeTrue(Files.isRegularFile(p), "shared trace directory absent");
        SwfReader r = new SwfReader(null);
        long[] n = {0};
        Instant[] min = {Instant.MAX};
        r.read(p, j -> {
            n[0]++;
            if (j.submit().isBefore(min[0])) min[0] = j.submit();
        });
        assertEquals(17900, n[0]);
        assertTrue(r.extended());
        assertTrue(min[0].isAfter(Instant.parse("2012-12-31T00:00:00Z")), min[0].toString());
    }

    @Test
    void nasaGzTraceReadsWhole() throws IOException {
        Path p = SHARED.resolve("NASA-iPSC-1993-3.1-cln.swf.gz");
        assumeTrue(Files.isRegularFile(p), "shared trace directory absent");
        SwfReader r = new SwfReader(null);
        List<Job> jobs = new ArrayList<>();
        r.read(p, jobs::add);
        assertEquals(18239, jobs.size());
        assertEquals("NASA-iPSC-1993-3.1-cln", jobs.get(0).cluster());
        assertEquals(128, r.header().maxNodes());
        assertEquals(18239, jobs.stream().filter(j -> j.start() == null).count(), "no wait times in this log");
        assertTrue(r.header().get("Note").contains("submit"));
    }
}
