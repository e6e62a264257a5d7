package dev.reckon.source.slurm;

import dev.reckon.model.JobState;
import dev.reckon.source.Cluster;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SlurmClusterTest {
    @Test
    void submissionBecomesOneTaskOnOneNodeWithItsLimits() {
        Cluster.Submission s = new Cluster.Submission("train", 4, 3L << 30, 1, 90_061, "gpu", "charter=llm-ft",
                "python train.py");
        assertEquals(List.of("--job-name=train", "--nodes=1", "--ntasks=1", "--cpus-per-task=4", "--mem=3072M",
                "--gres=gpu:1", "--time=1-01:01:01", "--partition=gpu", "--comment=charter=llm-ft",
                "--wrap=python train.py"), SlurmCluster.sbatchArgs(s));
        assertThrows(IllegalArgumentException.class, () -> SlurmCluster.sbatchArgs(
                new Cluster.Submission("x", 1, 0, 0, 60, null, null, null)));
    }

    @Test
    void sacctLinesGiveEachJobsStateTimesExitAndPeakOfItsSteps() {
        String text = """
                101|COMPLETED|2026-11-21T10:00:00|2026-11-21T10:01:40|0:0|100|
                101.batch|COMPLETED|2026-11-21T10:00:00|2026-11-21T10:01:40|0:0|100|2048K
                101.0|COMPLETED|2026-11-21T10:00:01|2026-11-21T10:01:39|0:0|98|4096K
                102|OUT_OF_MEMORY|2026-11-21T10:00:00|2026-11-21T10:00:25|0:125|25|
                103|RUNNING|2026-11-21T10:00:00|Unknown|0:0|40|
                104|PENDING|Unknown|Unknown|0:0|0|
                105|CANCELLED by 0|None|2026-11-21T10:00:05|0:0|0|
                """;
        List<Cluster.JobStatus> s = SlurmCluster.parseSacct(text, ZoneOffset.UTC);
        assertEquals(5, s.size());
        assertEquals(new Cluster.JobStatus("101", JobState.COMPLETED, Instant.parse("2026-11-21T10:00:00Z"),
                Instant.parse("2026-11-21T10:01:40Z"), "0:0", 4096L << 10, 100), s.get(0));
        assertEquals(JobState.OUT_OF_MEMORY, s.get(1).state());
        assertEquals("0:125", s.get(1).exitCode());
        assertNull(s.get(1).peakMemBytes());
        assertEquals(JobState.RUNNING, s.get(2).state());
        assertNull(s.get(2).end());
        assertNull(s.get(2).exitCode());
        assertNull(s.get(3).start());
        assertEquals(JobState.CANCELLED, s.get(4).state());
        assertNull(s.get(4).start());
    }

    @Test
    void memoryKilledJobReadsAsOutOfMemoryAsRealSlurmRecordsIt() {
        // JobAcctGatherParams=OverMemoryKill on Slurm 22.05: the job FAILED 0:9, its batch step CANCELLED by 0
        String text = """
                416|FAILED|2026-11-21T23:52:13|2026-11-21T23:52:14|0:9|1|
                416.batch|CANCELLED by 0|2026-11-21T23:52:13|2026-11-21T23:52:14|0:9|1|620924K
                421|FAILED|2026-11-21T23:52:13|2026-11-21T23:52:14|3:0|1|
                """;
        List<Cluster.JobStatus> s = SlurmCluster.parseSacct(text, ZoneOffset.UTC);
        assertEquals(JobState.OUT_OF_MEMORY, s.get(0).state());
        assertEquals("0:9", s.get(0).exitCode());
        assertEquals(620924L << 10, s.get(0).peakMemBytes());
        assertEquals(JobState.FAILED, s.get(1).state(), "a plain non-zero exit stays FAILED");
    }

    @Test
    void aJobKilledAtItsLimitReadsAsTimedOut() {
        // a one-minute limit enforced by Slurm 22.05 (sleep 300): the job TIMEOUT 0:0, its batch step CANCELLED by 0
        String text = """
                88|TIMEOUT|2026-11-21T23:50:02|2026-11-21T23:51:31|0:0|89|
                88.batch|CANCELLED by 0|2026-11-21T23:50:02|2026-11-21T23:51:32|0:15|90|1288K
                88.extern|COMPLETED|2026-11-21T23:50:02|2026-11-21T23:51:31|0:0|89|0
                """;
        List<Cluster.JobStatus> s = SlurmCluster.parseSacct(text, ZoneOffset.UTC);
        assertEquals(1, s.size());
        assertEquals(JobState.TIMEOUT, s.get(0).state());
        assertEquals(89, s.get(0).elapsedS());
        assertEquals(Instant.parse("2026-11-21T23:51:31Z"), s.get(0).end());
    }

    @Test
    void pendingJobLineWithARunningStepReadsAsRunning() {
        // slurmdbd records the batch step's start before the job line leaves PENDING
        String text = """
                417|PENDING|2026-11-21T23:52:13|Unknown|0:0|2|
                417.batch|RUNNING|2026-11-21T23:52:13|Unknown|0:0|2|
                420|PENDING|Unknown|Unknown|0:0|0|
                """;
        List<Cluster.JobStatus> s = SlurmCluster.parseSacct(text, ZoneOffset.UTC);
        assertEquals(JobState.RUNNING, s.get(0).state());
        assertEquals(Instant.parse("2026-11-21T23:52:13Z"), s.get(0).start());
        assertEquals(JobState.PENDING, s.get(1).state());
    }
}
