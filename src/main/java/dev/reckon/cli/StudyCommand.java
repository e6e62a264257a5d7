package dev.reckon.cli;

import dev.reckon.app.Studies;
import dev.reckon.report.StudyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code reckon study}: a simulation study of placement across workloads, provider fleets and selectors. */
@Command(name = "study", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = StudyCommand.Report.class,
        description = {"Compares the placement selectors (soonest, cheapest, first-ready, least-queue, "
                + "cheapest-by-deadline) over the cross product of workloads x provider fleets x selectors. Each job, "
                + "in submit order, is offered to every provider of the fleet; each answers from its own queue "
                + "(background load and the jobs placed there so far, planned as conservative backfill plans it); the "
                + "selector chooses and the job joins that queue. Then every provider is simulated, so turnaround, "
                + "wait, cost and utilisation are measured, not predicted.",
                "Prints a table per workload x fleet: jobs placed and nowhere placeable, providers used, mean and p95 "
                        + "turnaround, mean wait, total cost, the coefficient of variation of the providers' "
                        + "utilisation, Jain's fairness over the users' mean slowdowns, the mean error of the "
                        + "predicted starts; and bars of mean turnaround.",
                "Runs on every core (--threads); the same seed gives the same tables whatever the thread count. "
                        + "--shard I/N computes every N-th cell from the I-th and stores its rows in the ledger "
                        + "(--ledger; PostgreSQL for shards on several hosts); 'reckon study report' merges them. "
                        + "--array N submits the N shards as a Slurm job array (a dry run unless --apply; audited). "
                        + "See docs/study.md."})
final class StudyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--study", paramLabel = "NAME", defaultValue = "study",
            description = "The study's name in the ledger (default: ${DEFAULT-VALUE}).")
    String name;
    @Option(names = {"-w", "--workload"}, paramLabel = "SPEC", description = "synthetic:JOBS[:CORES] (seeded; CORES "
            + "busy cores offered on average, default 1500), swf:FILE (an SWF trace), or ledger (the jobs submitted "
            + "in --since..--until). Repeatable; default synthetic:4000.")
    List<String> workloads;
    @Option(names = {"-f", "--fleet"}, paramLabel = "SPEC", description = "archetypes (a large HPC centre, a small lab "
            + "cluster, a cloud pool), ARCH[*K]+... (e.g. centre+lab*4+cloud), or random:N (N providers drawn from "
            + "the archetypes). Repeatable; default archetypes.")
    List<String> fleets;
    @Option(names = "--select", paramLabel = "NAMES", split = ",", description = "The selectors compared (default: "
            + "every one).")
    List<String> selectors;
    @Option(names = "--seed", defaultValue = "1", description = "Seed of synthetic jobs, drawn fleets and background "
            + "loads (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--slack", defaultValue = "3", paramLabel = "X", description = "Each job's deadline, for "
            + "cheapest-by-deadline: submit + X times its time limit (default: ${DEFAULT-VALUE}).")
    double slack;
    @Option(names = {"-S", "--since"}, paramLabel = "TIME", description = "--workload ledger: jobs submitted from "
            + "(default 30d).")
    String since;
    @Option(names = {"-E", "--until"}, paramLabel = "TIME", description = "--workload ledger: jobs submitted before.")
    String until;
    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: every core).")
    Integer threads;
    @Option(names = "--shard", paramLabel = "I/N", description = "Only shard I of N (0 <= I < N), its rows stored "
            + "in the ledger as --study.")
    String shard;
    @Option(names = "--array", paramLabel = "N", description = "Submit the study as a Slurm job array of N shards "
            + "(each runs this reckon with --shard $SLURM_ARRAY_TASK_ID/N into --ledger, a PostgreSQL URL); a dry "
            + "run unless --apply.")
    Integer array;
    @Option(names = {"-M", "--cluster"}, paramLabel = "NAME", description = "--array: the cluster (sbatch -M).")
    String cluster;
    @Option(names = "--output-dir", paramLabel = "DIR", description = "--array: where the tasks write their output.")
    Path outputDir;
    @Option(names = "--apply", description = "--array: submit it.")
    boolean apply;
    @Option(names = "--json", description = "One JSON object: study, cells, placements, rows, notes (docs/json.md).")
    boolean json;

    @Override
    public Integer call() {
        Door door = new Door(spec);
        if (apply && array == null) throw door.usage("--apply goes with --array");
        Instant from = since == null && until == null ? null : door.time(since == null ? "30d" : since, "--since");
        Instant to = door.time(until, "--until");
        if (workloads != null && workloads.contains("ledger") && from == null) from = door.time("30d", "--since");
        Studies.Request q = new Studies.Request(name, workloads == null ? List.of("synthetic:4000") : workloads,
                fleets == null ? List.of("archetypes") : fleets, selectors, seed, slack,
                threads != null ? threads : Runtime.getRuntime().availableProcessors(), from, to, shard);
        Studies studies = new Studies(door.context());
        if (array != null) {
            Studies.ArrayPlan plan = door.show(studies.array(q, array, launcher(), cluster,
                    outputDir == null ? null : outputDir.toAbsolutePath(), apply));
            if (json) {
                door.out().println(dev.reckon.core.Json.write(plan));
            } else {
                door.out().println((plan.applied() ? "submitted" : "would submit") + " study " + plan.study() + " as "
                        + plan.tasks() + " array tasks" + (plan.jobId() == null ? "" : ": job " + plan.jobId()));
                door.out().println("  " + dev.reckon.report.Terminal.visible(String.join(" ", plan.command()), false));
            }
            return Main.EXIT_OK;
        }
        render(door, studies.run(q), json);
        return Main.EXIT_OK;
    }

    /** The tables (notes on standard error), or the JSON with its notes. */
    static void render(Door door, dev.reckon.app.Outcome<Studies.Result> outcome, boolean json) {
        Studies.Result r = door.show(outcome);
        if (json) StudyReport.json(r.name(), r.cells(), r.placements(), r.rows(), outcome.notes(), door.out());
        else door.out().print(StudyReport.terminal(r.name(), r.cells(), r.placements(), r.rows(), List.of()));
        door.out().flush();
    }

    /** How an array task starts this reckon: {@code java -jar JAR}, or this JVM's class path when not run from a jar. */
    static List<String> launcher() {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> out = new ArrayList<>(List.of(javaBin));
        try {
            Path here = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
            if (Files.isRegularFile(here) && here.toString().endsWith(".jar")) {
                out.addAll(List.of("-jar", here.toString()));
                return out;
            }
        } catch (java.net.URISyntaxException | SecurityException e) {
            // the class path below
        }
        List<String> cp = new ArrayList<>();
        for (String p : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            cp.add(Path.of(p).toAbsolutePath().toString());
        }
        out.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, cp), Main.class.getName()));
        return out;
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = {"Merges a study's shards from the ledger (--ledger) into the tables a local run prints."})
    static final class Report implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--study", paramLabel = "NAME", defaultValue = "study",
                description = "The study (default: ${DEFAULT-VALUE}).")
        String name;
        @Option(names = "--json", description = "One JSON object, as reckon study --json prints it.")
        boolean json;

        @Override
        public Integer call() {
            Door door = new Door(spec);
            render(door, new Studies(door.context()).report(name), json);
            return Main.EXIT_OK;
        }
    }
}
