package dev.reckon.app;

import dev.reckon.act.Hold;
import dev.reckon.act.JobActions;
import dev.reckon.act.NoticeTemplates;
import dev.reckon.act.Notices;
import dev.reckon.act.Reclaim;
import dev.reckon.act.SlurmJobActions;
import dev.reckon.charter.Charters;
import dev.reckon.core.BadRequest;
import dev.reckon.exits.Exits;
import dev.reckon.ledger.JobQuery;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.Charter;
import dev.reckon.model.Job;
import dev.reckon.review.Owners;
import dev.reckon.review.Review;
import dev.reckon.source.slurm.SlurmCommands;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Governance: who defends each job (the review), who holds what (owners), and reclaiming what nobody defends. The
 * review is assembled here once — the charters as they read now (with the roster-refused ones), the window's jobs
 * and their history, each active charter's exit moments — and reclaim acts on exactly its kill list.
 */
public final class Governance {
    private final Context ctx;
    private final Function<Notices, JobActions> acting;

    /** Governance that acts on this host's Slurm. */
    public Governance(Context ctx) {
        this(ctx, notices -> new SlurmJobActions(notices, new SlurmCommands(SlurmCommands.DEFAULT_TIMEOUT, ctx.zone())));
    }

    /** Governance that acts through the seam given (made from the request's notice channels). */
    public Governance(Context ctx, Function<Notices, JobActions> acting) {
        this.ctx = ctx;
        this.acting = acting;
    }

    /**
     * A review of the window {@code [since, until)}.
     *
     * @param period   the periods recurrence is judged over; null: automatic (a habit is weekly or daily)
     * @param clusters only the jobs of these clusters (empty: every cluster)
     */
    public record ReviewRequest(Instant since, Instant until, Duration period, List<String> clusters) {
        public ReviewRequest(Instant since, Instant until, Duration period) {
            this(since, until, period, null);
        }

        public ReviewRequest {
            clusters = Clusters.of(clusters);
            if (period != null && period.getSeconds() < 1) throw new BadRequest("--period: at least 1s");
            if (since != null && until != null && !since.isBefore(until))
                throw new BadRequest("--since must be before --until");
        }
    }

    /** The standing review of the window, with the charter files that do not read as problems. */
    public Outcome<Review.Result> review(ReviewRequest q) {
        Outcome<Charters> cs = Chartering.load(ctx);
        try (Ledger ledger = ctx.readLedger()) {
            return Outcome.of(judge(ledger, cs.value(), q.since(), q.until(), q.period(), ctx.now(), q.clusters()),
                    cs.problems(), cs.notes());
        }
    }

    /**
     * The review pipeline, once: the reviewable charters, the window's jobs with the history recurrence needs, when
     * each active charter's success or failure exit fell due, then the review at {@code now}.
     */
    Review.Result judge(Ledger ledger, Charters cs, Instant since, Instant until, Duration period, Instant now) {
        return judge(ledger, cs, since, until, period, now, List.of());
    }

    /** As {@link #judge(Ledger, Charters, Instant, Instant, Duration, Instant)}, of the clusters named (empty: all). */
    Review.Result judge(Ledger ledger, Charters cs, Instant since, Instant until, Duration period, Instant now,
                        List<String> clusters) {
        List<Charter> charters = Chartering.reviewable(cs, ctx.zone());
        JobQuery window = JobQuery.all().withWindow(Review.historyStart(since, period), until)
                .withCluster(Clusters.query(clusters));
        Review.Jobs jobs = each -> ledger.forEachJob(window, each);
        return Review.review(jobs, since, until, charters, cs.roster().orElse(null), now, period,
                exitMoments(ledger, charters, now));
    }

    /**
     * Which jobs {@link #judge} would call defended, without judging the window: the reviewable charters and when each
     * active one's exits fell due, then one job at a time ({@link Review#defence}); {@code whatif} needs no more of the
     * review, since what it removes is every job of the window but those. For a reading that gathers the exits' jobs
     * along with others (what-if's one reading): gather them with {@link #add}, judge a job at once when
     * {@link #settled} says so, the rest with {@link #defence} after the reading.
     */
    final class Defending {
        private final List<Charter> charters;
        private final dev.reckon.charter.Roster roster;
        private final Instant now;
        private final ExitPlanning.Chartered active;
        private final Review.Defence noExits;

        Defending(Charters cs, Instant now) {
            this.charters = Chartering.reviewable(cs, ctx.zone());
            this.roster = cs.roster().orElse(null);
            this.now = now;
            this.active = new ExitPlanning.Chartered(
                    charters.stream().filter(c -> c.status() == Charter.Status.ACTIVE).toList());
            this.noExits = Review.defence(charters, roster, now, Review.ExitMoments.NONE);
        }

        /** The jobs the exits read; null when no charter is active (the exits read nothing). */
        JobQuery query() {
            return active.charters().isEmpty() ? null : active.query();
        }

        /** Gathers the job for the exits if they read it. */
        void add(Job j) {
            active.add(j);
        }

        /**
         * The defence when the job's verdict does not hang on the exits (no active charter claims it: exits are known
         * only of active charters), else null: ask {@link #defence} after the reading.
         */
        Review.Defence settled(Job j) {
            return active.claims(j) ? null : noExits;
        }

        /** The defence, once every job of {@link #query()} has been gathered (the exits are evaluated now). */
        Review.Defence defence(Ledger ledger) {
            List<Exits.Evaluation> es = active.evaluate(ledger, now, ExitPlanning.defaults(ctx));
            return Review.defence(charters, roster, now, ExitPlanning.moments(es));
        }
    }

    /** When each active charter's success or failure exit fell due, by {@code now}: the review's exit moments. */
    private Review.ExitMoments exitMoments(Ledger ledger, List<Charter> charters, Instant now) {
        List<Charter> active = charters.stream().filter(c -> c.status() == Charter.Status.ACTIVE).toList();
        List<Exits.Evaluation> es = ExitPlanning.evaluate(ledger, active, now, ExitPlanning.defaults(ctx));
        return ExitPlanning.moments(es);
    }

    /** The owners' view of the window: active charters per owner and their jobs' babysitting load. */
    public record OwnersRequest(Instant since, Instant until, int limit, List<String> clusters) {
        public OwnersRequest(Instant since, Instant until, int limit) {
            this(since, until, limit, null);
        }

        public OwnersRequest {
            if (limit < 0) throw new BadRequest("--limit: must be 0 or more");
            clusters = Clusters.of(clusters);
        }
    }

    public Outcome<Owners.Result> owners(OwnersRequest q) {
        Outcome<Charters> cs = Chartering.load(ctx);
        JobQuery window = JobQuery.all().withWindow(q.since() == null ? null : q.since().minus(Duration.ofHours(1)),
                q.until()).withCluster(Clusters.query(q.clusters()));
        try (Ledger ledger = ctx.readLedger()) {
            Owners.Result r = Owners.analyze(each -> ledger.forEachJob(window, each), q.since(), q.until(),
                    cs.value().all(), q.limit(), ctx.now());
            return Outcome.of(r, cs.problems(), cs.notes());
        }
    }

    /**
     * Reclaiming the review's running undefended jobs: tell their users, cancel them once the grace is over.
     *
     * @param since    the review window's start (it runs to now)
     * @param grace    how long after the notice a job may be cancelled
     * @param channels where notices go
     * @param apply    carry it out; otherwise only the plan
     */
    public record ReclaimRequest(Instant since, Duration grace, Channels channels, boolean apply) {
        public ReclaimRequest {
            if (grace == null || grace.isNegative()) throw new BadRequest("--grace: must not be negative");
            channels = channels == null ? Channels.NONE : channels;
        }
    }

    /**
     * The plan for (or, with apply, what was done to) each running job on the review's kill list, in its order;
     * {@link Reclaim.Step#killListRank} is the kill-list line it came from.
     */
    public Outcome<List<Reclaim.Step>> reclaim(ReclaimRequest q) {
        Notices notices = q.channels().notices(q.apply());
        NoticeTemplates texts = new NoticeTemplates(ctx.site().templates(), ctx.zone()).check();
        Outcome<Charters> cs = Chartering.load(ctx);
        Instant now = ctx.now();
        try (Ledger ledger = (q.apply() ? ctx.openLedger() : ctx.readLedger())) {
            Review.Result review = judge(ledger, cs.value(), q.since(), null, null, now);
            List<Reclaim.Step> steps = Reclaim.plan(review, ledger, now, q.grace());
            if (q.apply()) {
                Review.Result[] latest = {null};
                steps = Reclaim.carryOut(steps, ledger, now, ctx.actor(), acting.apply(notices), s -> {
                    // the charters as they stand now: one written during the grace period saves the job
                    if (latest[0] == null) latest[0] = judge(ledger, ctx.loadCharters(), q.since(), null, null, ctx.now());
                    return latest[0].killList().stream()
                            .anyMatch(k -> k.jobId().equals(s.jobId()) && k.cluster().equals(s.cluster()));
                }, texts);
            }
            return Outcome.of(steps, cs.problems(), cs.notes());
        }
    }

    /**
     * Holding the review's pending undefended jobs, so that they do not start and consume what nobody defends.
     *
     * @param since the review window's start (it runs to now)
     * @param jobs  the jobs to hold ({@code ID} or {@code CLUSTER:ID}); empty: every pending job of the kill list
     * @param channels where the notice after a hold goes (needed with apply: people are told when their jobs are
     *                 touched)
     * @param apply carry it out; otherwise only the plan
     */
    public record HoldRequest(Instant since, List<String> jobs, Channels channels, boolean apply) {
        public HoldRequest {
            channels = channels == null ? Channels.NONE : channels;
            jobs = jobs == null ? List.of() : List.copyOf(jobs);
            for (String j : jobs) {
                if (j == null || j.isBlank() || !j.matches("([A-Za-z0-9_.-]+:)?[0-9][0-9_+\\[\\]-]*"))
                    throw new BadRequest("JOB: '" + j + "' is not a job id (ID or CLUSTER:ID, e.g. 1234 or reckon:1234_5)");
            }
        }
    }

    /**
     * The plan for (or, with apply, what was done to) each pending undefended job of the window, in kill-list order;
     * the jobs asked for that are defended (spared) or not pending (refused) follow with why.
     */
    public Outcome<List<Hold.Step>> hold(HoldRequest q) {
        Notices notices = q.channels().notices(q.apply());
        NoticeTemplates texts = new NoticeTemplates(ctx.site().templates(), ctx.zone()).check();
        Outcome<Charters> cs = Chartering.load(ctx);
        Instant now = ctx.now();
        try (Ledger ledger = (q.apply() ? ctx.openLedger() : ctx.readLedger())) {
            Review.Result review = judge(ledger, cs.value(), q.since(), null, null, now);
            List<Hold.Step> steps = Hold.plan(review, ledger, q.jobs());
            if (q.apply()) {
                Review.Result[] latest = {null};
                steps = Hold.carryOut(steps, ledger, now, ctx.actor(), acting.apply(notices), s -> {
                    if (latest[0] == null) latest[0] = judge(ledger, ctx.loadCharters(), q.since(), null, null, ctx.now());
                    return latest[0].killList().stream()
                            .anyMatch(k -> k.jobId().equals(s.jobId()) && k.cluster().equals(s.cluster()));
                }, texts);
            }
            return Outcome.of(steps, cs.problems(), cs.notes());
        }
    }

    // ------------------------------------------------------------------------------------------------ digest

    /**
     * The review digest for group leads.
     *
     * @param since    the window's start
     * @param until    its end (null: now)
     * @param channels where to send it (a mail command, a webhook); none: only rendered
     * @param to       one recipient for the whole digest; null: each charter's owner gets the part of theirs
     */
    public record DigestRequest(Instant since, Instant until, Channels channels, String to) {
        public DigestRequest {
            channels = channels == null ? Channels.NONE : channels;
            if (to != null && to.isBlank()) throw new BadRequest("--to: give an address");
            if (to != null && channels.webhook() == null && channels.mailCommand() == null)
                throw new BadRequest("--to needs --mail-command or --webhook");
        }
    }

    /** The digest: its sections, the Markdown of all of them, and to whom it was sent (empty when not sent). */
    public record Digest(List<dev.reckon.report.DigestReport.Section> sections, String markdown, List<String> sent,
                         List<String> failed) {
        public Digest {
            sections = List.copyOf(sections);
            sent = List.copyOf(sent);
            failed = List.copyOf(failed);
        }
    }

    /**
     * Per charter: what it used against its budget and its verdict (as {@code reckon exits}), its jobs in the window,
     * the window's undefended jobs of its owner and members, and its upcoming stops; as Markdown, and sent through the
     * channels given (to {@code to}, else one mail per owner with their charters).
     */
    public Outcome<Digest> digest(DigestRequest q) {
        Notices notices = q.channels().notices(false);
        Outcome<Charters> cs = Chartering.load(ctx);
        Instant now = ctx.now();
        List<dev.reckon.report.DigestReport.Section> sections = new ArrayList<>();
        try (Ledger ledger = ctx.readLedger()) {
            Review.Result review = judge(ledger, cs.value(), q.since(), q.until(), null, now);
            List<Charter> charters = cs.value().all();
            List<Exits.Evaluation> es = ExitPlanning.evaluate(ledger, charters, now, ExitPlanning.defaults(ctx));
            List<dev.reckon.exits.Calendar.Stop> stops = dev.reckon.exits.Calendar.stops(es, now);
            for (Charter c : charters) {
                java.util.Set<String> people = new java.util.HashSet<>(c.members());
                people.add(c.owner());
                List<Review.JobVerdict> undefended = review.jobs().stream()
                        .filter(j -> j.jobClass() != Review.JobClass.DEFENDED && people.contains(j.user())).toList();
                sections.add(new dev.reckon.report.DigestReport.Section(c.id(), c.owner(), c.title(), c.status().word(),
                        es.stream().filter(e -> e.charter().equals(c.id())).findFirst().orElse(null),
                        review.charters().stream().filter(u -> u.charter().equals(c.id())).findFirst().orElse(null),
                        undefended, stops.stream().filter(st -> st.charter().equals(c.id())).toList()));
            }
        }
        String all = dev.reckon.report.DigestReport.markdown(sections, q.since(), q.until(), now, ctx.zone());
        List<String> sent = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<dev.reckon.core.InputError> problems = new ArrayList<>(cs.problems());
        List<String> notes = new ArrayList<>(cs.notes());
        if (notices != null) {
            java.util.Map<String, List<dev.reckon.report.DigestReport.Section>> byRecipient = new java.util.TreeMap<>();
            if (q.to() != null) byRecipient.put(q.to(), sections);
            else for (var sec : sections) byRecipient.computeIfAbsent(sec.owner(), o -> new ArrayList<>()).add(sec);
            for (var e : byRecipient.entrySet()) {
                String text = e.getValue() == sections ? all
                        : dev.reckon.report.DigestReport.markdown(e.getValue(), q.since(), q.until(), now, ctx.zone());
                com.fasterxml.jackson.databind.node.ObjectNode n = dev.reckon.core.Json.mapper().createObjectNode();
                n.put("kind", "digest");
                n.put("subject", "[reckon] review digest: " + e.getValue().size() + " charter"
                        + (e.getValue().size() == 1 ? "" : "s") + (q.to() == null ? " of " + e.getKey() : ""));
                n.put("text", text);
                try {
                    sent.add(notices.send(e.getKey(), n.toString()));
                } catch (Exception ex) {
                    failed.add("digest for " + e.getKey() + " not sent: " + ex.getMessage());
                }
            }
        }
        return Outcome.of(new Digest(sections, all, sent, failed), problems, notes);
    }
}
