package dev.reckon.app;

import dev.reckon.core.AtomicFiles;
import dev.reckon.act.ExitEnforcement;
import dev.reckon.act.JobActions;
import dev.reckon.act.NoticeTemplates;
import dev.reckon.act.Notices;
import dev.reckon.act.SlurmJobActions;
import dev.reckon.charter.CharterFile;
import dev.reckon.charter.Charters;
import dev.reckon.config.Config;
import dev.reckon.core.BadRequest;
import dev.reckon.exits.Calendar;
import dev.reckon.exits.Exits;
import dev.reckon.ledger.JobQuery;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.Charter;
import dev.reckon.model.Job;
import dev.reckon.model.Verdict;
import dev.reckon.source.slurm.SlurmCommands;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Exits: every charter against its exits, the calendar of planned stops, and carrying the exits out. */
public final class ExitPlanning {
    private final Context ctx;
    private final Function<Notices, JobActions> acting;

    /** Exit planning that acts on this host's Slurm. */
    public ExitPlanning(Context ctx) {
        this(ctx, notices -> new SlurmJobActions(notices, new SlurmCommands(SlurmCommands.DEFAULT_TIMEOUT, ctx.zone())));
    }

    /** Exit planning that acts through the seam given (made from the request's notice channels). */
    public ExitPlanning(Context ctx, Function<Notices, JobActions> acting) {
        this.ctx = ctx;
        this.acting = acting;
    }

    /**
     * How charters are evaluated.
     *
     * @param at             the moment; null: now
     * @param approachBudget approaching from this fraction of any budget used; null: the config's (else 0.8)
     * @param approachDays   approaching this many days before the window ends; null: the config's (else 7)
     * @param burnDays       the burn rate's window in days
     * @param clusters       only the charters that cover one of these clusters (empty: every charter); each still
     *                       counts its jobs on every cluster it covers
     */
    public record Evaluation(Instant at, Double approachBudget, Integer approachDays, int burnDays, List<String> clusters) {
        public static final int DEFAULT_BURN_DAYS = 7;

        public Evaluation(Instant at, Double approachBudget, Integer approachDays, int burnDays) {
            this(at, approachBudget, approachDays, burnDays, null);
        }

        public Evaluation {
            clusters = Clusters.of(clusters);
            if (approachBudget != null && !(approachBudget > 0 && approachBudget <= 1))
                throw new BadRequest("--approach-budget: a fraction in (0, 1], e.g. 0.8");
            if (approachDays != null && approachDays < 0) throw new BadRequest("--approach-days: must not be negative");
            if (burnDays < 1) throw new BadRequest("--burn-days: at least 1");
        }

        /** Now, with the configured thresholds. */
        public static Evaluation now() {
            return new Evaluation(null, null, null, DEFAULT_BURN_DAYS);
        }
    }

    /** Every charter's verdict, with its evidence, at the moment asked. */
    public Outcome<List<Exits.Evaluation>> evaluate(Evaluation q) {
        Outcome<Charters> cs = Chartering.load(ctx);
        try (Ledger ledger = ctx.readLedger()) {
            return Outcome.of(evaluate(ledger, covering(cs.value().all(), q.clusters()), at(q), options(q)),
                    cs.problems(), cs.notes());
        }
    }

    /** The upcoming planned stops, in date order: window ends, projected budget exhaustion, review dates. */
    public Outcome<List<Calendar.Stop>> calendar(Evaluation q) {
        Outcome<List<Exits.Evaluation>> es = evaluate(q);
        return Outcome.of(Calendar.stops(es.value(), at(q)), es.problems(), es.notes());
    }

    /** The charters that cover at least one of the clusters (every charter when none is named). */
    static List<Charter> covering(List<Charter> charters, List<String> clusters) {
        if (clusters == null || clusters.isEmpty()) return charters;
        return charters.stream().filter(c -> clusters.stream().anyMatch(c::covers)).toList();
    }

    /** The closing records of the charters enforcement closed, oldest first. */
    public List<ExitEnforcement.Closing> closed() {
        try (Ledger ledger = ctx.readLedger()) {
            return ExitEnforcement.closings(ledger);
        }
    }

    /**
     * Carrying exits out.
     *
     * @param grace    how long after the exit fell due (or the owner was told, if later) a running job may be cancelled
     * @param channels where notices go
     * @param apply    carry it out; otherwise only the plan
     */
    public record EnforceRequest(Evaluation evaluation, Duration grace, Channels channels, boolean apply) {
        public EnforceRequest {
            if (grace == null || grace.isNegative()) throw new BadRequest("--grace: must not be negative");
            channels = channels == null ? Channels.NONE : channels;
        }
    }

    /** The plan for (or, with apply, what was done by) each charter's on_exit, in charter order. */
    public Outcome<List<ExitEnforcement.Step>> enforce(EnforceRequest q) {
        Notices notices = q.channels().notices(q.apply());
        NoticeTemplates texts = new NoticeTemplates(ctx.site().templates(), ctx.zone()).check();
        Exits.Options options = options(q.evaluation());
        Instant now = at(q.evaluation());
        Outcome<Charters> cs = Chartering.load(ctx);
        // every charter, whatever the evaluation's clusters: another charter's claim on a job must keep it safe
        List<Charter> charters = cs.value().all();
        Path dir = cs.value().dir();
        try (Ledger ledger = (q.apply() ? ctx.openLedger() : ctx.readLedger())) {
            List<Job> jobs = chartered(ledger, charters);
            List<Exits.Evaluation> es = Exits.evaluate(charters, jobs, ledger::metrics, now, options);
            List<ExitEnforcement.Step> steps = ExitEnforcement.plan(charters, es, jobs, ledger, now, q.grace());
            if (q.apply()) {
                Map<String, Boolean> confirmed = new HashMap<>();
                steps = ExitEnforcement.carryOut(steps, ledger, now, ctx.actor(), acting.apply(notices),
                        s -> close(dir, s),
                        s -> confirmed.computeIfAbsent(s.charter(), id -> stillDue(id, ledger, now, options)), texts);
            }
            return Outcome.of(steps, cs.problems(), cs.notes());
        }
    }

    // ------------------------------------------------------------------------------------------------ shared

    /** The charters evaluated at {@code at} over the ledger's jobs that belong to any of them, and their metrics. */
    static List<Exits.Evaluation> evaluate(Ledger ledger, List<Charter> charters, Instant at, Exits.Options o) {
        return Exits.evaluate(charters, chartered(ledger, charters), ledger::metrics, at, o);
    }

    /** The evaluation thresholds of the settings in force. */
    static Exits.Options defaults(Context ctx) {
        return options(ctx.config().exits(), Evaluation.now());
    }

    private Exits.Options options(Evaluation q) {
        return options(ctx.config().exits(), q);
    }

    private static Exits.Options options(Config.ExitSettings settings, Evaluation q) {
        double fraction = q.approachBudget() != null ? q.approachBudget() : settings.approachBudget();
        int days = q.approachDays() != null ? q.approachDays() : settings.approachDays();
        return new Exits.Options(fraction, Duration.ofDays(days), Duration.ofDays(q.burnDays()));
    }

    private Instant at(Evaluation q) {
        return q.at() == null ? ctx.now() : q.at();
    }

    /** The ledger's jobs that belong to at least one of the charters. */
    private static List<Job> chartered(Ledger ledger, List<Charter> charters) {
        Chartered c = new Chartered(charters);
        if (!charters.isEmpty()) ledger.forEachJob(c.query(), c::add);
        return c.jobs;
    }

    /**
     * The jobs {@link #evaluate} reads, gathered from a reading made for something else as well (what-if reads its
     * window and these in one): those of {@link #query()} that belong to at least one of the charters, kept in the
     * order given.
     */
    static final class Chartered {
        private final List<Charter> charters;
        private final Instant from;
        private final List<Job> jobs = new ArrayList<>();

        Chartered(List<Charter> charters) {
            this.charters = List.copyOf(charters);
            // only what ran from the earliest charter window's start on can count: the rest of the ledger's years is
            // not read
            Instant earliest = charters.stream().map(c -> c.window().start()).filter(java.util.Objects::nonNull)
                    .min(Instant::compareTo).orElse(null);
            this.from = charters.stream().anyMatch(c -> c.window().start() == null) ? null : earliest;
        }

        List<Charter> charters() {
            return charters;
        }

        /** The jobs to read: every one that had not ended before the earliest charter window's start. */
        JobQuery query() {
            return JobQuery.all().withWindow(from, null);
        }

        /** Keeps the job if {@link #query()} selects it and a charter claims it. */
        void add(Job j) {
            if (from != null && j.end() != null && j.end().getEpochSecond() < from.getEpochSecond()) return;
            for (Charter c : charters) {
                if (c.matches(j)) {
                    jobs.add(j);
                    return;
                }
            }
        }

        /** Whether any of the charters claims the job. */
        boolean claims(Job j) {
            for (Charter c : charters) if (c.matches(j)) return true;
            return false;
        }

        /** {@link ExitPlanning#evaluate} over the jobs kept. */
        List<Exits.Evaluation> evaluate(Ledger ledger, Instant at, Exits.Options o) {
            return Exits.evaluate(charters, jobs, ledger::metrics, at, o);
        }
    }

    /** Whether the charter, as its file reads now, is still active and at (or approaching) an exit. */
    private boolean stillDue(String id, Ledger ledger, Instant now, Exits.Options o) {
        Optional<Charter> c = ctx.loadCharters().byId(id);
        if (c.isEmpty() || c.get().status() != Charter.Status.ACTIVE) return false;
        Exits.Evaluation e = evaluate(ledger, List.of(c.get()), now, o).get(0);
        return e.exit() != null || e.verdict() == Verdict.APPROACHING;
    }

    /** Writes the charter's closing status and a dated history entry into its file, atomically. */
    private String close(Path dir, ExitEnforcement.Step s) throws IOException {
        Path file = fileOf(dir, s.charter());
        String text = Files.readString(file);
        Charter.Status status = Charter.Status.of(s.closing().status());
        String note = s.exit() + " exit closed by reckon: " + s.closing().reason();
        String out = CharterFile.withStatus(file.toString(), text, status,
                new Charter.StatusChange(LocalDate.ofInstant(s.closing().closedAt(), ctx.zone()), status, note), ctx.zone());
        AtomicFiles.write(file, out);
        return "wrote status " + status.word() + " to " + file;
    }

    private static Path fileOf(Path d, String id) throws IOException {
        for (String ext : List.of(".yaml", ".yml")) {
            Path p = d.resolve(id + ext);
            if (Files.isRegularFile(p)) return p;
        }
        throw new IOException("no charter file " + id + ".yaml in " + d);
    }

    /** When the evaluated charters' success and failure exits fell due: what the review needs of the exits. */
    static dev.reckon.review.Review.ExitMoments moments(List<Exits.Evaluation> es) {
        return new dev.reckon.review.Review.ExitMoments(Exits.successes(es), Exits.failures(es), Exits.failureReasons(es));
    }
}
