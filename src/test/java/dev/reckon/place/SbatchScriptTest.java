package dev.reckon.place;

import dev.reckon.core.InputError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An sbatch script's #SBATCH lines give the shape placed, read as sbatch reads them. */
class SbatchScriptTest {
    static final long MI = 1L << 20;

    @Test
    void theOptionsInTheirLongShortAndGluedFormsGiveTheShapeInAll() {
        SbatchScript.Shape s = SbatchScript.parse(String.join("\n",
                "#!/bin/bash",
                "#SBATCH --job-name=train",
                "#SBATCH -N 2",
                "#SBATCH --ntasks-per-node=4",
                "#SBATCH -c2",
                "#SBATCH --mem=8G   # per node",
                "#SBATCH --gres=gpu:a100:2",
                "#SBATCH -t 1-02:00:00",
                "#SBATCH --partition gpu",
                "#SBATCH --account=research --output=out-%j.txt",
                "",
                "srun python train.py",
                "#SBATCH --time=5   (after the first command: sbatch ignores it)"), "train.sbatch");
        assertEquals(2, s.nodes());
        assertEquals(16, s.cpus(), "2 nodes x 4 tasks x 2 CPUs");
        assertEquals(16L << 30, s.memBytes(), "8G per node x 2");
        assertEquals(4, s.gpus(), "2 per node x 2");
        assertEquals(26 * 3600L, s.timeS());
        assertEquals("gpu", s.partition());
        assertEquals("train", s.name());
        assertEquals(List.of("--account", "--output"), s.ignored());
    }

    @Test
    void memoryPerCpuGpusInAllAndPlainMinutes() {
        SbatchScript.Shape s = SbatchScript.parse("#SBATCH -n 4\n#SBATCH --mem-per-cpu=500\n#SBATCH --gpus=3\n"
                + "#SBATCH --time=90\n", "x.sh");
        assertEquals(1, s.nodes());
        assertEquals(4, s.cpus());
        assertEquals(4 * 500 * MI, s.memBytes(), "a bare number is MiB");
        assertEquals(3, s.gpus());
        assertEquals(90 * 60L, s.timeS());
    }

    @Test
    void aScriptWithoutSbatchLinesAsksForOneCpuAndNoTimeLimit() {
        SbatchScript.Shape s = SbatchScript.parse("#!/bin/sh\necho hi\n", "x.sh");
        assertEquals(1, s.nodes());
        assertEquals(1, s.cpus());
        assertEquals(0, s.memBytes());
        assertNull(s.timeS());
    }

    @Test
    void aBadValueIsAnInputErrorWithTheScriptsLineAndTheOption() {
        InputError e = assertThrows(InputError.class, () -> SbatchScript.parse("#!/bin/bash\n#SBATCH -c 2\n"
                + "#SBATCH --mem=lots\n", "job.sh"));
        assertTrue(e.getMessage().startsWith("job.sh:3: field --mem:"), e.getMessage());
        InputError t = assertThrows(InputError.class, () -> SbatchScript.parse("#SBATCH --time=soon\n", "job.sh"));
        assertTrue(t.getMessage().startsWith("job.sh:1: field --time:"), t.getMessage());
    }
}
