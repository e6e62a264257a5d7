package dev.reckon.source.sacct;

import dev.reckon.core.InputError;
import dev.reckon.model.Job;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** GPU utilisation and GPU memory: from TRESUsageInAve/Max {@code gres/gpuutil}, {@code gres/gpumem}, or jobstats. */
class GpuUsageTest {
    private static final long GIB = 1L << 30;
    private static final SacctOptions UTC = new SacctOptions("|", null, ZoneId.of("UTC"), "c");

    private static Job job(List<Job> jobs, String id) {
        return jobs.stream().filter(j -> j.jobId().equals(id)).findFirst().orElseThrow(() -> new AssertionError(id));
    }

    /** What a jobstats-enabled site writes into AdminComment: JS1: and the base64 of gzipped JSON. */
    static String js1(String json) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
                gz.write(json.getBytes(StandardCharsets.UTF_8));
            }
            return "JS1:" + Base64.getEncoder().encodeToString(b.toByteArray());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Job> read(String text) throws IOException {
        List<Job> jobs = new ArrayList<>();
        new SacctReader(UTC).read(new StringReader(text), "t", jobs::add);
        return jobs;
    }

    @Test
    void tresUsageGivesUtilisationOfTheLargestStepAndThePeakGpuMemory() throws IOException {
        List<Job> jobs = SacctFixturesTest.read("slurm-23.02-gpu-usage.txt", UTC);
        Job j = job(jobs, "3001");
        // step 0 (10 h of CPU) is the largest; gpuutil=150 on 2 GPUs is their sum: 75% each
        assertEquals(0.75, j.gpuUtil(), 1e-12);
        assertEquals(30 * GIB, j.gpuMemPeakBytes());
        Job idle = job(jobs, "3002");
        assertEquals(0.03, idle.gpuUtil(), 1e-12);
        assertEquals(GIB, idle.gpuMemPeakBytes()); // a bare gres/gpumem is bytes
        Job cpu = job(jobs, "3003");
        assertNull(cpu.gpuUtil());
        assertNull(cpu.gpuMemPeakBytes());
    }

    @Test
    void jobstatsInAdminCommentGivesTheMeanOverEveryGpuAndTheLargestGpuPeak() throws IOException {
        List<Job> jobs = SacctFixturesTest.read("jobstats-admincomment.txt", UTC);
        Job j = job(jobs, "4001");
        assertEquals(0.60, j.gpuUtil(), 1e-12); // (90 + 70 + 60 + 20) / 4
        assertEquals(30 * GIB, j.gpuMemPeakBytes());
        for (String id : List.of("4002", "4003", "4004")) {
            assertNull(job(jobs, id).gpuUtil(), id);
            assertNull(job(jobs, id).gpuMemPeakBytes(), id);
        }
    }

    @Test
    void tresUsageWinsOverJobstatsAndJobstatsFillsWhatItLacks() throws IOException {
        String stats = js1("{\"nodes\":{\"g1\":{\"gpu_utilization\":{\"0\":10},\"gpu_used_memory\":{\"0\":1024}}}}");
        String text = "JobID|AllocTRES|ElapsedRaw|TotalCPU|TRESUsageInAve|TRESUsageInMax|AdminComment\n"
                + "1|cpu=1,gres/gpu=1|100|00:01:00|||" + stats + "\n"
                + "1.0|cpu=1,gres/gpu=1|100|00:01:00|cpu=00:01:00,gres/gpuutil=87,mem=2G|cpu=00:01:00,mem=2G|\n"
                + "2|cpu=1,gres/gpu=1|100|00:01:00|||" + stats + "\n";
        List<Job> jobs = read(text);
        assertEquals(0.87, jobs.get(0).gpuUtil(), 1e-12);
        assertEquals(1024L, jobs.get(0).gpuMemPeakBytes()); // no gres/gpumem in the steps: jobstats'
        assertEquals(0.10, jobs.get(1).gpuUtil(), 1e-12);
        assertEquals(1024L, jobs.get(1).gpuMemPeakBytes());
    }

    @Test
    void aGarbledGpuUtilisationIsABadLine() {
        String text = "JobID|TRESUsageInAve\n1|\n1.0|gres/gpuutil=lots\n";
        InputError e = assertThrows(InputError.class, () -> read(text));
        assertEquals(3L, e.line());
    }
}
