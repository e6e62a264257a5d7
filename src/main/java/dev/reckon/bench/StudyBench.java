package dev.reckon.bench;

import dev.reckon.place.Selectors;
import dev.reckon.place.study.Fleet;
import dev.reckon.place.study.Study;
import dev.reckon.place.study.StudyRow;
import dev.reckon.place.study.SyntheticJobs;
import dev.reckon.sim.SimDefaults;

import java.util.List;

/**
 * The placement study's speed: a synthetic workload on a drawn fleet under every selector (by default 4,000 jobs x
 * 100 providers x 5 selectors = 20,000 placements, each asking 100 providers), on every thread given, timed from the
 * first placement to the last provider simulated. Figures are printed, never asserted.
 */
public final class StudyBench {
    /**
     * The measurement.
     *
     * @param placements  placements made
     * @param offers      offers asked for (placements x providers)
     * @param threads     threads used
     * @param seconds     wall-clock seconds
     * @param perSecond   placements per second
     * @param rows        the study's rows, to show the work was real
     */
    public record Figure(long placements, long offers, int threads, double seconds, double perSecond,
                         List<StudyRow> rows) {
    }

    private StudyBench() {}

    /** Runs {@code jobs} jobs on {@code random:providers} under every selector. */
    public static Figure run(int jobs, int providers, int threads, long seed) {
        Study.Spec spec = new Study.Spec(List.of(new Study.Named("synthetic:" + jobs + ":20000",
                SyntheticJobs.placed(jobs, seed, 20_000))), List.of(Fleet.parse("random:" + providers, seed)),
                Selectors.all(), 3, seed);
        long t0 = System.nanoTime();
        List<StudyRow> rows = Study.run(spec, SimDefaults.load(), threads, i -> true);
        double s = (System.nanoTime() - t0) / 1e9;
        long placements = spec.placements();
        return new Figure(placements, placements * providers, threads, s, placements / s, rows);
    }
}
