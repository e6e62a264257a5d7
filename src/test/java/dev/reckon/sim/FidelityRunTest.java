package dev.reckon.sim;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A job's shape as its sbatch line asked for it, for replaying what a cluster ran from accounting alone. */
class FidelityRunTest {
    @Test
    void theSbatchLineGivesTasksCpusPerTaskNodesExclusiveAndMemory() {
        Fidelity.Spec s = FidelityRun.fromSubmitLine("7", "sbatch --parsable --job-name=a --ntasks=2 --cpus-per-task=1 "
                + "--mem=700M --time=1 --wrap=sleep 2 --nodes=5", 100, 1);
        assertEquals(2, s.tasks());
        assertEquals(1, s.cpus());
        assertEquals(0, s.nodes(), "Slurm chooses the nodes; what follows --wrap is the job's, not sbatch's");
        assertEquals(700, s.memMb());
        assertEquals("2x1cpu", s.shape());

        Fidelity.Spec x = FidelityRun.fromSubmitLine("8", "/usr/bin/sbatch -N 1 -n1 -c 2 --exclusive --mem 2G job.sh -n 9",
                100, 1);
        assertEquals(1, x.nodes());
        assertEquals(1, x.tasks());
        assertEquals(2, x.cpus());
        assertTrue(x.exclusive());
        assertEquals(2048, x.memMb());

        Fidelity.Spec wide = FidelityRun.fromSubmitLine("9", "sbatch --nodes=2-4 job.sh", 100, 1);
        assertEquals(2, wide.nodes());
        assertEquals(2, wide.tasks(), "one task per node when --ntasks is not given");
    }

    @Test
    void tasksPerNodeOnTheLineGiveThatManyTasksOnEachNode() {
        Fidelity.Spec s = FidelityRun.fromSubmitLine("10", "sbatch -N 2 --ntasks-per-node=2 -t 3 job.sh", 100, 3);
        assertEquals(4, s.tasks());
        assertEquals(2, s.nodes());
        assertEquals(2, s.tasksPerNode());
        assertEquals("4x1cpu/2n(2/n)", s.shape());
        Fidelity.Spec alone = FidelityRun.fromSubmitLine("11", "sbatch --ntasks-per-node=3 job.sh", 100, 3);
        assertEquals(3, alone.tasks(), "one node of three tasks");
        assertEquals(5, FidelityRun.fromSubmitLine("12", "sbatch -n 5 --ntasks-per-node=3 job.sh", 100, 3).tasks());
    }

    @Test
    void whatTheScriptAskedBesideTheLineComesFromTheCpusTheJobHeld() {
        // sbatch -N 2 job.sh, the script holding "#SBATCH --ntasks-per-node=3": the line alone says 2 tasks
        Fidelity.Spec line = FidelityRun.fromSubmitLine("13", "sbatch -N 2 job.sh", 100, 3);
        Fidelity.Spec held = FidelityRun.agreeingWithHeld(line, 6, false);
        assertEquals(6, held.tasks());
        assertEquals(3, held.tasksPerNode());
        assertEquals(2, held.nodes());
        Fidelity.Spec perTask = FidelityRun.fromSubmitLine("14", "sbatch -c 2 job.sh", 100, 3);
        assertEquals(4, FidelityRun.agreeingWithHeld(perTask, 8, false).tasks(), "the script's --ntasks=4");
        assertNull(FidelityRun.agreeingWithHeld(perTask, 5, false), "no whole number of tasks: go by accounting");
        assertEquals(perTask, FidelityRun.agreeingWithHeld(perTask, 2, false), "agrees already");
        Fidelity.Spec exclusive = FidelityRun.fromSubmitLine("15", "sbatch --exclusive job.sh", 100, 3);
        assertEquals(exclusive, FidelityRun.agreeingWithHeld(exclusive, 16, false), "whole nodes, whatever it asked");
        // sbatch -n 2 job.sh, the script holding "#SBATCH -c 3": two tasks of three CPUs
        Fidelity.Spec two = FidelityRun.agreeingWithHeld(FidelityRun.fromSubmitLine("16", "sbatch -n 2 job.sh", 100, 3),
                6, true);
        assertEquals(2, two.tasks());
        assertEquals(3, two.cpus());
    }

    @Test
    void reqMemIsTheJobsMemoryInAllSharedByItsNodesOrPerNodeOrPerCpuBeforeSlurm21() {
        // measured on Slurm 22.05: -N 2 --mem=300M shows 600M; -n 3 --mem-per-cpu=500M (on 2 nodes) shows 1500M
        assertEquals(300, FidelityRun.memPerNodeMb("600M", 2, 2));
        assertEquals(750, FidelityRun.memPerNodeMb("1500M", 3, 2));
        assertEquals(4096, FidelityRun.memPerNodeMb("4Gn", 8, 2));
        assertEquals(1024, FidelityRun.memPerNodeMb("256Mc", 8, 2), "four CPUs on a node");
    }

    @Test
    void accountingLinesGiveTheArrayTaskAndTheGpusAJobThatNeverStartedAsked() {
        // JobIDRaw,State,Submit,Eligible,Start,End,TimelimitRaw,AllocCPUS,ReqMem,JobName,ReqCPUS,ReqNodes,AllocNodes,
        // Partition,AllocTRES,JobID,ReqTRES,SubmitLine (as Slurm 22.05 printed them)
        String task = "166|COMPLETED|2026-12-01T06:49:14|2026-12-01T06:49:32|2026-12-01T06:49:32|2026-12-01T06:49:40|2|1"
                + "|300M|wl-arr|1|1|1|debug|billing=1,cpu=1,mem=300M,node=1|152_5|billing=1,cpu=1,mem=300M,node=1"
                + "|sbatch --parsable -J wl-arr --array=1-6%2 -c 1 -t 2 --mem=300M --wrap sleep 8";
        Fidelity.Real t = FidelityRun.accounted(task, java.time.ZoneOffset.UTC, -1, false);
        assertEquals("152_5", t.jobId());
        assertEquals("152", t.array());
        assertEquals(2, t.arrayMax());
        assertEquals("debug", t.partition());
        assertEquals(300, t.spec().memMb());
        String cancelled = "201|CANCELLED by 0|2026-12-01T07:00:00|2026-12-01T07:00:00|None|2026-12-01T07:00:09|1|0"
                + "|1000M|gpu-w|2|1|0|gpu||201|billing=2,cpu=2,gres/gpu=2,mem=1000M,node=1|sbatch job.sh";
        Fidelity.Real c = FidelityRun.accounted(cancelled, java.time.ZoneOffset.UTC, 1_800_000_000L, true);
        assertEquals(false, c.started());
        assertEquals(new SlurmModel.Gpus(2, 0, 0), c.gpus(), "never held: as asked");
        assertNull(c.array());
        // an array submitted with --begin=now+1h and cancelled 2 s later: Start is the cancel, before Eligible
        String early = "83|CANCELLED by 0|2026-12-01T06:37:33|2026-12-01T07:37:33|2026-12-01T06:37:35"
                + "|2026-12-01T06:37:35|2|1|500M|pa-array|1|1|1|debug||83_[1-6]|billing=1,cpu=1,node=1"
                + "|sbatch --parsable --array=1-6 --begin=now+3600 job.sh";
        assertNull(FidelityRun.accounted(early, java.time.ZoneOffset.UTC, 1_800_000_000L, true), "it never ran");
    }

    @Test
    void theTasksOfALimitedArrayAreEligibleWhenItsFirstWas() {
        // accounting: 7_3 eligible only when the limit of 2 let it start, at 106; 8_2, of an array without a limit,
        // and 9, no array's task, keep theirs
        Fidelity.Real t1 = task("7_1", 100, 100, 100, "7", 2), t3 = task("7_3", 100, 106, 106, "7", 2);
        Fidelity.Real free = task("8_2", 100, 100, 104, "8", 0), plain = task("9", 100, 103, 103, null, 0);
        List<Fidelity.Real> out = FidelityRun.arraysEligibleTogether(List.of(t1, t3, free, plain));
        assertEquals(100, out.get(1).eligible());
        assertEquals(106, out.get(1).start(), "its real start is kept");
        assertEquals(List.of(t1, free, plain), List.of(out.get(0), out.get(2), out.get(3)));
    }

    private static Fidelity.Real task(String id, long submit, long eligible, long start, String array, int max) {
        return new Fidelity.Real(id, id, submit, eligible, start, start + 5, 60, 1, 1L << 20, null,
                SlurmModel.Gpus.NONE, true, "debug", array, max);
    }

    @Test
    void anArraysLimitOfTasksRunningAtOnceComesFromItsSbatchLine() {
        assertEquals(3, FidelityRun.arrayLimit("sbatch --array=0-9%3 -n 1 job.sh"));
        assertEquals(2, FidelityRun.arrayLimit("sbatch -a 1-5%2 job.sh"));
        assertEquals(4, FidelityRun.arrayLimit("sbatch -Ha1,3,5%4 job.sh"));
        assertEquals(0, FidelityRun.arrayLimit("sbatch --array=0-9 job.sh"), "no limit");
        assertEquals(0, FidelityRun.arrayLimit("sbatch job.sh --array=1-2%1"), "the script's own argument");
        assertEquals(0, FidelityRun.arrayLimit("srun -n 1 hostname"));
    }

    @Test
    void aPartitionGivenAsDashPGpuDoesNotEndTheOptions() {
        // regression: "-p gpu" was read as the script "gpu", so the shape and GPUs after it were left to accounting
        String line = "sbatch --parsable -p gpu --gres=gpu:1 -n 2 -t 2 --wrap sleep 12";
        Fidelity.Spec s = FidelityRun.fromSubmitLine("5290", line, 256, 2);
        assertEquals("2x1cpu", s.shape());
        assertEquals(new SlurmModel.Gpus(1, 0, 0), FidelityRun.gpusFromSubmitLine(line));
        assertEquals(java.util.Map.of("--partition", "gpu", "--time", "5", "--hold", "", "--ntasks", "3",
                "--account", "ops"), FidelityRun.sbatchOptions("sbatch --partition gpu -t 5 -Hn3 --account=ops job.sh -c 4"));
    }

    @Test
    void aLineWithoutTheShapesOptionsOrNotSbatchsIsLeftToAccounting() {
        assertNull(FidelityRun.fromSubmitLine("1", "sbatch --job-name=a --mem=1G job.sh", 100, 1), "the shape is in the script");
        assertNull(FidelityRun.fromSubmitLine("2", "", 100, 1));
        assertNull(FidelityRun.fromSubmitLine("3", "salloc -n 2", 100, 1));
        assertNull(FidelityRun.fromSubmitLine("4", "sbatch --ntasks=two job.sh", 100, 1));
    }

    @Test
    void theGpusComeFromTheSbatchLineElseFromWhatAccountingSaysWasHeld() {
        assertEquals(new SlurmModel.Gpus(2, 0, 0), FidelityRun.gpusFromSubmitLine("sbatch --gres=gpu:a100:2 -c 1 job.sh"));
        assertEquals(new SlurmModel.Gpus(1, 1, 4), FidelityRun.gpusFromSubmitLine(
                "sbatch --gpus-per-node=1 --gpus-per-task 1 -G4 job.sh --gres=gpu:8"));
        assertNull(FidelityRun.gpusFromSubmitLine("sbatch -c 2 job.sh"), "none named: accounting's AllocTRES decides");
        assertEquals(2, FidelityRun.heldGpus("billing=2,cpu=2,gres/gpu=2,mem=1G,node=1"));
        assertEquals(3, FidelityRun.heldGpus("cpu=2,gres/gpu:a100=2,gres/gpu:v100=1"));
        assertEquals(0, FidelityRun.heldGpus("cpu=2,mem=1G"));
    }

    @Test
    void aGpuJobReplaysOnTheNodeWhoseGpusAreFree() {
        long t = 1_800_000_030L;
        SlurmModel m = new SlurmModel(java.util.List.of(new SlurmModel.Node("n1", 4, 4000, 2, java.util.Set.of("gpu")),
                new SlurmModel.Node("n2", 4, 4000, 2, java.util.Set.of("gpu"))), SlurmModel.Settings.defaults());
        SlurmModel.Gpus one = new SlurmModel.Gpus(1, 0, 0);
        // three jobs of one GPU: two fit on n1 beside each other, the third on n2; a fourth of two GPUs waits for
        // a node with both free (CPUs are free on both all along)
        java.util.List<Fidelity.Real> real = java.util.List.of(
                new Fidelity.Real("1", "a", t, t, t, t + 50, 600, 1, 100L << 20, null, one),
                new Fidelity.Real("2", "b", t, t, t, t + 90, 600, 1, 100L << 20, null, one),
                new Fidelity.Real("3", "c", t, t, t, t + 90, 600, 1, 100L << 20, null, one),
                new Fidelity.Real("4", "d", t + 1, t + 1, t + 90, t + 95, 600, 1, 100L << 20, null,
                        new SlurmModel.Gpus(2, 0, 0)));
        java.util.Map<String, Long> replayed = Fidelity.replay(real, java.util.List.of(), m);
        assertEquals(t + 90, replayed.get("d"), "one GPU stays busy on each node until the 90-second jobs end");
    }
}
