package dev.reckon.cli;

import dev.reckon.app.Simulation;
import dev.reckon.core.Json;
import dev.reckon.sim.PredictProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** {@code reckon bench predict}: {@code reckon predict} against real starts on this machine's Slurm. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Submits a background load (--background jobs of 1-2 CPUs running 30-50 s of a 1-minute limit, "
                + "arriving over 10 s) to this machine's Slurm and, every 12 s, a probe job of one of several shapes "
                + "(1 CPU, 2 CPUs on one node, 2 tasks, exclusive, 2 nodes, 1 CPU with a GPU; 20 s of 1 minute), each predicted by "
                + "reckon predict's own path just before it is submitted (after an incremental 'ingest slurm' into the "
                + "ledger, whose finished jobs predict's runtime estimate reads); once all have ended, prints each "
                + "probe's predicted wait (Slurm's scheduler job by job), the pooled policy's beside it, the naive "
                + "estimate (queued work / CPUs) and the real wait, the median absolute error and the share of real "
                + "waits within 20%% (or 5 s) of the prediction. Jobs whose names (bg<seed>-N, probe-N) have no "
                + "finished job in the ledger's last 7 days are first run once, all together, as the history a "
                + "recurring workload would have. Without --apply it submits nothing."})
final class PredictCheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--background", paramLabel = "N", defaultValue = "10", description = "Background jobs (default: ${DEFAULT-VALUE}).")
    int background;
    @Option(names = "--probes", paramLabel = "N", defaultValue = "8", description = "Probe jobs (default: ${DEFAULT-VALUE}).")
    int probes;
    @Option(names = "--seed", paramLabel = "N", defaultValue = "3", description = "The background's seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--apply", description = "Submit the jobs (default: only say what would be submitted).")
    boolean apply;
    @Option(names = "--json", description = "The measurement as JSON.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        Door door = new Door(spec);
        PrintStream out = door.out();
        if (!apply) {
            out.printf("would submit %d background jobs and %d probes (dry run; --apply submits)%n", background, probes);
            return Main.EXIT_OK;
        }
        Simulation sim = new Simulation(door.context());
        PredictProbe.Report r = sim.predictCheck(background, probes, seed, System.getProperty("java.io.tmpdir"),
                json ? new PrintStream(PrintStream.nullOutputStream()) : out);
        if (json) {
            out.println(Json.write(r));
            return Main.EXIT_OK;
        }
        out.println("PROBE     SHAPE          PREDICTED  POOLED  NAIVE  REAL WAIT");
        for (PredictProbe.Result x : r.results())
            out.printf("%-9s %-14s %8ds %7s %5ds %9ds%n", x.name(), x.shape(), x.predicted(),
                    x.pooled() < 0 ? "-" : x.pooled() + "s", x.naive(), x.actual());
        out.println(r.summary());
        return Main.EXIT_OK;
    }
}
