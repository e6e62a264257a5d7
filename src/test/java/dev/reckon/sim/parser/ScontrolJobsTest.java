package dev.reckon.sim.parser;

import dev.reckon.core.InputError;
import dev.reckon.sim.Predict;
import dev.reckon.sim.SlurmModel;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScontrolJobsTest {
    /** A running 2-node job as Slurm 22.05 prints it with {@code -d -o} (shortened), its name holding a space. */
    static final String RUNNING = "JobId=4290 JobName=my job UserId=root(0) Priority=1 JobState=RUNNING "
            + "Partition=debug NodeList=n[1-2] NumNodes=2 NumCPUs=3 NumTasks=3 CPUs/Task=1 ReqB:S:C:T=0:0:*:* "
            + "TRES=cpu=3,mem=768M,node=2 Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=* JOB_GRES=(null)   "
            + "Nodes=n1 CPU_IDs=0-1 Mem=512 GRES=   Nodes=n2 CPU_IDs=3 Mem=256 GRES= MinCPUsNode=1 MinMemoryCPU=256M "
            + "MinTmpDiskNode=0 OverSubscribe=OK Contiguous=0";
    /** A pending job that fixed two nodes, one task each, with memory per node and --exclusive. */
    static final String PENDING = "JobId=4291 JobName=wide Priority=1 JobState=PENDING Partition=debug NodeList= "
            + "NumNodes=2-2 NumCPUs=2 NumTasks=2 CPUs/Task=1 NtasksPerN:B:S:C=1:0:*:* CoreSpec=* MinCPUsNode=1 "
            + "MinMemoryNode=1G MinTmpDiskNode=0 OverSubscribe=NO";
    /** An array's running task: squeue calls it 105_3. */
    static final String TASK = "JobId=108 ArrayJobId=105 ArrayTaskId=3 JobName=a JobState=RUNNING NumNodes=1 NumCPUs=2 "
            + "NumTasks=1 CPUs/Task=2 JOB_GRES=(null) Nodes=n1 CPU_IDs=2-3 Mem=256 GRES= MinMemoryCPU=128M "
            + "OverSubscribe=OK";

    @Test
    void aRunningJobHoldsItsCpusAndMemoryOnEachNode() {
        Predict.Asked a = ScontrolJobs.parse(RUNNING + "\n", "f").get("4290");
        assertEquals(3, a.tasks());
        assertEquals(1, a.cpusPerTask());
        assertEquals(0, a.nodesAsked(), "NumNodes=2 of a running job is where it landed, not what it fixed");
        assertArrayEquals(new long[]{2, 512, 0}, a.held().get("n1"));
        assertArrayEquals(new long[]{1, 256, 0}, a.held().get("n2"));
        assertEquals(256, a.memPerCpuMb());
        assertEquals(false, a.exclusive());
    }

    @Test
    void aPendingJobKeepsHowItAskedForItsNodes() {
        Predict.Asked a = ScontrolJobs.parse(PENDING, "f").get("4291");
        assertEquals(2, a.nodesAsked());
        assertEquals(1, a.tasksPerNode());
        assertEquals(1024, a.memPerNodeMb());
        assertTrue(a.exclusive());
        assertTrue(a.held().isEmpty());
    }

    @Test
    void aGpuJobHoldsTheGpusItsDetailNamesAndAsksAsItsTresSay() {
        String running = "JobId=51 JobName=train JobState=RUNNING NumNodes=2 NumCPUs=2 NumTasks=2 CPUs/Task=1 "
                + "TresPerNode=gres:gpu:2 JOB_GRES=gpu:4 Nodes=n1 CPU_IDs=0 Mem=256 GRES=gpu:2(IDX:0-1) "
                + "Nodes=n2 CPU_IDs=1 Mem=256 GRES=gpu(IDX:2,3) MinMemoryCPU=256M OverSubscribe=OK";
        Predict.Asked a = ScontrolJobs.parse(running, "f").get("51");
        assertArrayEquals(new long[]{1, 256, 2}, a.held().get("n1"));
        assertArrayEquals(new long[]{1, 256, 2}, a.held().get("n2"));
        assertEquals(new SlurmModel.Gpus(2, 0, 0), a.gpus());
        Predict.Asked old = ScontrolJobs.parse("JobId=50 NumTasks=1 Nodes=n1 CPU_IDs=0 Mem=256 GRES_IDX=gpu(IDX:0-2)", "f")
                .get("50");
        assertArrayEquals(new long[]{1, 256, 3}, old.held().get("n1"), "Slurm 19.05 names the indexes GRES_IDX");
        String pending = "JobId=52 JobName=t JobState=PENDING NumNodes=1 NumTasks=2 CPUs/Task=1 "
                + "TresPerJob=gres/gpu:a100:3 TresPerTask=gres:gpu:1 MinMemoryCPU=256M OverSubscribe=OK";
        assertEquals(new SlurmModel.Gpus(0, 1, 3), ScontrolJobs.parse(pending, "f").get("52").gpus());
        InputError e = assertThrows(InputError.class, () -> ScontrolJobs.parse(
                "JobId=53 NumTasks=1 TresPerNode=gres:gpu:a100:lots", "f.txt"));
        assertTrue(e.getMessage().contains("TresPerNode"), e.getMessage());
    }

    @Test
    void anArrayTaskIsFoundUnderSqueuesName() {
        Map<String, Predict.Asked> m = ScontrolJobs.parse(TASK + "\nNo jobs in the system\n", "f");
        assertEquals(m.get("108"), m.get("105_3"));
        assertArrayEquals(new long[]{2, 256, 0}, m.get("105_3").held().get("n1"));
    }

    @Test
    void aValueThatCannotBeReadNamesItsLineAndField() {
        InputError e = assertThrows(InputError.class,
                () -> ScontrolJobs.parse(TASK + "\n" + RUNNING.replace("CPU_IDs=3", "CPU_IDs=x"), "jobs.txt"));
        assertTrue(e.getMessage().contains("jobs.txt") && e.getMessage().contains("2") && e.getMessage().contains("CPU_IDs"),
                e.getMessage());
    }
}
