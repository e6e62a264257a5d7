package dev.reckon.cli;

import dev.reckon.app.Placement;
import dev.reckon.core.Json;
import dev.reckon.core.SlurmSyntax;
import dev.reckon.core.Times;
import dev.reckon.place.Selector;
import dev.reckon.place.Selectors;
import dev.reckon.report.Format;
import dev.reckon.report.PlaceReport;
import dev.reckon.report.Terminal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.concurrent.Callable;

/** {@code reckon place}: where a job should go, each provider's offer, the chosen one; optionally submits there. */
@Command(name = "place", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Asks every provider of the providers file where a job of this shape could go: Slurm clusters "
                + "this host reaches (read live with -M: nodes, partitions and their MaxTime/MaxNodes, the queue, "
                + "simulated forward as 'reckon predict' does), Kubernetes clusters with Kueue (kubectl get "
                + "clusterqueues,localqueues,workloads, or a saved output: quotas, borrowing, pending workloads) and "
                + "cloud pools (instance shapes, price, start-up delay, a cap). Prints each provider's verdict "
                + "(READY, BUSY, RESTRICTED, INCOMPATIBLE) with its reason, the predicted start and end and the cost, "
                + "and the provider the selector chooses.",
                "The shape comes from the options, or from an sbatch script's #SBATCH lines (options override them). "
                        + "--submit sends it to the chosen provider with 'sbatch -M CLUSTER' (Slurm providers only): "
                        + "a dry run unless --apply, claimed in the ledger first so that the same submission is sent "
                        + "once (--key names it), and audited. See docs/place.md."})
final class PlaceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "SCRIPT", description = "An sbatch script: its #SBATCH lines give the "
            + "shape, and it is what --submit sends.")
    Path script;
    @Option(names = "--nodes", paramLabel = "N", description = "Nodes (default: the script's, else 1).")
    Integer nodes;
    @Option(names = "--cpus", paramLabel = "N", description = "CPUs in all (default: the script's, else 1).")
    Long cpus;
    @Option(names = "--mem", paramLabel = "SIZE", description = "Memory in all, e.g. 32G (a bare number is MiB).")
    String mem;
    @Option(names = "--gpus", paramLabel = "N", description = "GPUs in all (default: the script's, else 0).")
    Long gpus;
    @Option(names = "--time", paramLabel = "DURATION", description = "Time limit: 30m, 4h, 2d or [D-]HH:MM:SS "
            + "(default: the script's #SBATCH --time).")
    String time;
    @Option(names = "--providers", paramLabel = "FILE", description = "The providers file (default: providers.yaml "
            + "beside the settings file, else in the site's folder).")
    Path providers;
    @Option(names = "--select", paramLabel = "NAME", completionCandidates = SelectorNames.class,
            description = "How to choose: ${COMPLETION-CANDIDATES} (default: soonest).")
    String select;
    @Option(names = "--deadline", paramLabel = "TIME", description = "When the job must have ended, for "
            + "cheapest-by-deadline: a time (2026-12-01T08:00) or a duration from now (6h).")
    String deadline;
    @Option(names = "--submit", description = "Submit to the chosen provider (sbatch -M; Slurm providers only): a "
            + "dry run unless --apply.")
    boolean submit;
    @Option(names = "--apply", description = "With --submit: really submit (claimed in the ledger, audited).")
    boolean apply;
    @Option(names = "--wrap", paramLabel = "COMMAND", description = "What to submit instead of a script "
            + "(sbatch --wrap).")
    String wrap;
    @Option(names = "--name", paramLabel = "NAME", description = "The job's name (sbatch --job-name; default: the "
            + "script's).")
    String name;
    @Option(names = "--key", paramLabel = "KEY", description = "The submission's key, claimed once in the ledger "
            + "(default: a digest of the script or command and the shape): the same key is never submitted twice.")
    String key;
    @Option(names = "--json", description = "One JSON object: now, providers_file, request, select, offers (provider, "
            + "kind, readiness, reason, start_at, end_at, wait_s, cost, queue_cpu_s), chosen, why, submission.")
    boolean json;

    /** The selectors' names, for --help and completion. */
    static final class SelectorNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Selectors.all().stream().map(Selector::name).iterator();
        }
    }

    @Override
    public Integer call() {
        Door door = new Door(spec);
        Long memBytes = null;
        if (mem != null) {
            try {
                memBytes = SlurmSyntax.sizeBytes(mem.strip(), 'M');
            } catch (IllegalArgumentException e) {
                throw door.usage("--mem: \"" + mem + "\" is not a size such as 32G");
            }
        }
        Long timeS = time == null ? null : door.duration(time, "--time").getSeconds();
        Instant due = null;
        if (deadline != null) {
            Duration d = Times.duration(deadline);
            due = d != null ? door.now().plus(d) : door.time(deadline, "--deadline");
        }
        Placement.Result r = door.show(new Placement(door.context()).place(new Placement.PlaceRequest(nodes, cpus,
                memBytes, gpus, timeS, script, wrap, providers, select, due, submit, apply, key, name)));
        boolean refused = r.chosen() == null || (r.submission() != null && apply && !r.submission().applied());
        if (json) {
            door.out().println(Json.write(PlaceReport.json(r.now(), r.providersFile(), r.request(), r.select(),
                    r.offers(), r.chosen(), r.why(), r.submission())));
            return refused ? 1 : Main.EXIT_OK;
        }
        ZoneId zone = door.config().zone();
        var q = r.request();
        door.out().printf("Where %d node(s), %d CPU(s)%s%s for %s could go (%s, %s)%n%n", q.nodes(), q.cpus(),
                q.memBytes() == 0 ? "" : ", " + Format.bytes(q.memBytes()), q.gpus() == 0 ? "" : ", " + q.gpus()
                        + " GPU(s)", Format.duration(q.timeS()), Format.time(r.now(), zone),
                Terminal.visible(r.providersFile(), false));
        door.out().print(PlaceReport.table(r.now(), r.offers(), r.chosen(), zone));
        door.out().println();
        door.out().println((r.chosen() == null ? "Chosen: none. " : "Chosen: " + Terminal.visible(r.chosen().provider(),
                false) + ", by ") + Terminal.visible(r.why(), false));
        if (r.submission() != null) {
            var s = r.submission();
            door.out().println("Submit: " + Terminal.visible(s.outcome(), false) + (s.command().isEmpty() ? ""
                    : "\n  " + Terminal.visible(String.join(" ", s.command()), false)) + "\n  key " + s.key());
        }
        return refused ? 1 : Main.EXIT_OK;
    }
}
