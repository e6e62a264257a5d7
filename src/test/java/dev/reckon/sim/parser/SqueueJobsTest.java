package dev.reckon.sim.parser;

import dev.reckon.sim.Machine;
import dev.reckon.sim.Predict;
import dev.reckon.core.InputError;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqueueJobsTest {
    static String fixture(String name) throws Exception {
        return Files.readString(Path.of(SqueueJobsTest.class.getResource("/sim/" + name).toURI()));
    }

    @Test
    void theJobNameIsTheLastColumnAndMayHoldABar() {
        String q = "7|RUNNING|debug|ann|1|2026-11-21T23:40:18|1:00:00|10:00|1|2|256M|N/A|N/A|train a|b|\n"
                + "8_[1-2]|PENDING|debug|ann|1|2026-11-21T23:40:18|1:00:00|0:00|1|1|256M|N/A|N/A|sweep|\n"
                + "9|PENDING|debug|ann|1|2026-11-21T23:40:18|1:00:00|0:00|1|1|256M|N/A|N/A||\n"
                + "10|PENDING|debug|ann|1|2026-11-21T23:40:18|1:00:00|0:00|1|1|256M|N/A|N/A|\n";
        List<Predict.LiveJob> jobs = SqueueJobs.parse(q, "squeue", ZoneOffset.UTC);
        assertEquals("train a|b", jobs.get(0).name());
        assertNull(jobs.get(1).name(), "empty name");
        assertNull(jobs.get(2).name(), "saved without the name column");
        assertEquals("sweep", jobs.get(3).name(), "an array's tasks keep its name");
        assertEquals("sweep", jobs.get(4).name());
    }

    @Test
    void aPendingExclusiveJobTakesWholeNodesInThePrediction() {
        // OverSubscribe NO: the job asked for --exclusive; squeue shows the one CPU it asked for
        String q = "11|PENDING|debug|ann|100|2026-11-21T23:40:18|1:00:00|0:00|1|1|256M|N/A|N/A|NO|big|\n"
                + "12|PENDING|debug|ann|50|2026-11-21T23:40:19|1:00:00|0:00|1|1|256M|N/A|N/A|OK|small|\n";
        List<Predict.LiveJob> jobs = SqueueJobs.parse(q, "squeue", ZoneOffset.UTC);
        assertTrue(jobs.get(0).exclusive());
        assertEquals("big", jobs.get(0).name(), "the name after the OverSubscribe column");
        assertFalse(jobs.get(1).exclusive());
        assertEquals("small", jobs.get(1).name());
        Machine one = Machine.of(1, 4, 0, 0);
        java.time.Instant now = java.time.Instant.parse("2026-11-22T00:00:00Z");
        Predict.Shape asked = new Predict.Shape("as asked", 1, 1, 0, 0, 600, null, 1);
        long wait = Predict.predict(one, jobs, List.of(asked), now, "easy", dev.reckon.sim.SimDefaults.load())
                .get(0).waitS();
        assertEquals(3600, wait, "the exclusive job holds the node's four CPUs for its hour");
        List<Predict.LiveJob> shared = SqueueJobs.parse(q.replace("|NO|", "|OK|"), "squeue", ZoneOffset.UTC);
        assertEquals(0, Predict.predict(one, shared, List.of(asked), now, "easy", dev.reckon.sim.SimDefaults.load())
                .get(0).waitS(), "shared, both pending jobs and the new one fit at once");
    }

    @Test
    void runningAndPendingJobsReadWithTheirTresGpusAndLimits() throws Exception {
        List<Predict.LiveJob> jobs = SqueueJobs.parse(fixture("squeue-O.txt"), "squeue", ZoneOffset.UTC);
        assertEquals(4, jobs.size());
        Predict.LiveJob r = jobs.get(0);
        assertTrue(r.running());
        assertEquals(3600L, r.limitS());
        assertEquals(600, r.elapsedS());
        assertEquals(2, r.cpus());
        assertEquals(256L << 20, r.memBytes());
        assertEquals(2, r.gpus());
        Predict.LiveJob p = jobs.get(2);
        assertFalse(p.running());
        assertEquals(900, p.priority());
        assertEquals(1, p.gpus(), "pending: GPUs from tres-per-node x nodes when the TRES names none");
        Predict.LiveJob u = jobs.get(3);
        assertNull(u.limitS(), "UNLIMITED");
        assertEquals(500L << 20, u.memBytes(), "MinMemory per node x nodes without TRES");
        assertEquals(0, u.gpus());
    }

    @Test
    void heldJobsAreLeftOutAndSeveralPartitionsKept() {
        // as Slurm 22.05 printed them: 516 sbatch -H (priority 0, JobHeldUser), 512 sbatch -p debug,gpu
        String text = """
                516|PENDING|debug|root|0|2026-11-22T00:00:12|2:00|0:00|1|1|256M|cpu=1,mem=256M,node=1,billing=1|N/A|
                512|PENDING|debug,gpu|root|1|2026-11-22T00:00:12|2:00|0:00|1|2|256M|cpu=2,mem=512M,node=1,billing=2|N/A|
                """;
        List<Predict.LiveJob> jobs = SqueueJobs.parse(text, "squeue", ZoneOffset.UTC);
        assertEquals(List.of("512"), jobs.stream().map(Predict.LiveJob::id).toList());
        assertEquals("debug,gpu", jobs.get(0).partition());
    }

    @Test
    void drainedAndDownNodesCannotTakeWork() throws Exception {
        String nodes = fixture("scontrol-nodes-o.txt");
        Machine all = ScontrolNodes.parse(nodes, "nodes");
        Machine usable = ScontrolNodes.parse(SqueueJobs.usableNodes(nodes), "nodes");
        assertEquals(3, all.totalNodes());
        assertEquals(2, usable.totalNodes());
        assertEquals(4, usable.groups().get(0).totalGpus());
    }

    @Test
    void aBadFieldIsReportedByFileLineAndField() {
        String text = "349|RUNNING|debug|root|1|2026-11-21T23:40:18|1:00|1:13|1|x|256M|N/A|N/A|\n";
        InputError e = assertThrows(InputError.class, () -> SqueueJobs.parse(text, "q.txt", ZoneOffset.UTC));
        assertTrue(e.getMessage().startsWith("q.txt:1: field 10 (NumCPUs)"), e.getMessage());
        InputError short1 = assertThrows(InputError.class, () -> SqueueJobs.parse("\n1|RUNNING|x\n", "q.txt",
                ZoneOffset.UTC));
        assertTrue(short1.getMessage().startsWith("q.txt:2: field 4 (UserName): missing"), short1.getMessage());
    }

    @Test
    void tresPerNodeGpusInEitherSpelling() {
        assertEquals(2, SqueueJobs.gpus("gres:gpu:2", "f", 1));
        assertEquals(2, SqueueJobs.gpus("gres/gpu:a100:2", "f", 1));
        assertEquals(1, SqueueJobs.gpus("gres/gpu", "f", 1));
        assertEquals(0, SqueueJobs.gpus("N/A", "f", 1));
    }

    @Test
    void aPendingArrayCountsAsItsTasks() {
        // as Slurm 22.05 printed them with JobArrayID: a pending array is one line
        String text = """
                105_[1-6]|PENDING|debug|root|1|2026-11-30T05:48:26|2:00|0:00|1|1|256M|cpu=1,mem=256M,node=1,billing=1|N/A|
                106_[1,3,5-9:2]|PENDING|debug|root|1|2026-11-30T05:48:26|2:00|0:00|1|1|256M|cpu=1,mem=256M,node=1,billing=1|N/A|
                """;
        List<Predict.LiveJob> jobs = SqueueJobs.parse(text, "squeue", ZoneOffset.UTC);
        assertEquals(6, jobs.stream().filter(j -> j.id().startsWith("105_")).count());
        assertEquals(5, jobs.stream().filter(j -> j.id().startsWith("106_")).count(), "1, 3, 5, 7, 9");
        assertTrue(jobs.stream().allMatch(j -> !j.running() && j.pendingTasks() == 1 && j.limitS() == 120L));
    }

    @Test
    void aCappedArrayRunsItsTasksInLanesBehindItsRunningTasks() {
        // 816_[3-6%2]: two tasks run (816_1, 816_2), four wait for them
        String text = """
                816_[3-6%2]|PENDING|debug|root|1|2026-11-30T05:48:26|2:00|0:00|1|1|256M|cpu=1,mem=256M,node=1,billing=1|N/A|
                816_1|RUNNING|debug|root|1|2026-11-30T05:48:26|2:00|0:02|1|1|256M|cpu=1,mem=256M,node=1,billing=1|N/A|
                816_2|RUNNING|debug|root|1|2026-11-30T05:48:26|2:00|0:02|1|1|256M|cpu=1,mem=256M,node=1,billing=1|N/A|
                820_[1-5%2]|PENDING|debug|root|1|2026-11-30T05:48:26|2:00|0:00|1|1|256M|cpu=1,mem=256M,node=1,billing=1|N/A|
                """;
        List<Predict.LiveJob> jobs = SqueueJobs.parse(text, "squeue", ZoneOffset.UTC);
        List<Predict.LiveJob> a = jobs.stream().filter(j -> j.id().startsWith("816_")).toList();
        assertEquals(2, a.size(), "the running tasks carry the waiting ones: " + a);
        assertTrue(a.stream().allMatch(Predict.LiveJob::running));
        assertEquals(4, a.stream().mapToLong(Predict.LiveJob::pendingTasks).sum());
        assertEquals(120L + 2 * 120L, a.get(0).limitS(), "its own limit, then two more tasks'");
        List<Predict.LiveJob> b = jobs.stream().filter(j -> j.id().startsWith("820_")).toList();
        assertEquals(2, b.size(), "two lanes: " + b);
        assertEquals(List.of(3L, 2L), b.stream().map(Predict.LiveJob::pendingTasks).toList());
        assertEquals(List.of(360L, 240L), b.stream().map(Predict.LiveJob::limitS).toList());
    }

    @Test
    void aPlainJobIdColumnStillReads() {
        // saved with JobID instead of JobArrayID: the array is one job, as squeue's JobID shows it
        String text = "816|PENDING|debug|root|1|2026-11-30T05:48:26|2:00|0:00|1|1|256M|cpu=1,mem=256M,node=1,billing=1|N/A|\n";
        assertEquals(1, SqueueJobs.parse(text, "squeue", ZoneOffset.UTC).size());
    }

    @Test
    void aBadArrayRangeIsReportedByFileLineAndField() {
        String text = "816_[6-3]|PENDING|debug|root|1|2026-11-30T05:48:26|2:00|0:00|1|1|256M|N/A|N/A|\n";
        InputError e = assertThrows(InputError.class, () -> SqueueJobs.parse(text, "q.txt", ZoneOffset.UTC));
        assertTrue(e.getMessage().startsWith("q.txt:1: field 1 (JobID)"), e.getMessage());
    }
}
