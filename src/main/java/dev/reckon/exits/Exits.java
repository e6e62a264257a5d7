package dev.reckon.exits;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.reckon.model.Charter;
import dev.reckon.model.Charter.Condition;
import dev.reckon.model.Exit;
import dev.reckon.model.Hours;
import dev.reckon.model.Hours.Resource;
import dev.reckon.model.Job;
import dev.reckon.model.Metric;
import dev.reckon.model.Verdict;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Each charter against its exits at a moment {@code at}: an analysis, with no clock of its own and no file read.
 *
 * <p>Consumption is what the charter's jobs ({@link Charter#matches}) held from its window start (or their first
 * start) up to {@code at}: allocated GPUs, CPUs and memory times the time held, the figures {@link Review} counts; a
 * running job counts up to {@code at}. A condition is judged on the latest value of its metric reported at or before
 * {@code at}; {@code after N gpu_hours} (or {@code cpu_hours}) makes it count only from the moment the charter had
 * consumed that much, {@code after N days} from N days after the window start.
 *
 * <p>The verdict, in order:
 * <ol>
 *   <li>a charter closed in its file (succeeded, failed, withdrawn) has had its exit on the date of its last history
 *       entry; so has one whose success condition holds at {@code at} (due when it came true), or, failing that, one
 *       whose budget is spent, whose window is over, or whose failure condition holds (due at the earliest of these);
 *       such a charter is at {@code success-exit} or {@code failure-exit}, or at {@code overrun} when its jobs
 *       consumed anything after the exit fell due;</li>
 *   <li>else {@code approaching} when it has used at least {@link Options#approachFraction} of any budget, or its
 *       window ends within {@link Options#approachBefore};</li>
 *   <li>else {@code continue}.</li>
 * </ol>
 * The burn rate is what was consumed over the {@link Options#burnWindow} before {@code at} (or since the charter's
 * first consumption, when that is later), per day; the projected exhaustion is when the first budget runs out at that
 * rate (when it ran out, if it has).
 */
public final class Exits {
    private Exits() {}

    /**
     * When a charter counts as approaching its exits, and how far back its burn rate looks.
     *
     * @param approachFraction the used fraction of any budget from which it is approaching (default 0.8)
     * @param approachBefore   how long before its window's end it is approaching (default 7 days)
     * @param burnWindow       how far back the burn rate looks (default 7 days)
     */
    /** Days of consumption a burn rate needs before reckon projects exhaustion from it. */
    public static final double MIN_PROJECTION_DAYS = 1;
    /** Days of consumption (or the whole burn window, if shorter) that make a projection stable enough for a calendar. */
    public static final double STABLE_PROJECTION_DAYS = 3;

    public record Options(double approachFraction, Duration approachBefore, Duration burnWindow) {
        public static final Options DEFAULT = new Options(0.8, Duration.ofDays(7), Duration.ofDays(7));

        public Options {
            if (!(approachFraction > 0 && approachFraction <= 1))
                throw new IllegalArgumentException("the approach fraction must be in (0, 1], not " + approachFraction);
            if (approachBefore.isNegative()) throw new IllegalArgumentException("approachBefore must not be negative");
            if (burnWindow.isNegative() || burnWindow.isZero()) throw new IllegalArgumentException("burnWindow must be positive");
        }
    }

    /** Amounts per resource, each null where the budget does not limit that resource. */
    public record Amounts(Double gpuHours, Double cpuHours, Double memGbHours) {
        static Amounts of(Function<Resource, Double> f) {
            return new Amounts(f.apply(Resource.GPU), f.apply(Resource.CPU), f.apply(Resource.MEM));
        }
    }

    /**
     * The burn rate: what was consumed per day over {@code [since, until)}.
     *
     * @param days the length of that span in days (0 when nothing was consumed yet)
     */
    public record BurnRate(Instant since, Instant until, double days, double gpuHoursPerDay, double cpuHoursPerDay,
                           double memGbHoursPerDay) {
        double of(Resource r) {
            return switch (r) {
                case GPU -> gpuHoursPerDay;
                case CPU -> cpuHoursPerDay;
                case MEM -> memGbHoursPerDay;
            };
        }
    }

    /**
     * One success or failure condition as it stands at the evaluation's moment.
     *
     * @param kind        {@code success} or {@code failure}
     * @param latest      the metric's latest value at or before the moment; null when none was reported
     * @param latestAt    when that value was reported
     * @param countsFrom  from when its {@code after} part lets it count; null when it counts at once or never yet
     * @param waiting     true when its {@code after} part has not been reached yet
     * @param holds       whether it holds at the moment
     * @param since       when it came true (and has held since); null when it does not hold
     */
    public record ConditionState(String kind, String condition, String metric, Double latest, Instant latestAt,
                                 Instant countsFrom, boolean waiting, boolean holds, Instant since) {}

    /**
     * One charter's standing against its exits at {@code at}.
     *
     * @param budget               what it may consume, per resource (null: not limited)
     * @param used                 what it consumed up to {@code at}
     * @param left                 budget minus used, per limited resource (negative when overspent)
     * @param usedFraction         used / budget, per limited resource
     * @param projectedExhaustion  when its first budget runs out at the burn rate (in the past when it has); null
     *                             when never (no consumption, or no budget)
     * @param exhaustedResource    which budget runs out first: gpu, cpu or mem; null with no projection
     * @param projection           how far the projection can be trusted: {@code stable} (days of history: a calendar
     *                             stop), {@code early} (shown, not on the calendar), {@code spent} (a budget ran out),
     *                             {@code none after an exit}, or why there is none (too little history); null when
     *                             nothing is consumed
     * @param exit                 the exit that has fallen due; null when none has
     * @param exitDueAt            when it fell due; null when none has
     * @param successAt            when a success condition came true (and holds since); null when none holds
     * @param overrun              what it consumed after the exit fell due; null when no exit is due
     * @param overrunAfterSuccess  what it consumed after a success condition came true; null when none holds
     * @param runningAtEvaluation  whether a job of it holds an allocation at {@code at}
     * @param evidence             the facts behind the verdict, in plain words
     */
    public record Evaluation(String charter, String owner, String status, Charter.OnExit onExit, Verdict verdict,
                             Instant at, Instant windowEnd, Instant reviewDue, Amounts budget, Hours used, Amounts left,
                             Amounts usedFraction, BurnRate burnRate, Instant projectedExhaustion,
                             String exhaustedResource, String projection, Exit exit, Instant exitDueAt, Instant successAt, Hours overrun,
                             Hours overrunAfterSuccess, @JsonProperty("running") boolean runningAtEvaluation,
                             List<ConditionState> conditions, List<String> evidence) {
        public Evaluation {
            conditions = List.copyOf(conditions);
            evidence = List.copyOf(evidence);
        }
    }

    /**
     * Every charter at {@code at}, in the order given.
     *
     * @param jobs    the ledger's jobs (each charter takes those it matches)
     * @param metrics the metrics reported for a charter id, oldest first
     */
    public static List<Evaluation> evaluate(List<Charter> charters, List<Job> jobs,
                                            Function<String, List<Metric>> metrics, Instant at, Options options) {
        List<Evaluation> out = new ArrayList<>();
        for (Charter c : charters) out.add(evaluate(c, jobs, metrics.apply(c.id()), at, options));
        return out;
    }

    /** When each charter's success condition came true, for the charters where one holds at {@code at}. */
    public static Map<String, Instant> successes(List<Evaluation> evaluations) {
        Map<String, Instant> out = new java.util.HashMap<>();
        for (Evaluation e : evaluations) if (e.successAt() != null) out.put(e.charter(), e.successAt());
        return out;
    }

    /**
     * When each active charter's failure exit fell due, for the active charters at a failure exit at the evaluations'
     * moment: its budget spent, its window over, or a failure condition holding (the earliest of these), with no
     * success condition holding — the {@link Evaluation#exitDueAt} of an {@link Exit.Kind#FAILURE} exit. Charters
     * closed in their files are left out: their history says when they exited.
     */
    public static Map<String, Instant> failures(List<Evaluation> evaluations) {
        Map<String, Instant> out = new java.util.HashMap<>();
        for (Evaluation e : evaluations) if (failureDue(e)) out.put(e.charter(), e.exitDueAt());
        return out;
    }

    /**
     * What made each of the {@linkplain #failures failure exits} due, in plain words without its moment: "the gpu-hours
     * budget (100) was spent", "the window ended", "failure condition loss > 9 holds (loss = 9.5)".
     */
    public static Map<String, String> failureReasons(List<Evaluation> evaluations) {
        Map<String, String> out = new java.util.HashMap<>();
        for (Evaluation e : evaluations) {
            if (!failureDue(e)) continue;
            // the reasons evaluate() writes end their cause with " at <moment>" or " since <moment>"
            String why = e.exit().reason().replace(" at " + e.exitDueAt(), "").replace(" since " + e.exitDueAt(), "");
            out.put(e.charter(), why);
        }
        return out;
    }

    private static boolean failureDue(Evaluation e) {
        return Charter.Status.ACTIVE.word().equals(e.status()) && e.exit() != null
                && e.exit().kind() == Exit.Kind.FAILURE && e.exitDueAt() != null;
    }

    /** One charter at {@code at}; {@code jobs} may hold others' jobs too, {@code metrics} are this charter's. */
    public static Evaluation evaluate(Charter c, List<Job> jobs, List<Metric> metrics, Instant at, Options o) {
        List<Job> mine = jobs.stream().filter(c::matches).toList();
        Instant from = c.window().start();
        Usage usage = new Usage(mine, from, at);
        Hours used = usage.used(at);
        List<String> evidence = new ArrayList<>();

        Amounts budget = Amounts.of(r -> r.budgetOf(c.budget()));
        Amounts left = Amounts.of(r -> r.budgetOf(c.budget()) == null ? null : r.budgetOf(c.budget()) - used.of(r));
        Amounts fraction = Amounts.of(r -> r.budgetOf(c.budget()) == null ? null : used.of(r) / r.budgetOf(c.budget()));
        for (Resource r : Resource.values()) {
            Double b = r.budgetOf(c.budget());
            if (b != null) evidence.add(String.format(Locale.ROOT, "used %s of %s %s (%.1f%%)", num(used.of(r)), num(b),
                    r.unit(), 100 * used.of(r) / b));
        }

        // the burn rate and where it leads
        Instant first = usage.firstStart();
        BurnRate burn;
        if (first == null) {
            burn = new BurnRate(at, at, 0, 0, 0, 0);
        } else {
            Instant since = at.minus(o.burnWindow());
            if (since.isBefore(first)) since = first;
            double days = Math.max(0, (at.toEpochMilli() - since.toEpochMilli()) / 86_400_000.0);
            Hours spent = usage.since(since);
            burn = days <= 0 ? new BurnRate(since, at, 0, 0, 0, 0)
                    : new BurnRate(since, at, days, spent.gpuHours() / days, spent.cpuHours() / days, spent.memGbHours() / days);
        }
        Instant projected = null;
        String projectedResource = null;
        Instant budgetSpent = null;
        Resource spentResource = null;
        for (Resource r : Resource.values()) {
            Double b = r.budgetOf(c.budget());
            if (b == null) continue;
            Instant when;
            if (used.of(r) + 1e-9 >= b) {
                when = usage.reached(r, b);
                if (when != null && (budgetSpent == null || when.isBefore(budgetSpent))) {
                    budgetSpent = when;
                    spentResource = r;
                }
            } else if (burn.of(r) > 0) {
                double days = (b - used.of(r)) / burn.of(r);
                when = days > 1e6 ? null : at.plusMillis(Math.round(days * 86_400_000.0));
            } else {
                when = null;
            }
            if (when != null && (projected == null || when.isBefore(projected))) {
                projected = when;
                projectedResource = r.name().toLowerCase(Locale.ROOT);
            }
        }
        if (burn.days() > 0) evidence.add(String.format(Locale.ROOT, "burn rate over the last %.1f days: %s",
                burn.days(), rates(burn, c.budget())));

        // the conditions
        Instant daysOrigin = from != null ? from : first;
        List<ConditionState> states = new ArrayList<>();
        for (Condition s : c.success()) states.add(state("success", s, metrics, usage, daysOrigin, at));
        for (Condition f : c.failure()) states.add(state("failure", f, metrics, usage, daysOrigin, at));
        ConditionState won = earliestHolding(states, "success");
        ConditionState lost = earliestHolding(states, "failure");
        for (ConditionState cs : states) evidence.add(describe(cs, usage));

        // the exit
        Exit exit = null;
        if (c.status() != Charter.Status.ACTIVE) {
            Instant closedOn = null;
            for (Charter.StatusChange h : c.history()) {
                if (h.status() == c.status() && h.date() != null) closedOn = h.date().atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            Instant due = closedOn != null ? closedOn : won != null ? won.since() : c.window().end().isAfter(at) ? at : c.window().end();
            exit = new Exit(c.status() == Charter.Status.SUCCEEDED ? Exit.Kind.SUCCESS : Exit.Kind.FAILURE, due,
                    "charter " + c.status().word() + (closedOn == null ? "" : " on " + date(closedOn)));
        } else if (won != null) {
            exit = new Exit(Exit.Kind.SUCCESS, won.since(), "success condition " + won.condition() + " holds since "
                    + won.since() + " (" + won.metric() + " = " + num(won.latest()) + ")");
        } else {
            List<Exit> failures = new ArrayList<>();
            if (budgetSpent != null) failures.add(new Exit(Exit.Kind.FAILURE, budgetSpent, "the " + spentResource.unit()
                    + " budget (" + num(spentResource.budgetOf(c.budget())) + ") was spent at " + budgetSpent));
            if (!at.isBefore(c.window().end())) failures.add(new Exit(Exit.Kind.FAILURE, c.window().end(),
                    "the window ended at " + c.window().end()));
            if (lost != null) failures.add(new Exit(Exit.Kind.FAILURE, lost.since(), "failure condition "
                    + lost.condition() + " holds since " + lost.since() + " (" + lost.metric() + " = " + num(lost.latest()) + ")"));
            exit = failures.stream().min(Comparator.comparing(Exit::dueAt)).orElse(null);
        }

        Verdict verdict;
        Hours overrun = null;
        if (exit != null) {
            overrun = usage.since(exit.dueAt());
            evidence.add("exit due: " + exit.kind().word() + " — " + exit.reason());
            if (overrun.any()) {
                verdict = Verdict.OVERRUN;
                evidence.add("consumed " + hoursText(overrun) + " since the exit fell due at " + exit.dueAt()
                        + (usage.runningAt() ? "; still running" : ""));
            } else {
                verdict = exit.kind() == Exit.Kind.SUCCESS ? Verdict.SUCCESS_EXIT : Verdict.FAILURE_EXIT;
            }
        } else {
            List<String> near = new ArrayList<>();
            for (Resource r : Resource.values()) {
                Double b = r.budgetOf(c.budget());
                if (b != null && used.of(r) >= o.approachFraction() * b - 1e-9)
                    near.add(String.format(Locale.ROOT, "%.1f%% of the %s budget used (threshold %.0f%%)",
                            100 * used.of(r) / b, r.unit(), 100 * o.approachFraction()));
            }
            Instant soon = c.window().end().minus(o.approachBefore());
            if (!at.isBefore(soon)) near.add("the window ends at " + c.window().end() + ", within "
                    + o.approachBefore().toDays() + " days");
            verdict = near.isEmpty() ? Verdict.CONTINUE : Verdict.APPROACHING;
            for (String n : near) evidence.add("approaching: " + n);
            if (near.isEmpty()) evidence.add("no exit due; window ends at " + c.window().end());
        }
        // a projection needs history enough to mean something, and none is made once an exit is due
        String projection = null;
        if (exit != null && projected != null && !projected.isAfter(at)) {
            projection = "spent";
        } else if (exit != null) {
            projected = null;
            projectedResource = null;
            projection = "none after an exit";
        } else if (projected != null && burn.days() < MIN_PROJECTION_DAYS) {
            projected = null;
            projectedResource = null;
            projection = String.format(Locale.ROOT, "not enough history to project: %.1f days of consumption, %.0f needed",
                    burn.days(), MIN_PROJECTION_DAYS);
            evidence.add(projection);
        } else if (projected != null) {
            projection = burn.days() + 1e-9 >= Math.min(o.burnWindow().toMillis() / 86_400_000.0, STABLE_PROJECTION_DAYS)
                    ? "stable" : "early";
        }
        Hours afterSuccess = won == null ? null : usage.since(won.since());
        if (afterSuccess != null && afterSuccess.any())
            evidence.add("overrun after victory: " + hoursText(afterSuccess) + " consumed since success at " + won.since());

        return new Evaluation(c.id(), c.owner(), c.status().word(), c.onExit(), verdict, at, c.window().end(),
                c.reviewDue(), budget, used, left, fraction, burn, projected, projectedResource, projection, exit,
                exit == null ? null : exit.dueAt(), won == null ? null : won.since(), overrun, afterSuccess,
                usage.runningAt(), states, evidence);
    }

    private static ConditionState earliestHolding(List<ConditionState> states, String kind) {
        return states.stream().filter(s -> s.kind().equals(kind) && s.holds())
                .min(Comparator.comparing(ConditionState::since)).orElse(null);
    }

    /** A condition at {@code at}: its latest value, from when it counts, whether it holds and since when. */
    static ConditionState state(String kind, Condition cond, List<Metric> metrics, Usage usage, Instant daysOrigin,
                                Instant at) {
        List<Metric> values = metrics.stream().filter(m -> m.name().equals(cond.metric()) && !m.at().isAfter(at)).toList();
        boolean qualified = cond.afterUnit() != null;
        Instant countsFrom = !qualified ? null : switch (cond.afterUnit()) {
            case GPU_HOURS -> usage.reached(Resource.GPU, cond.afterAmount());
            case CPU_HOURS -> usage.reached(Resource.CPU, cond.afterAmount());
            case DAYS -> daysOrigin == null ? null
                    : daysOrigin.plusMillis(Math.round(cond.afterAmount() * 86_400_000.0));
        };
        if (countsFrom != null && countsFrom.isAfter(at)) countsFrom = null;
        boolean waiting = qualified && countsFrom == null;
        Metric latest = values.isEmpty() ? null : values.get(values.size() - 1);
        Instant since = null;
        if (!waiting && !values.isEmpty()) {
            TreeSet<Instant> moments = new TreeSet<>();
            for (Metric m : values) moments.add(m.at());
            if (countsFrom != null) moments.add(countsFrom);
            for (Instant t : moments) {
                boolean h = holdsAt(cond, values, countsFrom, t);
                if (h && since == null) since = t;
                if (!h) since = null;
            }
        }
        return new ConditionState(kind, cond.toString(), cond.metric(), latest == null ? null : latest.value(),
                latest == null ? null : latest.at(), countsFrom, waiting, since != null, since);
    }

    private static boolean holdsAt(Condition cond, List<Metric> values, Instant countsFrom, Instant t) {
        if (countsFrom != null && t.isBefore(countsFrom)) return false;
        Metric latest = null;
        for (Metric m : values) if (!m.at().isAfter(t)) latest = m;
        return latest != null && cond.holds(latest.value());
    }

    private static String describe(ConditionState s, Usage usage) {
        String head = s.kind() + " " + s.condition() + ": ";
        if (s.latest() == null) return head + "no " + s.metric() + " reported yet";
        String value = "latest " + s.metric() + " = " + num(s.latest()) + " at " + s.latestAt();
        if (s.waiting()) return head + value + "; does not count yet (its 'after' part is not reached)";
        if (s.holds()) return head + value + "; holds since " + s.since();
        return head + value + "; does not hold";
    }

    private static String rates(BurnRate b, Charter.Budget budget) {
        List<String> parts = new ArrayList<>();
        for (Resource r : Resource.values()) {
            if (r.budgetOf(budget) != null || b.of(r) > 0) parts.add(num(b.of(r)) + " " + r.unit() + "/day");
        }
        return String.join(", ", parts);
    }

    /** Hours in words, the resources that are not zero: {@code 12.5 gpu-hours, 100 cpu-hours}. */
    public static String hoursText(Hours h) {
        List<String> parts = new ArrayList<>();
        for (Resource r : Resource.values()) if (h.of(r) > 1e-6) parts.add(num(h.of(r)) + " " + r.unit());
        return parts.isEmpty() ? "nothing" : String.join(", ", parts);
    }

    private static String num(Double v) {
        if (v == null) return "-";
        double a = Math.abs(v);
        return a >= 100 ? String.format(Locale.ROOT, "%.0f", v) : a >= 1 ? String.format(Locale.ROOT, "%.2f", v)
                .replaceAll("\\.?0+$", "") : new java.math.BigDecimal(v).round(new java.math.MathContext(3))
                .stripTrailingZeros().toPlainString();
    }

    private static LocalDate date(Instant t) {
        return t.atZone(ZoneOffset.UTC).toLocalDate();
    }
}
