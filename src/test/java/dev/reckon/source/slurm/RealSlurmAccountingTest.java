package dev.reckon.source.slurm;

import static dev.reckon.source.slurm.SlurmTestCluster.awaitFinal;
import static dev.reckon.source.slurm.SlurmTestCluster.isStep;
import static dev.reckon.source.slurm.SlurmTestCluster.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real jobs on the real cluster (scripts/slurm-dev-cluster up), submitted together, and what Slurm's accounting
 * records about each kind of ending. A job past its time limit (Slurm ends it 60-90 s after its start: the controller
 * checks limits about every 30 s) is left to IngestSlurmTest, which waits for one and checks what the ledger makes of
 * its records; SlurmClusterTest holds those records as Slurm 22.05 wrote them (the job TIMEOUT, its batch step
 * CANCELLED by 0 with 0:15).
 */
class RealSlurmAccountingTest {
    private static final Duration QUICK = Duration.ofSeconds(90);

    private static SlurmCommands slurm;
    private static Instant submittedFrom;
    private static String completes;
    private static String exits3;
    private static String overMemory;
    private static String cancelled;
    private static String array;
    private static String gpu;

    @BeforeAll
    static void submitAllJobsAtOnce() {
        if (SlurmTestCluster.unavailable() != null) return; // each test then reports itself skipped
        slurm = SlurmTestCluster.commands();
        submittedFrom = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
        cancelled = SlurmTestCluster.submit("cancelled", "sleep 300", "--time=5");
        // Burns 3 s of CPU time, not wall time (the host may be busy): loops until the shell's utime + stime
        // (fields 14 and 15 of /proc/PID/stat, in clock ticks) reach 3 s.
        completes = SlurmTestCluster.submit("completes", "ticks=$(( $(getconf CLK_TCK) * 3 ))\n"
                + "while read -r _ _ _ _ _ _ _ _ _ _ _ _ _ utime stime _ < /proc/$$/stat; "
                + "(( utime + stime < ticks )); do :; done; echo done", "--time=2");
        exits3 = SlurmTestCluster.submit("exits3", "echo about to fail; exit 3", "--account=ops");
        overMemory = SlurmTestCluster.submit("overmemory",
                "x=$(head -c 200000000 /dev/zero | tr '\\0' a); sleep 20", "--mem=20M", "--time=2");
        array = SlurmTestCluster.submit("array", "sleep 3", "--array=1-4%2", "--time=2");
        gpu = SlurmTestCluster.submit("gpu", "echo \"gpus=$CUDA_VISIBLE_DEVICES\"; sleep 2", "--gres=gpu:1",
                "--partition=gpu", "--time=2");
    }

    @BeforeEach
    void needsTheCluster() {
        SlurmTestCluster.assumeCluster();
    }

    @Test
    void aJobThatEndsWellIsCompletedWithItsCpuTimeAndPeakMemory() {
        List<Map<String, String>> rows = awaitFinal(completes, QUICK);
        Map<String, String> job = job(rows);
        assertEquals("COMPLETED", job.get("State"));
        assertEquals("0:0", job.get("ExitCode"));
        assertEquals("research", job.get("Account"), "the default account");
        assertTrue(seconds(job.get("TotalCPU")) >= 2.9, "burnt 3 s of CPU, TotalCPU " + job.get("TotalCPU"));
        Map<String, String> batch = step(rows, completes + ".batch");
        assertEquals("COMPLETED", batch.get("State"));
        assertFalse(batch.get("MaxRSS").isEmpty(), "sampled every second, so a 3 s step has a MaxRSS");
        assertTrue(job.get("MaxRSS").isEmpty(), "MaxRSS is only on step lines");
    }

    @Test
    void aJobThatExitsWithThreeFailsWithExitCodeThree() {
        List<Map<String, String>> rows = awaitFinal(exits3, QUICK);
        Map<String, String> job = job(rows);
        assertEquals("FAILED", job.get("State"));
        assertEquals("3:0", job.get("ExitCode"));
        assertEquals("ops", job.get("Account"));
        assertEquals("FAILED", step(rows, exits3 + ".batch").get("State"));
    }

    @Test
    void aJobOverItsMemoryIsKilled() {
        List<Map<String, String>> rows = awaitFinal(overMemory, QUICK);
        Map<String, String> job = job(rows);
        // OverMemoryKill without cgroups: FAILED 0:9; with cgroup memory enforcement: OUT_OF_MEMORY.
        assertTrue(Set.of("FAILED", "OUT_OF_MEMORY").contains(state(job)), "state " + job.get("State"));
        assertTrue(job.get("ExitCode").equals("0:9") || state(job).equals("OUT_OF_MEMORY"),
                "exit code " + job.get("ExitCode"));
        assertEquals("20M", job.get("ReqMem"));
        assertTrue(seconds(job.get("Elapsed")) < 20, "killed before its sleep ended: " + job.get("Elapsed"));
        Map<String, String> batch = step(rows, overMemory + ".batch");
        assertTrue(kibibytes(batch.get("MaxRSS")) > 20 * 1024, "MaxRSS " + batch.get("MaxRSS"));
    }

    @Test
    void aJobCancelledWhileRunningIsCancelledByItsCanceller() {
        SlurmTestCluster.awaitRunning(cancelled, QUICK);
        slurm.scancel(cancelled);
        List<Map<String, String>> rows = awaitFinal(cancelled, QUICK);
        Map<String, String> job = job(rows);
        assertEquals("CANCELLED by 0", job.get("State"), "cancelled by root");
        assertFalse(job.get("Start").equals("Unknown") || job.get("Start").equals("None"), "it had started");
    }

    @Test
    void aThrottledArrayRunsAtMostTwoTasksAtOnce() {
        List<Map<String, String>> rows = awaitFinal(array, 4, QUICK);
        List<Map<String, String>> tasks = rows.stream().filter(r -> !isStep(r)).collect(Collectors.toList());
        assertEquals(List.of(array + "_1", array + "_2", array + "_3", array + "_4"),
                tasks.stream().map(t -> t.get("JobID")).sorted().collect(Collectors.toList()));
        for (Map<String, String> task : tasks) assertEquals("COMPLETED", task.get("State"), task.toString());
        List<LocalDateTime[]> spans = new ArrayList<>();
        for (Map<String, String> task : tasks) {
            spans.add(new LocalDateTime[] {LocalDateTime.parse(task.get("Start")), LocalDateTime.parse(task.get("End"))});
        }
        for (LocalDateTime[] span : spans) {
            // [start, end): a task that starts in the second another ends does not overlap it.
            long running = spans.stream().filter(s -> !s[0].isAfter(span[0]) && s[1].isAfter(span[0])).count();
            assertTrue(running <= 2, running + " tasks running at " + span[0] + " in " + rows);
        }
    }

    @Test
    void aGpuJobIsGivenAndChargedOneGpu() throws IOException {
        List<Map<String, String>> rows = awaitFinal(gpu, QUICK);
        Map<String, String> job = job(rows);
        assertEquals("COMPLETED", job.get("State"));
        assertEquals("gpu", job.get("Partition"));
        assertTrue(job.get("AllocTRES").contains("gres/gpu=1"), "AllocTRES " + job.get("AllocTRES"));
        assertTrue(job.get("ReqTRES").contains("gres/gpu=1"), "ReqTRES " + job.get("ReqTRES"));
        String output = Files.readString(SlurmTestCluster.outputOf("gpu", gpu)).strip();
        assertTrue(output.matches("gpus=[0-9]"), output);
    }

    @Test
    void sacctOverAWindowListsTheJobsWithAHeaderNamingTheFields() throws IOException {
        awaitFinal(exits3, QUICK);
        String fields = "JobID,JobName,State,ExitCode,Start,End";
        List<String> lines;
        try (Reader reader = slurm.sacct(submittedFrom, Instant.now().plusSeconds(60), fields)) {
            lines = new BufferedReader(reader).lines().collect(Collectors.toList());
        }
        assertEquals("JobID|JobName|State|ExitCode|Start|End", lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith(exits3 + "|reckon-it-exits3|FAILED|3:0|")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith(exits3 + ".batch|batch|")), lines.toString());
    }

    private static Map<String, String> job(List<Map<String, String>> rows) {
        List<Map<String, String>> jobs = rows.stream().filter(r -> !isStep(r)).collect(Collectors.toList());
        assertEquals(1, jobs.size(), rows.toString());
        return jobs.get(0);
    }

    private static Map<String, String> step(List<Map<String, String>> rows, String stepId) {
        return rows.stream().filter(r -> r.get("JobID").equals(stepId)).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + stepId + " in " + rows));
    }

    /** Seconds in a Slurm duration: [D-][HH:]MM:SS[.mmm]. */
    private static double seconds(String duration) {
        long days = 0;
        String rest = duration;
        int dash = rest.indexOf('-');
        if (dash >= 0) {
            days = Long.parseLong(rest.substring(0, dash));
            rest = rest.substring(dash + 1);
        }
        double total = 0;
        for (String part : rest.split(":")) total = total * 60 + Double.parseDouble(part);
        return days * 86400 + total;
    }

    /** KiB in a Slurm size such as 328784K or 1.5G. */
    private static double kibibytes(String size) {
        if (size.isEmpty()) return 0;
        char unit = size.charAt(size.length() - 1);
        String number = Character.isDigit(unit) ? size : size.substring(0, size.length() - 1);
        double value = Double.parseDouble(number);
        return switch (unit) {
            case 'K' -> value;
            case 'M' -> value * 1024;
            case 'G' -> value * 1024 * 1024;
            case 'T' -> value * 1024 * 1024 * 1024;
            default -> value / 1024;
        };
    }
}
