package dev.reckon.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reckon.charter.CharterFile;
import dev.reckon.charter.Charters;
import dev.reckon.ledger.JobQuery;
import dev.reckon.ledger.Ledger;
import dev.reckon.ledger.Ledger.IngestReport;
import dev.reckon.model.Charter;
import dev.reckon.model.Job;
import dev.reckon.model.JobState;
import dev.reckon.model.Metric;
import dev.reckon.exits.Exits;
import dev.reckon.report.ExitsReport;
import dev.reckon.report.Format;
import dev.reckon.core.Json;
import dev.reckon.report.OwnersReport;
import dev.reckon.report.ReviewHtml;
import dev.reckon.report.ReviewReport;
import dev.reckon.report.SummaryReport;
import dev.reckon.review.ConsumptionSummary;
import dev.reckon.review.Owners;
import dev.reckon.review.Review;
import dev.reckon.sim.Machine;
import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.WhatIf;
import dev.reckon.sim.Workload;
import dev.reckon.sim.parser.LedgerWorkload;
import dev.reckon.source.swf.SwfMachines;
import dev.reckon.source.swf.SwfReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code reckon demo}: the main job on the embedded default. Ingests a real public trace shipped inside reckon
 * (3,170 jobs of HPC2N's Seth cluster, 2002) into a fresh temporary ledger and prints what was consumed; then writes
 * charters for the biggest users beside the ledger and prints the review and the owners view as the cluster stood in
 * the middle of the trace ({@link #NOW}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Shows reckon on a real trace shipped inside it; no cluster needed.",
                "Ingests the first 3,170 jobs of HPC2N's Seth cluster log (Parallel Workloads Archive, HPC2N-2002-2.2) "
                        + "into a temporary ledger and prints the consumption summary: capacity by user and account, "
                        + "job states, and how much of their time limits jobs used.",
                "Then writes charters for the biggest users into a temporary charter directory beside the ledger and "
                        + "prints the review (shares per class, charters against budget, the top of the kill list) and the "
                        + "owners view (active charters per owner, babysitting load, unowned jobs) as of 2002-09-05 12:00 UTC."})
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    static final String TRACE = "/dev/reckon/demo/hpc2n-seth-3170.swf";
    static final String MACHINES = TRACE + ".machines";
    static final String CLUSTER = "hpc2n-seth";
    /** The trace's first day and the day after its last job ended, UTC. */
    static final Instant TRACE_START = Instant.parse("2002-07-28T00:00:00Z");
    static final Instant TRACE_END = Instant.parse("2002-09-28T00:00:00Z");
    /** The review's moment: inside the trace, when 7 jobs were running and 20 waiting. */
    static final Instant NOW = Instant.parse("2002-09-05T12:00:00Z");

    /**
     * Results the demo's efforts reported (reckon metric): the sweep reached its speedup on 3 September, so by
     * {@link #NOW} it has had its success exit; the mesh work reported a slowdown on 1 September, after its 14 days: a failure exit. Neither consumed since.
     */
    static final List<Metric> DEMO_METRICS = List.of(
            new Metric("seth-sweep", "speedup", 1.2, Instant.parse("2002-08-20T18:00:00Z"), null, CLUSTER, "demo"),
            new Metric("seth-sweep", "speedup", 1.7, Instant.parse("2002-09-03T00:00:00Z"), null, CLUSTER, "demo"),
            new Metric("seth-mesh", "speedup", 0.8, Instant.parse("2002-09-01T00:00:00Z"), null, CLUSTER, "demo"),
            new Metric("seth-sim", "speedup", 1.1, Instant.parse("2002-08-25T12:00:00Z"), null, CLUSTER, "demo"));

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "The summary as one JSON object, with the review under 'review' and the owners view under 'owners'.")
    boolean json;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10", description = "Users and accounts to list (default: ${DEFAULT-VALUE}).")
    int top;

    @Override
    public Integer call() throws IOException {
        Door door = new Door(spec);
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "reckon-demo-" + System.getProperty("user.name"));
        Files.createDirectories(dir);
        Path ledgerFile = dir.resolve("ledger.db");
        for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) Files.deleteIfExists(Path.of(ledgerFile + suffix));

        SwfMachines machines;
        try (Reader m = resource(MACHINES)) {
            machines = SwfMachines.parse(m, "hpc2n-seth-3170.swf.machines");
        }
        SwfReader reader = new SwfReader(CLUSTER, machines);
        long t0 = System.nanoTime();
        ConsumptionSummary.Builder summary = ConsumptionSummary.builder();
        List<Job> jobs = new ArrayList<>();
        IngestReport ingested;
        try (Ledger ledger = Ledger.open(ledgerFile.toString())) {
            try (Reader in = resource(TRACE)) {
                ingested = ledger.ingest("demo:hpc2n-seth-3170.swf", sink -> reader.read(in, "hpc2n-seth-3170.swf", sink), Map.of());
            }
            ledger.forEachJob(JobQuery.all(), j -> {
                summary.accept(j);
                jobs.add(j);
            });
            ledger.recordMetrics(DEMO_METRICS);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        ConsumptionSummary.Result result = summary.build();

        ZoneId zone = door.config().zone();
        Path charterDir = dir.resolve("charters");
        writeCharters(charterDir, zone);
        Charters charters = Charters.load(charterDir, zone);
        List<Job> seen = asOf(jobs, NOW);
        List<Exits.Evaluation> exits;
        try (Ledger ledger = Ledger.open(ledgerFile.toString())) {
            exits = Exits.evaluate(charters.all(), seen, ledger::metrics, NOW, Exits.Options.DEFAULT);
        }
        Review.Result review = Review.review(seen, TRACE_START, null, charters.all(), null, NOW, Review.PERIOD,
                Exits.successes(exits));
        Owners.Result owners = Owners.analyze(seen, TRACE_START, null, charters.all(), Owners.DEFAULT_LIMIT, NOW);
        WhatIf.Result whatIf = whatIf(jobs, machines, charters, exits);
        Path html = dir.resolve("review.html");
        Files.writeString(html, ReviewHtml.page(review, zone), StandardCharsets.UTF_8);

        if (json) {
            ObjectNode o = Json.mapper().valueToTree(result);
            o.set("review", Json.mapper().valueToTree(review));
            o.set("owners", Json.mapper().valueToTree(owners));
            o.set("exits", Json.mapper().valueToTree(exits));
            o.set("whatif", Json.mapper().valueToTree(whatIf));
            o.put("html_report", html.toString());
            door.out().println(Json.write(o));
            return 0;
        }
        PrintStream out = door.out();
        out.println("reckon demo: what a real cluster consumed, from its accounting alone");
        out.println();
        out.println("Trace:  HPC2N Seth, Umea, Sweden (120 nodes x 2 CPUs, Maui scheduler), first 3,170 jobs of the");
        out.println("        HPC2N-2002-2.2 log from the Parallel Workloads Archive (Feitelson, Tsafrir, Krakov, JPDC 2014).");
        out.printf("Ledger: %s (temporary), %,d jobs ingested in %.1f s%n", ledgerFile, ingested.read(), seconds);
        out.println();
        out.print(SummaryReport.render(result, zone, top));
        printGovernance(out, charterDir, charters, review, owners, zone);
        out.println();
        out.println("Exits: each charter against its budget, window and reported results (reckon exits):");
        out.print(ExitsReport.terminal(exits, zone));
        printWhatIf(out, whatIf);
        out.println();
        out.println("The review as a page with charts (consumption by class over time, charters against budget, the kill list):");
        out.println("  " + html.toAbsolutePath() + "   (open it in a browser)");
        printNextSteps(out, ledgerFile, charterDir, result);
        return 0;
    }

    /** The review and attention part: the charters written, then the review and the owners view as of {@link #NOW}. */
    private static void printGovernance(PrintStream out, Path charterDir, Charters charters, Review.Result review,
                                        Owners.Result owners, ZoneId zone) {
        out.println();
        out.println("Governance: who defends this consumption?");
        out.printf("Charters: %d written to %s for the biggest users; jobs nobody charters are undefended:%n",
                charters.all().size(), charterDir);
        for (Charter c : charters.all()) {
            out.printf(Locale.ROOT, "  %-12s owner %-3s %-9s to %s  %s%n", c.id(), c.owner(), c.status().word(),
                    CharterFile.timeText(c.window().end(), zone, true), c.purpose());
        }
        out.printf("The cluster as it stood at %s, in the middle of the trace (later jobs not yet submitted;%n",
                Format.time(NOW, zone));
        out.println("running and pending ones as they were then; the trace ends with every job done):");
        out.println();
        out.print(ReviewReport.brief(review, zone, 5));
        out.print(OwnersReport.terminal(owners, zone, 5));
        out.println("(Seth's log records no failed, timed-out or memory-killed job, so the babysitting load here is zero;");
        out.println("on a Slurm cluster's accounting it counts each kind.)");
    }

    /**
     * The what-if on the whole trace: its jobs replayed under EASY backfill on Seth's 120 nodes as submitted, without
     * the jobs the charters do not defend (the whole trace classified with the charters as they stood at {@link #NOW},
     * when all were reviewed on time), and on 10% more nodes.
     */
    private static WhatIf.Result whatIf(List<Job> jobs, SwfMachines machines, Charters charters,
                                        List<Exits.Evaluation> exits) {
        Review.Result all = Review.review(jobs, TRACE_START, null, charters.all(), null, NOW, Review.PERIOD,
                Exits.successes(exits));
        java.util.Set<String> undefended = new java.util.HashSet<>();
        for (Review.JobVerdict v : all.jobs()) if (v.jobClass() != Review.JobClass.DEFENDED) undefended.add(v.jobId());
        Workload w = LedgerWorkload.of(jobs, null, null, j -> undefended.contains(j.jobId()) ? "undefended" : null)
                .workload();
        List<Machine.Group> groups = new ArrayList<>();
        for (SwfMachines.Machine m : machines.machines()) {
            groups.add(new Machine.Group(m.name(), m.nodes(), m.cpusPerNode(), 0, 0, java.util.Set.of()));
        }
        return WhatIf.compare(new Machine(groups), w, j -> "undefended".equals(w.tag(j)), null, null, 10, "easy",
                SimDefaults.load());
    }

    /** The what-if in a tiny table and two sentences. */
    private static void printWhatIf(PrintStream out, WhatIf.Result r) {
        out.println();
        out.println("What if (reckon whatif): the whole trace replayed under EASY backfill on Seth's 120 nodes:");
        for (WhatIf.Variant v : r.variants()) {
            out.printf(Locale.ROOT, "  %-20s %,6d jobs   mean wait %-8s p95 wait %s%n", v.name(), v.jobs(),
                    WhatIf.human(v.metrics().meanWaitS()), WhatIf.human(v.metrics().p95WaitS()));
        }
        for (int i = 1; i < r.summary().size(); i++) out.println("  " + r.summary().get(i));
    }

    /** What to run next. */
    private static void printNextSteps(PrintStream out, Path ledgerFile, Path charterDir, ConsumptionSummary.Result result) {
        out.println();
        out.println("Explore it:");
        out.printf("  ./reckon jobs --ledger %s --user %s --limit 20%n", ledgerFile,
                result.byUser().isEmpty() ? "u1" : result.byUser().get(0).name());
        out.printf("  ./reckon job 1 --ledger %s%n", ledgerFile);
        out.printf("  RECKON_NOW=%s ./reckon review --ledger %s --charters %s --since %s --until %s%n", NOW, ledgerFile,
                charterDir, TRACE_START, NOW);
        out.printf("  ./reckon exits --ledger %s --charters %s --at %s%n", ledgerFile, charterDir, NOW);
        out.println("  ./reckon whatif --trace ../shared/data/hpc2n-seth-3170.swf --undefended-users u2,u3 --add-nodes 10%");
        out.printf("  RECKON_NOW=%s ./reckon owners --ledger %s --charters %s --since %s%n", TRACE_END, ledgerFile,
                charterDir, TRACE_START);
        out.println("Your own cluster: sacct -a -S 2024-01-01 -E now --parsable2 --format ALL > jobs.txt && ./reckon ingest sacct jobs.txt");
    }

    /**
     * The demo's charters, for the trace's biggest users (by CPU-hours: u1, u4, u5), written afresh: u1 leads a group
     * and holds three active charters (its own jobs, u8's and u6's), over the default limit of two; u4's expired before
     * {@link #NOW}; u5's was withdrawn.
     */
    private static void writeCharters(Path charterDir, ZoneId zone) throws IOException {
        Files.createDirectories(charterDir);
        try (var old = Files.newDirectoryStream(charterDir, "*.{yaml,yml}")) {
            for (Path p : old) Files.delete(p);
        }
        LocalDate reviewed = LocalDate.parse("2002-08-26");
        List<Charter> cs = List.of(
                charter("seth-sim", "Run the group's flow simulations for the autumn paper.", "u1", "u1", 60_000,
                        "2002-10-31", Charter.Status.ACTIVE, List.of(new Charter.StatusChange(reviewed, Charter.Status.ACTIVE, "reviewed"))),
                charter("seth-sweep", "Sweep the solver's parameters for the group's student u8.", "u1", "u8", 6_000,
                        "2002-10-31", Charter.Status.ACTIVE, List.of(new Charter.StatusChange(reviewed, Charter.Status.ACTIVE, "reviewed"))),
                charter("seth-mesh", "Refine the meshes for the group's student u6.", "u1", "u6", 6_000,
                        "2002-10-31", Charter.Status.ACTIVE, List.of(new Charter.StatusChange(reviewed, Charter.Status.ACTIVE, "reviewed"))),
                charter("seth-study", "Finish the summer scaling study before the holidays end.", "u4", "u4", 30_000,
                        "2002-08-31", Charter.Status.ACTIVE, List.of(new Charter.StatusChange(reviewed, Charter.Status.ACTIVE, "reviewed"))),
                charter("seth-eval", "Evaluate the old code once more against the new one.", "u5", "u5", 10_000,
                        "2002-09-30", Charter.Status.WITHDRAWN, List.of(
                                new Charter.StatusChange(LocalDate.parse("2002-07-28"), Charter.Status.ACTIVE, "approved"),
                                new Charter.StatusChange(LocalDate.parse("2002-08-15"), Charter.Status.WITHDRAWN, "superseded"))));
        for (Charter c : cs) Files.writeString(charterDir.resolve(c.id() + ".yaml"), CharterFile.write(c, zone));
    }

    private static Charter charter(String id, String purpose, String owner, String user, double cpuHours, String end,
                                   Charter.Status status, List<Charter.StatusChange> history) {
        return new Charter(id, id, purpose, owner, user.equals(owner) ? List.of() : List.of(user), List.of(),
                new Charter.Match(List.of(), List.of(), List.of(new Charter.UserJobs(user, "*"))),
                new Charter.Budget(0, cpuHours, null),
                new Charter.Window(TRACE_START, LocalDate.parse(end).plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()),
                List.of(Charter.Condition.parse("speedup >= 1.5")), List.of(Charter.Condition.parse("speedup < 1 after 14 days")),
                Duration.ofDays(14), status, history);
    }

    /**
     * The jobs as the accounting showed them at {@code t}: jobs submitted later are left out, jobs that had started and
     * not ended are running (ended unknown, elapsed so far), jobs submitted and not started are pending.
     */
    static List<Job> asOf(List<Job> jobs, Instant t) {
        List<Job> out = new ArrayList<>();
        for (Job j : jobs) {
            if (j.submit() == null || j.submit().isAfter(t)) continue;
            if (j.end() != null && !j.end().isAfter(t)) {
                out.add(j);
            } else if (j.start() != null && !j.start().isAfter(t)) {
                out.add(new Job(j.cluster(), j.jobId(), j.jobIdRaw(), j.name(), j.user(), j.account(), j.partition(), j.qos(),
                        j.wckey(), j.comment(), JobState.RUNNING.name(), null, j.submit(), j.start(), null,
                        Duration.between(j.start(), t).getSeconds(), j.timelimitS(), j.reqCpus(), j.reqMemBytes(),
                        j.allocCpus(), j.allocNodes(), j.allocMemBytes(), j.allocGpus(), null, null, j.nodeList(), j.steps()));
            } else {
                out.add(new Job(j.cluster(), j.jobId(), j.jobIdRaw(), j.name(), j.user(), j.account(), j.partition(), j.qos(),
                        j.wckey(), j.comment(), JobState.PENDING.name(), null, j.submit(), null, null, 0L, j.timelimitS(),
                        j.reqCpus(), j.reqMemBytes(), null, null, null, null, null, null, null, List.of()));
            }
        }
        return out;
    }

    private static Reader resource(String name) throws IOException {
        InputStream s = DemoCommand.class.getResourceAsStream(name);
        if (s == null) throw new IOException("the demo trace " + name + " is missing from this build of reckon");
        return new InputStreamReader(s, StandardCharsets.ISO_8859_1);
    }
}
