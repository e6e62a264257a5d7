package dev.reckon.source.sacct;

import dev.reckon.model.Job;
import dev.reckon.model.Step;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Exact figures, job by job, for realistic sacct dumps (expected values worked out by hand the way seff and
 * reportseff compute them; see SacctReader's javadoc for where reckon deliberately differs).
 */
class SacctFixturesTest {

    private static final long KIB = 1024, MIB = KIB * 1024, GIB = MIB * 1024;

    static List<Job> read(String resource, SacctOptions options) throws IOException {
        List<Job> jobs = new ArrayList<>();
        try (InputStream in = SacctFixturesTest.class.getResourceAsStream("/sacct/" + resource)) {
            new SacctReader(options).read(SacctReader.strictUtf8(in), resource, jobs::add);
        }
        return jobs;
    }

    private static Job job(List<Job> jobs, String id) {
        return jobs.stream().filter(j -> j.jobId().equals(id)).findFirst().orElseThrow(() -> new AssertionError(id));
    }

    private static List<String> stepIds(Job j) {
        return j.steps().stream().map(Step::stepId).collect(Collectors.toList());
    }

    @Test
    void slurm2205Parsable2DumpGivesSeffFiguresPerJob() throws IOException {
        List<Job> jobs = read("slurm-22.05-parsable2.txt",
                new SacctOptions("|", null, ZoneId.of("Europe/Berlin"), "fallback"));
        assertEquals(List.of("1001", "1002_1", "1002_2", "1002_[3-5%2]", "1010+0", "1010+1", "1020", "1021", "1022",
                "1023", "1024", "1025", "1026"), jobs.stream().map(Job::jobId).collect(Collectors.toList()));

        Job j = job(jobs, "1001");
        assertEquals("tiny", j.cluster());
        assertEquals("alice", j.user());
        assertEquals("proj1", j.account());
        assertEquals("COMPLETED", j.state());
        assertEquals("0:0", j.exitCode());
        assertEquals(Instant.parse("2023-04-01T08:00:05Z"), j.start());
        assertEquals(3600L, j.elapsedS());
        assertEquals(7200L, j.timelimitS());
        assertEquals(4, j.allocCpus());
        assertEquals(1, j.allocNodes());
        assertEquals(16 * GIB, j.allocMemBytes());
        assertEquals(16 * GIB, j.reqMemBytes());
        assertEquals(0, j.allocGpus());
        assertEquals(7801.251, j.totalCpuS(), 1e-9); // job line 02:10:01 loses the steps' milliseconds
        assertEquals(10 * GIB, j.peakMemBytes());
        assertEquals(List.of("batch", "extern", "0"), stepIds(j));
        Step s0 = j.steps().get(2);
        assertEquals(4, s0.ntasks());
        assertEquals(3 * GIB, s0.maxRssBytes());
        assertEquals(10 * GIB, s0.usageMemBytes());
        assertEquals(2560 * MIB, s0.aveRssBytes());
        assertEquals(600.25, j.steps().get(0).totalCpuS(), 1e-9);

        j = job(jobs, "1002_1");
        assertEquals("1003", j.jobIdRaw());
        assertEquals("bob", j.user());
        assertEquals(120L, j.elapsedS());
        assertEquals(600L, j.timelimitS());
        assertEquals(2, j.allocCpus());
        assertEquals(4 * GIB, j.allocMemBytes());
        assertEquals(110.502, j.totalCpuS(), 1e-9);
        assertEquals(512000 * KIB, j.peakMemBytes());
        assertEquals(List.of("batch", "extern"), stepIds(j));

        j = job(jobs, "1002_2");
        assertEquals("FAILED", j.state());
        assertEquals("1:0", j.exitCode());
        assertEquals(20.101, j.totalCpuS(), 1e-9);
        assertEquals(100 * MIB, j.peakMemBytes());

        j = job(jobs, "1002_[3-5%2]");
        assertEquals("PENDING", j.state());
        assertEquals("1002", j.jobIdRaw());
        assertNull(j.start());
        assertNull(j.end());
        assertEquals(0L, j.elapsedS());
        assertEquals(0, j.allocCpus());
        assertEquals(4 * GIB, j.allocMemBytes()); // no AllocTRES: the request
        assertNull(j.allocGpus());
        assertEquals(0.0, j.totalCpuS());
        assertNull(j.peakMemBytes());
        assertEquals(List.of(), j.steps());

        j = job(jobs, "1010+0");
        assertEquals("1010", j.jobIdRaw());
        assertEquals("carol", j.user());
        assertEquals(1, j.allocCpus());
        assertEquals(2 * GIB, j.allocMemBytes());
        assertEquals(0, j.allocGpus());
        assertEquals(30.0, j.totalCpuS(), 1e-9);
        assertEquals(204800 * KIB, j.peakMemBytes());
        assertEquals(List.of("batch", "extern"), stepIds(j));

        j = job(jobs, "1010+1");
        assertEquals("1011", j.jobIdRaw());
        assertEquals("gpu", j.partition());
        assertEquals(8, j.allocCpus());
        assertEquals(32 * GIB, j.allocMemBytes());
        assertEquals(1, j.allocGpus());
        assertEquals(420.0, j.totalCpuS(), 1e-9);
        assertEquals(7 * GIB, j.peakMemBytes()); // gres/gpumem is not host memory
        assertEquals(List.of("extern", "0"), stepIds(j));

        j = job(jobs, "1020");
        assertEquals(Instant.parse("2023-03-30T06:00:00Z"), j.submit());
        assertEquals(183845L, j.elapsedS());
        assertEquals(259200L, j.timelimitS());
        assertEquals(16, j.allocCpus());
        assertEquals(2, j.allocGpus()); // gres/gpu=2 and gres/gpu:a100=2 are the same two GPUs
        assertEquals(128 * GIB, j.allocMemBytes());
        assertEquals(1764000.0, j.totalCpuS(), 1e-9);
        assertEquals(90 * GIB, j.peakMemBytes());

        j = job(jobs, "1021");
        assertEquals("CANCELLED", j.state());
        assertEquals(300L, j.elapsedS());
        assertEquals(2, j.allocCpus());
        assertEquals(8 * GIB, j.allocMemBytes());
        assertEquals(299.99, j.totalCpuS(), 1e-9);
        assertEquals(3 * GIB, j.peakMemBytes());
        assertEquals("CANCELLED", j.steps().get(0).state());
        assertEquals("0:15", j.steps().get(0).exitCode());

        j = job(jobs, "1022");
        assertEquals("CANCELLED", j.state());
        assertNull(j.start());
        assertEquals(Instant.parse("2023-04-01T11:10:00Z"), j.end());
        assertEquals(0, j.allocCpus());
        assertEquals(1 * GIB, j.allocMemBytes());
        assertNull(j.allocGpus());
        assertNull(j.peakMemBytes());

        j = job(jobs, "1023");
        assertEquals("TIMEOUT", j.state());
        assertEquals(3630L, j.elapsedS());
        assertEquals(3600L, j.timelimitS());
        assertEquals(3598.5, j.totalCpuS(), 1e-9);
        assertEquals(1 * GIB, j.peakMemBytes());

        j = job(jobs, "1024");
        assertEquals("OUT_OF_MEMORY", j.state());
        assertEquals("0:125", j.exitCode());
        assertEquals(1800L, j.timelimitS());
        assertEquals(2 * GIB, j.allocMemBytes());
        assertEquals(2 * GIB, j.peakMemBytes());
        assertEquals(1.0, j.efficiency().memEff(), 1e-12);

        j = job(jobs, "1025");
        assertEquals("RUNNING", j.state());
        assertNull(j.end());
        assertEquals(500L, j.elapsedS());
        assertEquals(86400L, j.timelimitS());
        assertNull(j.peakMemBytes());
        assertEquals(1, j.steps().size());

        j = job(jobs, "1026");
        assertEquals("FAILED", j.state());
        assertEquals("3:0", j.exitCode());
        assertNull(j.timelimitS());
        assertEquals(500 * MIB, j.allocMemBytes());
        assertEquals(0.012, j.totalCpuS(), 1e-9);
        assertNull(j.peakMemBytes());
    }

    @Test
    void oldSiteParsableDumpWithPerNodeAndPerCpuMemoryAndAllocGres() throws IOException {
        List<Job> jobs = read("slurm-17.11-parsable.txt", new SacctOptions("|", null, ZoneId.of("UTC"), "old"));
        assertEquals(List.of("500", "501", "502", "503"), jobs.stream().map(Job::jobId).collect(Collectors.toList()));

        Job j = job(jobs, "500");
        assertEquals("old", j.cluster());
        assertEquals("ivan", j.user());
        assertEquals(8, j.allocCpus());
        assertEquals(2, j.allocNodes());
        assertEquals(8 * GIB, j.allocMemBytes()); // 4Gn x 2 nodes
        assertEquals(0, j.allocGpus());
        assertEquals(7200L, j.elapsedS());
        assertEquals(86400L, j.timelimitS());
        assertEquals(54000.0, j.totalCpuS(), 1e-9);
        assertEquals(2000000 * KIB * 8, j.peakMemBytes()); // no TRESUsageInTot: MaxRSS x NTasks
        assertEquals(Instant.parse("2018-06-01T08:00:00Z"), j.start());

        j = job(jobs, "501");
        assertEquals("CANCELLED", j.state());
        assertEquals(8 * GIB, j.allocMemBytes()); // 2Gc x 4 CPUs
        assertEquals(2, j.allocGpus()); // gpu:tesla:2
        assertEquals(1800L, j.elapsedS());
        assertEquals(14400L, j.timelimitS());
        assertEquals(5400.0, j.totalCpuS(), 1e-9);
        assertEquals(6 * GIB, j.peakMemBytes());

        j = job(jobs, "502");
        assertEquals("TIMEOUT", j.state());
        assertEquals(1000 * MIB, j.allocMemBytes());
        assertEquals(1, j.allocGpus());
        assertEquals(1860L, j.elapsedS());
        assertEquals(1800L, j.timelimitS());
        assertEquals(0L, j.peakMemBytes());
        assertEquals("CANCELLED", j.steps().get(0).state()); // CANCELLED+ as a narrow column truncates it

        j = job(jobs, "503");
        assertEquals("NODE_FAIL", j.state());
        assertEquals("node fail", j.name());
        assertEquals(7600 * MIB, j.allocMemBytes()); // 3800Mc x 2 CPUs
        assertNull(j.timelimitS()); // Partition_Limit
        assertNull(j.peakMemBytes());
    }

    @Test
    void headerlessDumpWithMultiCharacterDelimiterAndFormatList() throws IOException {
        SacctOptions o = new SacctOptions("§¤", List.of("JobID,JobName%30,user,State,elapsedraw,AllocCPUS,reqm,"
                + "AllocTRES%40,TotalCPU,MaxRSS,NTasks,TRESUsageInTot,Timelimit,Start,End"), ZoneId.of("UTC"), "lab");
        List<Job> jobs = read("noheader-multichar-delimiter.txt", o);
        assertEquals(List.of("2000", "2001"), jobs.stream().map(Job::jobId).collect(Collectors.toList()));

        Job j = job(jobs, "2000");
        assertEquals("lab", j.cluster());
        assertEquals("het steps, ünïcode", j.name());
        assertEquals("kim", j.user());
        assertEquals(600L, j.elapsedS());
        assertEquals(1200L, j.timelimitS());
        assertEquals(2, j.allocCpus());
        assertEquals(4 * GIB, j.reqMemBytes()); // --noconvert ReqMem: MiB
        assertEquals(4 * GIB, j.allocMemBytes()); // --noconvert AllocTRES mem: MiB
        assertEquals(540.5, j.totalCpuS(), 1e-9);
        assertEquals(List.of("batch", "0+0", "0+1"), stepIds(j));
        assertEquals(1536 * MIB, j.peakMemBytes()); // --noconvert TRESUsageInTot mem: bytes
        Step het1 = j.steps().get(2);
        assertEquals(2, het1.ntasks());
        assertEquals(768 * MIB, het1.maxRssBytes());

        j = job(jobs, "2001"); // only its step was in the dump
        assertEquals("FAILED", j.state());
        assertNull(j.user());
        assertEquals(50L, j.elapsedS());
        assertEquals(4, j.allocCpus());
        assertEquals(8 * GIB, j.allocMemBytes());
        assertEquals(100.0, j.totalCpuS(), 1e-9);
        assertEquals(400 * MIB, j.peakMemBytes());
        assertEquals(List.of("0"), stepIds(j));
    }
}
