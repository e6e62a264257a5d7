package dev.reckon.bench;

import dev.reckon.optimise.Campaign;
import dev.reckon.optimise.Factor;
import dev.reckon.optimise.Lane;
import dev.reckon.optimise.PipelineModel;
import dev.reckon.optimise.Shape;
import dev.reckon.optimise.Stage;
import dev.reckon.sim.Machine;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The optimiser on small workloads the shipped bench does not have, measured with the bench's own yardsticks (the
 * exhaustive search of the factor grid, the right-sizing baseline): what the targets ask, on models nobody
 * tuned the search to.
 */
class OptimiseBenchTest {
    static final long GIB = 1L << 30;

    /** Six 32-core nodes of 128 GiB, kept 85% busy by others' 8-core, 40-minute jobs. */
    static PipelineModel model(String stage, PipelineModel.StageModel m, long seed) {
        Machine machine = new Machine(List.of(new Machine.Group("cpu", 6, 32, 128 * GIB, 0, Set.of())));
        return new PipelineModel(machine, new PipelineModel.Background(0.85, 8, 2400, seed, 2 * 86_400), seed + 1,
                0.05, "easy", Map.of(stage, m));
    }

    static Map<Factor, Stage.Range> bounds(int cpus, int units, int conc) {
        return Map.of(Factor.CPUS, new Stage.Range(1, cpus), Factor.MEM, new Stage.Range(GIB, 120 * GIB),
                Factor.TIME, new Stage.Range(300, 12 * 3600), Factor.SHARDS_PER_JOB, new Stage.Range(1, units),
                Factor.CONCURRENCY, new Stage.Range(1, conc));
    }

    @Test
    void onAQueueBoundStageOfWideJobsTheChosenShapeIsWithinTenPercentOfTheExhaustiveOptimum() {
        // whole-node jobs of 16 units, two at a time: each waits for a node to empty on a busy cluster
        Stage s = new Stage("render", 128, null, new Shape(32, 16 * GIB, 0, 6 * 3600, null, 16, 2),
                bounds(32, 16, 32), Set.of(Lane.CPU), List.of(), null);
        OptimiseBench.Workload w = new OptimiseBench.Workload("queue-bound-small", "wide jobs on a busy cluster",
                new Campaign("render", 1, "bench", List.of(s)),
                model("render", new PipelineModel.StageModel(240, 0.25, 1, 45, GIB, 384L << 20, 0), 5));
        OptimiseBench.Figure f = OptimiseBench.one(w);
        assertTrue(f.vsOptimum() <= 0.10, "within 10% of the exhaustive optimum: " + f);
        assertTrue(f.vsSubmitted() >= 0.40, "at least 40% sooner than as submitted: " + f);
        assertEquals(0, f.oomsAfterRound1(), f.toString());
    }

    @Test
    void aShapeJudgedByItsMeasuredRuntimeRatherThanTheFitKeepsAQueueBoundStageWithinTenPercentOfTheOptimum() {
        // the stage of the first test on another draw of the others' load: with the fitted runtime alone the rounds
        // kept 2 CPUs x 4 units, 25% over the optimum (1 CPU x 4 units); the shapes' measured runtimes settle it
        Stage s = new Stage("render", 128, null, new Shape(32, 16 * GIB, 0, 6 * 3600, null, 16, 2),
                bounds(32, 16, 32), Set.of(Lane.CPU), List.of(), null);
        OptimiseBench.Workload w = new OptimiseBench.Workload("queue-bound-small-11", "wide jobs on a busy cluster",
                new Campaign("render", 1, "bench", List.of(s)),
                model("render", new PipelineModel.StageModel(240, 0.25, 1, 45, GIB, 384L << 20, 0), 11));
        OptimiseBench.Figure f = OptimiseBench.one(w);
        assertTrue(f.vsOptimum() <= 0.10, "within 10% of the exhaustive optimum: " + f);
        assertEquals(0, f.oomsAfterRound1(), f.toString());
    }

    @Test
    void noJobRunsOutOfMemoryAfterRoundOneOnAStageWhoseMemoryGrowsWithItsUnitsPerJob() {
        // 2 GiB + 2 GiB a unit: a job of many units needs far more than the one of few it was sized from
        Stage s = new Stage("decode", 96, null, new Shape(2, 8 * GIB, 0, 2 * 3600, null, 2, 6),
                bounds(16, 32, 48), Set.of(Lane.CPU), List.of(), null);
        OptimiseBench.Workload w = new OptimiseBench.Workload("memory-grows", "memory 2G + 2G a unit",
                new Campaign("decode", 1, "bench", List.of(s)),
                model("decode", new PipelineModel.StageModel(60, 0.3, 1, 240, 2 * GIB, 2 * GIB, 0), 9));
        OptimiseBench.Figure f = OptimiseBench.one(w);
        assertEquals(0, f.oomsAfterRound1(), "no job out of memory in rounds 2 and on, nor in the chosen shape's run: " + f);
        assertTrue(f.vsOptimum() <= 0.10, "within 10% of the exhaustive optimum: " + f);
    }
}
