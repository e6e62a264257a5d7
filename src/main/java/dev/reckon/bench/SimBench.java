package dev.reckon.bench;

import dev.reckon.sim.Machine;
import dev.reckon.sim.Policies;
import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.SimResult;
import dev.reckon.sim.Simulator;
import dev.reckon.sim.Workload;
import dev.reckon.sim.parser.Load;
import dev.reckon.sim.parser.SwfWorkload;
import dev.reckon.sim.parser.SyntheticWorkload;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The simulator's speed: replays the shared traces and synthetic workloads under every policy and measures jobs
 * simulated per second (the simulation alone: reading and metrics are timed apart). Figures are printed, never
 * asserted.
 */
public final class SimBench {
    /** The traces the bench replays, looked for in the shared data directory. */
    public static final List<String> TRACES = List.of("hpc2n-seth-3170.swf", "metacentrum-wagap-2013.swf",
            "NASA-iPSC-1993-3.1-cln.swf.gz");

    /**
     * One measured run.
     *
     * @param workload  what was replayed
     * @param policy    the policy
     * @param jobs      jobs simulated
     * @param seconds   wall-clock seconds of the simulation
     * @param perSecond jobs simulated per second
     * @param meanWaitS the schedule's mean wait, to show the runs did real work
     */
    public record Figure(String workload, String policy, long jobs, double seconds, double perSecond,
                         double meanWaitS) {
    }

    private SimBench() {}

    /** Runs the bench; {@code data} is the traces' directory (missing: said and skipped); progress to {@code out}. */
    public static List<Figure> run(Path data, int[] sizes, SimDefaults d, PrintStream out) throws IOException {
        List<Figure> figures = new ArrayList<>();
        if (out != null) {
            out.printf(Locale.ROOT, "%-40s %-13s %10s %9s %12s %12s%n", "workload", "policy", "jobs", "seconds",
                    "jobs/s", "mean wait s");
        }
        if (data == null || !Files.isDirectory(data)) {
            if (out != null) out.println("(no trace directory at " + data + ": the traces are skipped)");
        } else {
            for (String name : TRACES) {
                Path p = data.resolve(name);
                if (!Files.isRegularFile(p)) {
                    if (out != null) out.println("(" + p + " is missing: skipped)");
                    continue;
                }
                Load load = SwfWorkload.read(p);
                for (String policy : Policies.names()) figures.add(measure(name, load.machine(), load.workload(),
                        policy, d, out));
            }
        }
        Machine m = Machine.of(d.benchNodes(), d.benchCoresPerNode(), 0, 0);
        for (int n : sizes) {
            Workload w = SyntheticWorkload.generate(n, m, d);
            String label = String.format(Locale.ROOT, "synthetic %,d on %,d nodes", n, d.benchNodes());
            for (String policy : Policies.names()) {
                if (policy.equals("conservative") && n > d.benchConservativeMaxJobs()) {
                    if (out != null) {
                        out.printf(Locale.ROOT, "%-40s %-13s %s%n", label, policy,
                                "(skipped: conservative runs up to " + d.benchConservativeMaxJobs() + " jobs here)");
                    }
                    continue;
                }
                figures.add(measure(label, m, w, policy, d, out));
            }
        }
        return figures;
    }

    private static Figure measure(String label, Machine m, Workload w, String policy, SimDefaults d, PrintStream out) {
        long t = System.nanoTime();
        SimResult r = Simulator.run(m, w, policy, d);
        double s = (System.nanoTime() - t) / 1e9;
        long jobs = w.size() - r.dropped().size();
        Figure f = new Figure(label, policy, jobs, s, jobs / Math.max(s, 1e-9), r.metrics().meanWaitS());
        if (out != null) {
            out.printf(Locale.ROOT, "%-40s %-13s %,10d %9.2f %,12.0f %12.0f%n", label, policy, jobs, s, f.perSecond(),
                    f.meanWaitS());
            out.flush();
        }
        return f;
    }
}
