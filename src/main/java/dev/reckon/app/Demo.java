package dev.reckon.app;

import dev.reckon.core.AtomicFiles;
import dev.reckon.charter.CharterFile;
import dev.reckon.charter.Charters;
import dev.reckon.exits.Exits;
import dev.reckon.ledger.JobQuery;
import dev.reckon.ledger.Ledger;
import dev.reckon.ledger.Ledger.IngestReport;
import dev.reckon.model.Charter;
import dev.reckon.model.Job;
import dev.reckon.model.JobState;
import dev.reckon.model.Metric;
import dev.reckon.report.ReviewHtml;
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

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The demo: a real public trace shipped inside reckon (3,170 jobs of HPC2N's Seth cluster, 2002) ingested into a fresh
 * ledger in a directory of its own; charters for the biggest users written beside it; the review, the owners view and
 * the exits as the cluster stood in the middle of the trace ({@link #NOW}); a what-if over the whole trace; the review
 * as a page.
 */
public final class Demo {
    public static final String TRACE = "/dev/reckon/demo/hpc2n-seth-3170.swf";
    public static final String MACHINES = TRACE + ".machines";
    public static final String CLUSTER = "hpc2n-seth";
    /** The trace's first day and the day after its last job ended, UTC. */
    public static final Instant TRACE_START = Instant.parse("2002-07-28T00:00:00Z");
    public static final Instant TRACE_END = Instant.parse("2002-09-28T00:00:00Z");
    /** The review's moment: inside the trace, when 7 jobs were running and 20 waiting. */
    public static final Instant NOW = Instant.parse("2002-09-05T12:00:00Z");

    /**
     * Results the demo's efforts reported (reckon metric): the sweep reached its speedup on 3 September, so by
     * {@link #NOW} it has had its success exit; the mesh work reported a slowdown on 1 September, after its 14 days: a
     * failure exit. Neither consumed since.
     */
    public static final List<Metric> DEMO_METRICS = List.of(
            new Metric("seth-sweep", "speedup", 1.2, Instant.parse("2002-08-20T18:00:00Z"), null, CLUSTER, "demo"),
            new Metric("seth-sweep", "speedup", 1.7, Instant.parse("2002-09-03T00:00:00Z"), null, CLUSTER, "demo"),
            new Metric("seth-mesh", "speedup", 0.8, Instant.parse("2002-09-01T00:00:00Z"), null, CLUSTER, "demo"),
            new Metric("seth-sim", "speedup", 1.1, Instant.parse("2002-08-25T12:00:00Z"), null, CLUSTER, "demo"));

    private final Context ctx;

    public Demo(Context ctx) {
        this.ctx = ctx;
    }

    /**
     * What the demo found.
     *
     * @param trace      the trace, written out beside the ledger for the reader to try other commands on
     * @param seconds    how long the ingest and the summary took
     */
    public record Result(Path ledger, Path trace, Path charterDir, Path html, IngestReport ingested, double seconds,
                         ConsumptionSummary.Result summary, Charters charters, Review.Result review,
                         Owners.Result owners, List<Exits.Evaluation> exits, WhatIf.Result whatIf) {}

    /** Runs the demo in {@code dir} (made when missing; its ledger, charters and page are written afresh). */
    public Result run(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path ledgerFile = dir.resolve("ledger.db");
        for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) Files.deleteIfExists(Path.of(ledgerFile + suffix));
        Path trace = dir.resolve("hpc2n-seth-3170.swf");
        try (InputStream in = resourceStream(TRACE)) {
            AtomicFiles.write(trace, in.readAllBytes());
        }
        try (InputStream in = resourceStream(MACHINES)) {
            AtomicFiles.write(Path.of(trace + ".machines"), in.readAllBytes());
        }

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

        ZoneId zone = ctx.zone();
        Path charterDir = dir.resolve("charters");
        writeCharters(charterDir, zone);
        Charters charters = Charters.load(charterDir, zone);
        List<Job> seen = asOf(jobs, NOW);
        List<Exits.Evaluation> exits;
        try (Ledger ledger = Ledger.open(ledgerFile.toString())) {
            exits = Exits.evaluate(charters.all(), seen, ledger::metrics, NOW, Exits.Options.DEFAULT);
        }
        Review.ExitMoments moments = ExitPlanning.moments(exits);
        Review.Result review = Review.review(seen, TRACE_START, null, charters.all(), null, NOW, null, moments);
        Owners.Result owners = Owners.analyze(seen, TRACE_START, null, charters.all(), Owners.DEFAULT_LIMIT, NOW);
        WhatIf.Result whatIf = whatIf(jobs, machines, charters, moments);
        Path html = dir.resolve("review.html");
        AtomicFiles.write(html, ReviewHtml.page(review, zone));
        return new Result(ledgerFile, trace, charterDir, html, ingested, seconds, summary.build(), charters, review,
                owners, exits, whatIf);
    }

    /**
     * The what-if on the whole trace: its jobs replayed under EASY backfill on Seth's 120 nodes as submitted, without
     * the jobs the charters do not defend (the whole trace classified with the charters as they stood at {@link #NOW},
     * when all were reviewed on time), and on 10% more nodes.
     */
    private static WhatIf.Result whatIf(List<Job> jobs, SwfMachines machines, Charters charters,
                                        Review.ExitMoments moments) {
        Review.Result all = Review.review(jobs, TRACE_START, null, charters.all(), null, NOW, null, moments);
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
        for (Charter c : cs) AtomicFiles.write(charterDir.resolve(c.id() + ".yaml"), CharterFile.write(c, zone));
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
    public static List<Job> asOf(List<Job> jobs, Instant t) {
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
        return new InputStreamReader(resourceStream(name), StandardCharsets.ISO_8859_1);
    }

    private static InputStream resourceStream(String name) throws IOException {
        InputStream s = Demo.class.getResourceAsStream(name);
        if (s == null) throw new IOException("the demo trace " + name + " is missing from this build of reckon");
        return s;
    }
}
