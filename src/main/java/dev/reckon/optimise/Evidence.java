package dev.reckon.optimise;

import java.util.ArrayList;
import java.util.List;

/**
 * What a stage's finished trials say about it, fitted so that untried shapes can be estimated:
 * runtime per job {@code a + b x shards x (s + (1 - s) / cpus)} on each lane (Amdahl's law with a per-job overhead),
 * and peak memory {@code m0 + m1 x shards}. Few points give cautious fits: one point assumes no per-job overhead and
 * no gain from more CPUs; memory from one point is proportional to the shards.
 */
public final class Evidence {
    private final List<long[]> cpuRuns = new ArrayList<>(); // {shards, cpus, seconds}
    private final List<long[]> gpuRuns = new ArrayList<>();
    private final List<long[]> peaks = new ArrayList<>(); // {shards, bytes}
    private final List<long[]> oomLimits = new ArrayList<>(); // {shards, memory limit reached}
    private long maxPeak;
    private int ooms;

    /** Adds a finished trial's jobs. */
    public void add(Trial t) {
        if (t.result() == null) return;
        for (long[] r : t.result().runtimes())
            (t.shape().gpus() > 0 ? gpuRuns : cpuRuns).add(new long[] {r[0], t.shape().cpus(), r[1]});
        for (long[] p : t.result().peaks()) {
            peaks.add(p);
            maxPeak = Math.max(maxPeak, p[1]);
        }
        ooms += t.result().ooms();
        if (t.result().ooms() > 0) oomLimits.add(new long[] {Math.min(t.shape().shardsPerJob(), t.shards()), t.shape().memBytes()});
    }

    /**
     * What jobs of {@code shards} units are known to need more than: the largest memory limit that ran out for as
     * many units or fewer (more work never needs less memory); 0 when none did.
     */
    public double needsMoreThan(int shards) {
        double out = 0;
        for (long[] o : oomLimits) if (o[0] <= shards) out = Math.max(out, o[1]);
        return out;
    }

    /** How many different CPU counts, and units per job, the lane's runs had: {cpus, units}. */
    public int[] variety(Lane lane) {
        List<long[]> runs = lane == Lane.GPU ? gpuRuns : cpuRuns;
        return new int[] {(int) runs.stream().mapToLong(r -> r[1]).distinct().count(),
                (int) runs.stream().mapToLong(r -> r[0]).distinct().count()};
    }

    public boolean knows(Lane lane) {
        return !(lane == Lane.GPU ? gpuRuns : cpuRuns).isEmpty();
    }

    public int ooms() {
        return ooms;
    }

    public long maxPeak() {
        return maxPeak;
    }

    /** The estimated runtime of one job of {@code shards} units with {@code cpus} CPUs on the lane; -1 when unknown. */
    public double runtimeS(Lane lane, int shards, int cpus) {
        Fit f = fit(lane == Lane.GPU ? gpuRuns : cpuRuns);
        if (f == null) return -1;
        return f.a + f.b * shards * (f.s + (1 - f.s) / cpus);
    }

    /**
     * The mean runtime measured for jobs of exactly {@code shards} units with {@code cpus} CPUs on the lane; -1 when
     * none ran so. What was measured for a shape beats what a fit of every shape says of it: a fit from few points
     * can miss, most where one factor's effect hides under another's (a long staging time hides what CPUs gain).
     */
    public double measuredRuntimeS(Lane lane, int shards, int cpus) {
        double sum = 0;
        int n = 0;
        for (long[] r : lane == Lane.GPU ? gpuRuns : cpuRuns)
            if (r[0] == shards && r[1] == cpus) {
                sum += r[2];
                n++;
            }
        return n == 0 ? -1 : sum / n;
    }

    /**
     * A runtime not to be exceeded, for time limits: the estimate; and while the lane's runs all had one CPU count,
     * for fewer CPUs at least its runtime slowed in proportion (as if all the work were parallel: one count says
     * nothing of the serial part); -1 when unknown.
     */
    public double runtimeBoundS(Lane lane, int shards, int cpus) {
        double est = runtimeS(lane, shards, cpus);
        List<long[]> runs = lane == Lane.GPU ? gpuRuns : cpuRuns;
        if (est < 0 || runs.isEmpty()) return est;
        long fewest = runs.stream().mapToLong(r -> r[1]).min().orElse(cpus);
        // with two CPU counts seen or more, the fitted serial part is evidence enough
        if (cpus >= fewest || runs.stream().mapToLong(r -> r[1]).distinct().count() > 1) return est;
        return Math.max(est, runtimeS(lane, shards, (int) fewest) * fewest / (double) cpus);
    }

    /** The serial fraction the runs of the lane suggest (1 when they cannot tell). */
    public double serialFraction(Lane lane) {
        Fit f = fit(lane == Lane.GPU ? gpuRuns : cpuRuns);
        return f == null ? 1 : f.s;
    }

    /** The estimated peak memory of a job of {@code shards} units; -1 when unknown. */
    public double peakBytes(int shards) {
        if (peaks.isEmpty()) return -1;
        double[] ab = line(peaks.stream().map(p -> new double[] {p[0], p[1]}).toList());
        double seen = 0;
        long most = 0, fewest = Long.MAX_VALUE;
        double perUnit = 0, fewestPeak = 0;
        for (long[] p : peaks) {
            if (p[0] <= shards) seen = Math.max(seen, p[1]);
            most = Math.max(most, p[0]);
            perUnit = Math.max(perUnit, (double) p[1] / Math.max(1, p[0]));
            if (p[0] < fewest) {
                fewest = p[0];
                fewestPeak = 0;
            }
            if (p[0] == fewest) fewestPeak = Math.max(fewestPeak, p[1]);
        }
        if (ab == null) {
            // one size of job seen: fewer units are not assumed to need less (the job's base memory is unknown);
            // more are assumed to need as much per unit as it did, base and all
            return shards < fewest ? fewestPeak : perUnit * shards;
        }
        // never below what was seen for as many shards or fewer
        double fitted = Math.max(ab[0] + ab[1] * shards, Math.min(seen, maxPeak));
        // below the fewest units a job has done, the line may not be trusted to fall below its base
        if (shards < fewest) fitted = Math.max(fitted, Math.max(0, ab[0]) + Math.max(0, ab[1]) * shards);
        // beyond the most units a job has done, extrapolate with caution: as if memory grew with every unit
        return shards > most ? Math.max(fitted, perUnit * shards) : fitted;
    }

    private record Fit(double a, double b, double s) {}

    private static Fit fit(List<long[]> runs) {
        if (runs.isEmpty()) return null;
        boolean cpusVary = runs.stream().mapToLong(r -> r[1]).distinct().count() > 1;
        boolean shardsVary = runs.stream().mapToLong(r -> r[0]).distinct().count() > 1;
        Fit best = null;
        double bestErr = Double.MAX_VALUE;
        double[] fractions = cpusVary ? grid() : new double[] {1.0};
        for (double s : fractions) {
            List<double[]> pts = new ArrayList<>();
            for (long[] r : runs) pts.add(new double[] {r[0] * (s + (1 - s) / r[1]), r[2]});
            double a, b;
            double[] ab = shardsVary || cpusVary ? line(pts) : null;
            if (ab == null || ab[0] < 0 || ab[1] <= 0) {
                double sx = 0, sy = 0;
                for (double[] p : pts) {
                    sx += p[0];
                    sy += p[1];
                }
                a = 0;
                b = sy / Math.max(1e-9, sx);
            } else {
                a = ab[0];
                b = ab[1];
            }
            double err = 0;
            for (double[] p : pts) err += Math.pow(a + b * p[0] - p[1], 2);
            if (err < bestErr - 1e-9) {
                bestErr = err;
                best = new Fit(a, b, s);
            }
        }
        return best;
    }

    private static double[] grid() {
        double[] g = new double[21];
        for (int i = 0; i <= 20; i++) g[i] = i / 20.0;
        return g;
    }

    /** Least squares {a, b} of y = a + b x; null when the x do not vary. */
    static double[] line(List<double[]> pts) {
        int n = pts.size();
        if (n < 2) return null;
        double mx = 0, my = 0;
        for (double[] p : pts) {
            mx += p[0];
            my += p[1];
        }
        mx /= n;
        my /= n;
        double sxx = 0, sxy = 0;
        for (double[] p : pts) {
            sxx += (p[0] - mx) * (p[0] - mx);
            sxy += (p[0] - mx) * (p[1] - my);
        }
        if (sxx < 1e-9) return null;
        double b = sxy / sxx;
        return new double[] {my - b * mx, b};
    }
}
