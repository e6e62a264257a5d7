package dev.reckon.sim;

import org.junit.jupiter.api.Test;

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
    void aLineWithoutTheShapesOptionsOrNotSbatchsIsLeftToAccounting() {
        assertNull(FidelityRun.fromSubmitLine("1", "sbatch --job-name=a --mem=1G job.sh", 100, 1), "the shape is in the script");
        assertNull(FidelityRun.fromSubmitLine("2", "", 100, 1));
        assertNull(FidelityRun.fromSubmitLine("3", "salloc -n 2", 100, 1));
        assertNull(FidelityRun.fromSubmitLine("4", "sbatch --ntasks=two job.sh", 100, 1));
    }
}
