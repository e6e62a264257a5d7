package dev.reckon.app;

import dev.reckon.charter.Charters;
import dev.reckon.core.BadRequest;
import dev.reckon.core.InputError;
import dev.reckon.ledger.JobQuery;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.Charter;
import dev.reckon.model.Job;
import dev.reckon.review.UsageTally;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Usage summaries: what the window's jobs consumed (CPU-, GPU-, memory-hours, jobs) per user, account, partition,
 * charter or cluster, with shares of the total; per day or week with running totals against charters' budgets. The
 * ledger selects the window's jobs (and, for one charter, nothing else is kept); the hours are summed as the jobs
 * stream past, one entry per group and period in memory.
 */
public final class Accounting {
    /** The groupings {@code --by} accepts. */
    public static final List<String> BY = List.of("user", "account", "partition", "charter", "cluster");
    /** The periods {@code --per} accepts. */
    public static final List<String> PER = List.of("day", "week");
    /** At most this many periods in one summary (a year of days). */
    static final int MAX_PERIODS = 400;
    static final String NO_CHARTER = "(no charter)";
    static final String UNKNOWN = "(unknown)";

    private final Context ctx;

    public Accounting(Context ctx) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
    }

    /**
     * What to sum and how to group it.
     *
     * @param by       user, account, partition, charter or cluster; null: user (charter with {@code charter})
     * @param since    window start; null: 30 days before now (with {@code charter}: the charter's start, if it has one)
     * @param until    window end, exclusive; null: now
     * @param charter  only this charter's jobs (every job it claims, as its exits count them), over time
     * @param overTime per period as well
     * @param per      day or week; null: day for windows up to 31 days, else week
     * @param sort     cpu, gpu, mem or jobs; null: cpu (gpu for charters)
     * @param clusters only the jobs of these clusters (empty: every cluster)
     */
    public record Request(String by, Instant since, Instant until, String charter, boolean overTime, String per,
                          String sort, List<String> clusters) {
        public Request(String by, Instant since, Instant until, String charter, boolean overTime, String per,
                       String sort) {
            this(by, since, until, charter, overTime, per, sort, null);
        }

        public Request {
            clusters = Clusters.of(clusters);
            if (by != null && !BY.contains(by)) throw new BadRequest("--by: \"" + by + "\" is not one of " + String.join(", ", BY));
            if (per != null && !PER.contains(per)) throw new BadRequest("--per: \"" + per + "\" is not day or week");
            if (sort != null && UsageTally.Sort.of(sort) == null)
                throw new BadRequest("--sort: \"" + sort + "\" is not one of cpu, gpu, mem, jobs");
            if (charter != null && by != null && !by.equals("charter"))
                throw new BadRequest("--charter shows one charter over time: it does not go with --by " + by);
            if (since != null && until != null && !until.isAfter(since)) throw new BadRequest("--until: not after --since");
        }
    }

    public Outcome<UsageTally.Summary> usage(Request q) {
        Instant now = ctx.now();
        String by = q.charter() != null ? "charter" : q.by() == null ? "user" : q.by();
        List<InputError> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<Charter> charters = List.of();
        Charter only = null;
        Map<String, Charter.Budget> budgets = new LinkedHashMap<>();
        if (by.equals("charter")) {
            Outcome<Charters> loaded = Chartering.load(ctx);
            problems.addAll(loaded.problems());
            notes.addAll(loaded.notes());
            charters = loaded.value().all();
            for (Charter c : charters) budgets.put(c.id(), c.budget());
            if (q.charter() != null) {
                only = loaded.value().byId(q.charter()).orElseThrow(() -> new BadRequest("--charter: no valid charter \""
                        + q.charter() + "\" in " + ctx.charterDir()));
            }
        }
        Instant until = q.until() == null ? now : q.until();
        Instant since = q.since();
        if (since == null && only != null && only.window() != null && only.window().start() != null
                && only.window().start().isBefore(until)) {
            since = only.window().start();
        }
        if (since == null) since = until.minus(Duration.ofDays(30));
        if (!until.isAfter(since)) throw new BadRequest("--since: not before --until (" + since + ", " + until + ")");
        if (only != null && only.window() != null && only.window().start() != null && since.isAfter(only.window().start()))
            notes.add("the running totals count from " + since + ", after charter " + only.id() + " started: its "
                    + "budget share here leaves out what it used before (reckon exits counts from its start)");
        boolean periods = q.overTime() || only != null;
        String per = !periods ? null : q.per() != null ? q.per()
                : Duration.between(since, until).compareTo(Duration.ofDays(31)) <= 0 ? "day" : "week";
        List<Instant> bounds = periods ? bounds(since, until, per) : null;
        UsageTally tally = new UsageTally(since, until, bounds);
        if (only != null) tally.ensure(only.id());
        else for (Charter c : charters) if (c.status() == Charter.Status.ACTIVE) tally.ensure(c.id());
        Function<Job, String> key = key(by, only, charters);
        Charter chosen = only;
        String ledgerAt;
        try (Ledger ledger = ctx.readLedger()) {
            ledger.forEachJob(JobQuery.all().withWindow(since, until).withCluster(Clusters.query(q.clusters())), j -> {
                if (chosen != null && !chosen.matches(j)) return;
                if (j.jobId().contains("_[") && j.start() == null) return; // a pending array's range: its tasks count
                tally.add(key.apply(j), j);
            });
            ledgerAt = ledger.location();
        }
        String sort = q.sort() != null ? q.sort() : by.equals("charter") ? "gpu" : "cpu";
        List<UsageTally.Group> groups = tally.groups(UsageTally.Sort.of(sort), budgets);
        if (tally.total().jobs() == 0) notes.add("no job" + (only == null ? "" : " of charter " + only.id()) + " in the window (ledger: " + ledgerAt + "); ingest first: reckon ingest");
        if (by.equals("charter") && charters.isEmpty() && problems.isEmpty())
            notes.add("no valid charters in " + ctx.charterDir() + ": every job is " + NO_CHARTER);
        return Outcome.of(new UsageTally.Summary(since, until, by, per, sort, tally.total(), groups), problems, notes);
    }

    private static Function<Job, String> key(String by, Charter only, List<Charter> charters) {
        return switch (by) {
            case "user" -> j -> orUnknown(j.user());
            case "account" -> j -> orUnknown(j.account());
            case "partition" -> j -> orUnknown(j.partition());
            case "cluster" -> j -> orUnknown(j.cluster());
            default -> j -> {
                if (only != null) return only.id();
                for (Charter c : charters) if (c.matches(j)) return c.id();
                return NO_CHARTER;
            };
        };
    }

    private static String orUnknown(String s) {
        return s == null || s.isEmpty() ? UNKNOWN : s;
    }

    /** The periods' boundaries: the window's start, every day's (or Monday's) midnight in the zone, its end. */
    private List<Instant> bounds(Instant since, Instant until, String per) {
        List<Instant> out = new ArrayList<>();
        out.add(since);
        ZonedDateTime t = since.atZone(ctx.zone()).truncatedTo(ChronoUnit.DAYS);
        if (per.equals("week")) t = t.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        while (true) {
            t = per.equals("week") ? t.plusWeeks(1) : t.plusDays(1);
            Instant b = t.toInstant();
            if (!b.isBefore(until)) break;
            if (b.isAfter(since)) out.add(b);
            if (out.size() > MAX_PERIODS)
                throw new BadRequest("--per " + per + ": more than " + MAX_PERIODS + " periods; use --per week or a shorter window");
        }
        out.add(until);
        return out;
    }
}
