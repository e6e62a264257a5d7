package dev.reckon.act;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reckon.exits.Exits;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.AuditEntry;
import dev.reckon.model.Charter;
import dev.reckon.model.Hours;
import dev.reckon.model.Job;
import dev.reckon.model.JobState;
import dev.reckon.model.Verdict;
import dev.reckon.core.Json;
import dev.reckon.review.Review;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Carrying out charters' exits, per charter's {@code on_exit}: tell the owner when the charter approaches an exit and
 * again when one falls due; with {@code hold}, also hold the charter's pending jobs; with {@code cancel}, also hold
 * them and cancel its running jobs once a grace period has passed since the exit fell due or the owner was told,
 * whichever is later; then close the charter (its final status and a dated history entry in its file) and store a
 * closing record in the audit log (action {@value #CLOSE_ACTION}, the record as JSON in its detail).
 *
 * <p>The plan has no clock of its own and reads the audit log only; {@link #carryOut} changes things, through the
 * {@link JobActions} and {@link Closer} given. Only active charters are acted on. A job that also
 * belongs to another charter is never touched. Every action tried is audited, as applied only when it worked, so under
 * cron nothing is done twice: one notice ahead and one per exit, one hold and one cancel per job, one close per
 * charter. Each action is claimed in the ledger ({@link Ledger#claim}) before it is carried out, so two runs at once
 * do not both carry it out either.
 */
public final class ExitEnforcement {
    /** The audit action of a closing record. */
    public static final String CLOSE_ACTION = "close";
    /** The audit action of the notice sent when a charter approaches an exit. */
    public static final String AHEAD_ACTION = "exit-notice-ahead";
    /** The audit cluster of entries about a charter rather than a job. */
    public static final String NO_CLUSTER = "-";

    private ExitEnforcement() {}

    /** What one step does. */
    public enum Kind {
        /** Tell the owner the charter approaches an exit. */
        NOTIFY_AHEAD,
        /** Tell the owner an exit has fallen due. */
        NOTIFY_EXIT,
        /** Hold a pending job ({@code scontrol hold}). */
        HOLD,
        /** A running job to be cancelled once its grace period is over. */
        WAIT,
        /** Cancel a running job ({@code scancel}). */
        CANCEL,
        /** A job left alone, and why. */
        SKIP,
        /** Close the charter: its file's status and history, and the closing record. */
        CLOSE;

        @JsonValue
        public String word() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * What a stop frees: the allocations of the jobs held and cancelled.
     */
    public record Freed(int jobs, long cpus, long gpus, long memBytes) {
        static final Freed NONE = new Freed(0, 0, 0, 0);

        Freed plus(int cpus, int gpus, long mem) {
            return plus(new Freed(1, cpus, gpus, mem));
        }

        Freed plus(Freed o) {
            return new Freed(jobs + o.jobs, cpus + o.cpus, gpus + o.gpus, memBytes + o.memBytes);
        }
    }

    /**
     * A value that decided an exit (or, for a budget or window exit, where a condition stood).
     */
    public record Achieved(String kind, String condition, String metric, Double value, Instant at, boolean holds) {}

    /**
     * The closing record of a charter.
     *
     * @param status   the status it closes with: succeeded or failed
     * @param exit     success or failure
     * @param spent    what it consumed up to the close
     * @param achieved the metrics that decided it
     * @param freed    the allocations of the jobs held and cancelled at its stop
     */
    public record Closing(String charter, String owner, String status, Instant closedAt, String exit, Instant exitDueAt,
                          String reason, Hours spent, List<Achieved> achieved, Freed freed) {
        public Closing {
            achieved = List.copyOf(achieved);
        }

        Closing withFreed(Freed f) {
            return new Closing(charter, owner, status, closedAt, exit, exitDueAt, reason, spent, achieved, f);
        }

        /** The record as stored in the audit log's detail. */
        public String json() {
            return Json.mapper().valueToTree(this).toString();
        }

        /** The record an audit detail holds, or null when it holds none. */
        public static Closing parse(String detail) {
            try {
                return Json.mapper().readValue(detail, Closing.class);
            } catch (Exception e) {
                return null;
            }
        }
    }

    /**
     * One step of the plan.
     *
     * @param jobId       the job acted on; null for a step about the charter (notices, close)
     * @param cancelAfter for a running job: when it may be cancelled
     * @param closing     for a close: the record to store (its freed capacity completed when carried out)
     * @param applied     whether it was carried out (always false in a plan)
     * @param detail      what carrying it out gave; empty when it was not carried out
     */
    public record Step(Kind action, String charter, String owner, Charter.OnExit onExit, Verdict verdict,
                       String exit, Instant exitDueAt, String jobId, String cluster, String user, String state,
                       int cpus, int gpus, long memBytes, Instant cancelAfter, String why, Closing closing,
                       boolean applied, String detail) {
        Step done(boolean ok, String what) {
            return new Step(action, charter, owner, onExit, verdict, exit, exitDueAt, jobId, cluster, user, state, cpus,
                    gpus, memBytes, cancelAfter, why, closing, ok, what);
        }

        Step as(Kind kind, String reason) {
            return new Step(kind, charter, owner, onExit, verdict, exit, exitDueAt, jobId, cluster, user, state, cpus,
                    gpus, memBytes, cancelAfter, reason, closing, false, "");
        }
    }

    /** Writes a charter's closing into its file; returns what was written where, or throws with why not. */
    @FunctionalInterface
    public interface Closer {
        String close(Step step) throws Exception;
    }

    /** {@link #payload(Step, NoticeTemplates, Instant)} with the shipped template. */
    public static String payload(Step s) {
        return payload(s, NoticeTemplates.shipped(), null);
    }

    /**
     * The notice's JSON: kind, charter, owner, verdict, exit, exit_due_at, on_exit, why, and the readable
     * {@code subject} and {@code text} of the exit-notice template that mail sends.
     */
    public static String payload(Step s, NoticeTemplates t, Instant now) {
        java.util.Map<String, String> v = new java.util.HashMap<>();
        v.put("charter", s.charter());
        v.put("owner", s.owner());
        v.put("verdict", s.verdict().word());
        v.put("exit", s.exit() == null ? "-" : s.exit());
        v.put("exit_part", s.exit() == null ? "" : " (" + s.exit() + " exit)");
        v.put("exit_due_at", s.exitDueAt() == null ? "not yet" : t.time(s.exitDueAt()));
        v.put("on_exit", s.onExit().word());
        v.put("on_exit_means", switch (s.onExit()) {
            case NOTIFY -> "you are told; nothing is held or cancelled";
            case HOLD -> "its pending jobs are held";
            case CANCEL -> "its pending jobs are held and its running jobs cancelled after the grace period";
        });
        v.put("why", s.why());
        v.put("kind", s.action().word());
        v.put("now", t.time(now));
        v.put("what", s.action() == Kind.NOTIFY_AHEAD
                ? "your charter " + s.charter() + " is approaching an exit; act now if it should go on (raise its "
                + "budget or extend its window with your administrator) or wind it down."
                : "an exit of your charter " + s.charter() + " is due (" + s.exit() + "): reckon closes it as "
                + ("success".equals(s.exit()) ? "succeeded" : "failed") + " once its on_exit is carried out.");
        NoticeTemplates.Text text = t.render(NoticeTemplates.EXIT, v);
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("kind", s.action().word());
        n.put("subject", text.subject());
        n.put("text", text.body());
        n.put("charter", s.charter());
        n.put("owner", s.owner());
        n.put("verdict", s.verdict().word());
        n.put("exit", s.exit());
        n.put("exit_due_at", s.exitDueAt() == null ? null : s.exitDueAt().toString());
        n.put("on_exit", s.onExit().word());
        n.put("why", s.why());
        return n.toString();
    }

    /**
     * The plan at {@code now} for the evaluated charters (evaluations in the charters' order, made at {@code now}).
     *
     * @param jobs  the ledger's jobs; a charter's pending and running ones are those it matches in state PENDING
     *              and RUNNING
     * @param grace how long after the exit fell due, or after the owner was told if later, a running job may be cancelled
     */
    public static List<Step> plan(List<Charter> charters, List<Exits.Evaluation> evaluations, List<Job> jobs,
                                  Ledger ledger, Instant now, Duration grace) {
        Objects.requireNonNull(now, "now");
        if (grace.isNegative()) throw new IllegalArgumentException("grace must not be negative");
        Map<String, Exits.Evaluation> byId = new HashMap<>();
        for (Exits.Evaluation e : evaluations) byId.put(e.charter(), e);
        List<Step> out = new ArrayList<>();
        for (Charter c : charters) {
            Exits.Evaluation e = byId.get(c.id());
            if (e == null || c.status() != Charter.Status.ACTIVE) continue;
            List<AuditEntry> log = ledger.auditLogOf(c.id());
            if (applied(log, CLOSE_ACTION) != null) continue;
            if (e.exit() == null) {
                if (e.verdict() == Verdict.APPROACHING && applied(log, AHEAD_ACTION) == null)
                    out.add(charterStep(Kind.NOTIFY_AHEAD, c, e, approachWhy(e), null));
                continue;
            }
            String noticeAction = noticeAction(e);
            Instant told = applied(log, noticeAction);
            List<Step> mine = new ArrayList<>();
            if (told == null) mine.add(charterStep(Kind.NOTIFY_EXIT, c, e, e.exit().reason(), null));
            Freed earlier = Freed.NONE;
            Instant cancelAfter = later(e.exitDueAt(), told == null ? now : told).plus(grace);
            Set<String> seen = new HashSet<>();
            for (Job j : jobs) {
                if (!c.matches(j) || !seen.add(j.cluster() + "\u0000" + j.jobId())) continue;
                JobState st = j.jobState();
                boolean pending = st == JobState.PENDING, running = st == JobState.RUNNING;
                if (!pending && !running) continue;
                if (c.onExit() == Charter.OnExit.NOTIFY) continue;
                if (running && c.onExit() != Charter.OnExit.CANCEL) continue;
                String other = otherCharter(c, j, charters);
                if (other != null) {
                    mine.add(jobStep(Kind.SKIP, c, e, j, null, "also belongs to charter " + other + "; left alone"));
                    continue;
                }
                if (pending) {
                    if (ledger.audited(j.cluster(), j.jobId(), "hold")) {
                        earlier = earlier.plus(Review.heldCpus(j), Review.heldGpus(j), Review.heldMem(j));
                        continue;
                    }
                    mine.add(jobStep(Kind.HOLD, c, e, j, null, "pending job of charter " + c.id() + ", whose exit is due ("
                            + e.exit().kind().word() + "); on_exit: " + c.onExit().word()));
                } else {
                    if (ledger.audited(j.cluster(), j.jobId(), "cancel")) {
                        earlier = earlier.plus(Review.heldCpus(j), Review.heldGpus(j), Review.heldMem(j));
                        continue;
                    }
                    if (now.isBefore(cancelAfter)) {
                        mine.add(jobStep(Kind.WAIT, c, e, j, cancelAfter, "running; grace until " + cancelAfter));
                    } else {
                        mine.add(jobStep(Kind.CANCEL, c, e, j, cancelAfter, "running after the exit fell due at "
                                + e.exitDueAt() + "; grace over at " + cancelAfter + "; on_exit: cancel"));
                    }
                }
            }
            boolean waiting = mine.stream().anyMatch(s -> s.action() == Kind.WAIT);
            out.addAll(mine);
            if (!waiting) {
                Closing closing = new Closing(c.id(), c.owner(), e.exit().kind().closingStatus().word(), now,
                        e.exit().kind().word(), e.exitDueAt(), e.exit().reason(), e.used(), achieved(e), earlier);
                out.add(charterStep(Kind.CLOSE, c, e, "close as " + closing.status() + ": " + e.exit().reason(), closing));
            }
        }
        return out;
    }

    /**
     * Carries out the plan in order: sends notices, holds and cancels jobs, closes charters, and audits each. A step
     * whose charter {@code stillDue} (asked before acting, with the charters as they stand then) no longer confirms is
     * skipped. A charter is closed only when its exit notice went out (now or before) and none of its holds or
     * cancellations failed in this run.
     */
    public static List<Step> carryOut(List<Step> plan, Ledger ledger, Instant now, String actor, JobActions jobs,
                                      Closer closer, Predicate<Step> stillDue) {
        return carryOut(plan, ledger, now, actor, jobs, closer, stillDue, NoticeTemplates.shipped());
    }

    /** {@link #carryOut(List, Ledger, Instant, String, JobActions, Closer, Predicate)} with the notices' templates. */
    public static List<Step> carryOut(List<Step> plan, Ledger ledger, Instant now, String actor, JobActions jobs,
                                      Closer closer, Predicate<Step> stillDue, NoticeTemplates texts) {
        List<Step> out = new ArrayList<>();
        Set<String> blocked = new HashSet<>();
        Map<String, Freed> freed = new HashMap<>();
        for (Step s : plan) {
            if (s.action() == Kind.WAIT || s.action() == Kind.SKIP) {
                out.add(s);
                continue;
            }
            if (!stillDue.test(s)) {
                out.add(s.as(Kind.SKIP, "charter " + s.charter() + " changed since the plan: not " + s.action().word()));
                blocked.add(s.charter());
                continue;
            }
            String claimAction = claimAction(s);
            String claimCluster = s.jobId() == null ? NO_CLUSTER : s.cluster();
            if (!ledger.claim(claimCluster, s.jobId(), claimAction, s.charter(), actor, now)) {
                out.add(s.as(Kind.SKIP, claimAction + " already claimed by another run (or by one that died before "
                        + "settling it): not done here"));
                blocked.add(s.charter());
                continue;
            }
            Step r;
            switch (s.action()) {
                case NOTIFY_AHEAD, NOTIFY_EXIT -> {
                    r = attempt(s, () -> jobs.notify(s.owner(), payload(s, texts, now)), "not sent: ");
                    String action = s.action() == Kind.NOTIFY_AHEAD ? AHEAD_ACTION : "exit-notice-" + s.exit();
                    ledger.audit(new AuditEntry(now, actor, action, NO_CLUSTER, null, s.charter(), r.applied(),
                            s.why() + "; " + r.detail()));
                    if (s.action() == Kind.NOTIFY_EXIT && !r.applied()) blocked.add(s.charter());
                }
                case HOLD, CANCEL -> {
                    boolean hold = s.action() == Kind.HOLD;
                    r = attempt(s, () -> hold ? jobs.hold(s.cluster(), s.jobId()) : jobs.cancel(s.cluster(), s.jobId()),
                            hold ? "not held: " : "not cancelled: ");
                    ledger.audit(new AuditEntry(now, actor, hold ? "hold" : "cancel", s.cluster(), s.jobId(), s.charter(),
                            r.applied(), s.why() + "; " + r.detail()));
                    if (r.applied()) freed.merge(s.charter(), Freed.NONE.plus(s.cpus(), s.gpus(), s.memBytes()), Freed::plus);
                    else blocked.add(s.charter());
                }
                case CLOSE -> {
                    if (blocked.contains(s.charter())) {
                        r = s.done(false, "not closed: an earlier step for it did not work; tried again next run");
                        ledger.settleClaim(claimCluster, null, claimAction, s.charter(), false);
                        out.add(r);
                        continue;
                    }
                    Closing closing = s.closing().withFreed(s.closing().freed().plus(freed.getOrDefault(s.charter(), Freed.NONE)));
                    Step withRecord = new Step(s.action(), s.charter(), s.owner(), s.onExit(), s.verdict(), s.exit(),
                            s.exitDueAt(), null, null, null, null, 0, 0, 0, null, s.why(), closing, false, "");
                    r = attempt(withRecord, () -> closer.close(withRecord), "not closed: ");
                    ledger.audit(new AuditEntry(now, actor, CLOSE_ACTION, NO_CLUSTER, null, s.charter(), r.applied(),
                            r.applied() ? closing.json() : s.why() + "; " + r.detail()));
                }
                default -> throw new IllegalStateException(s.action().word());
            }
            ledger.settleClaim(claimCluster, s.jobId(), claimAction, s.charter(), r.applied());
            out.add(r);
        }
        return out;
    }

    /** The action a step claims: its audit action. */
    private static String claimAction(Step s) {
        return switch (s.action()) {
            case NOTIFY_AHEAD -> AHEAD_ACTION;
            case NOTIFY_EXIT -> "exit-notice-" + s.exit();
            case HOLD -> "hold";
            case CANCEL -> "cancel";
            case CLOSE -> CLOSE_ACTION;
            default -> throw new IllegalStateException(s.action().word());
        };
    }

    /** The closing records in the audit log, oldest first. */
    public static List<Closing> closings(Ledger ledger) {
        List<Closing> out = new ArrayList<>();
        for (AuditEntry e : ledger.auditLog(null, null, null)) {
            if (!e.applied() || !e.action().equals(CLOSE_ACTION)) continue;
            Closing c = Closing.parse(e.detail());
            if (c != null) out.add(c);
        }
        return out;
    }

    @FunctionalInterface
    private interface Attempt {
        String run() throws Exception;
    }

    private static Step attempt(Step s, Attempt a, String failure) {
        try {
            String answer = a.run();
            return s.done(true, answer == null || answer.isBlank() ? "done" : answer.strip());
        } catch (Exception e) {
            return s.done(false, failure + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    private static String noticeAction(Exits.Evaluation e) {
        return "exit-notice-" + e.exit().kind().word();
    }

    private static Instant applied(List<AuditEntry> log, String action) {
        for (AuditEntry a : log) if (a.applied() && a.action().equals(action) && a.jobId() == null) return a.at();
        return null;
    }

    private static String approachWhy(Exits.Evaluation e) {
        List<String> near = e.evidence().stream().filter(x -> x.startsWith("approaching: "))
                .map(x -> x.substring("approaching: ".length())).toList();
        return "approaching an exit: " + String.join("; ", near);
    }

    private static List<Achieved> achieved(Exits.Evaluation e) {
        String kind = e.exit().kind().word();
        List<Achieved> deciding = e.conditions().stream().filter(c -> c.holds() && c.kind().equals(kind))
                .map(ExitEnforcement::achieved).toList();
        return deciding.isEmpty() ? e.conditions().stream().map(ExitEnforcement::achieved).toList() : deciding;
    }

    private static Achieved achieved(Exits.ConditionState c) {
        return new Achieved(c.kind(), c.condition(), c.metric(), c.latest(), c.latestAt(), c.holds());
    }

    private static String otherCharter(Charter c, Job j, List<Charter> charters) {
        for (Charter o : charters) if (!o.id().equals(c.id()) && o.matches(j)) return o.id();
        return null;
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    private static Step charterStep(Kind kind, Charter c, Exits.Evaluation e, String why, Closing closing) {
        return new Step(kind, c.id(), c.owner(), c.onExit(), e.verdict(), e.exit() == null ? null : e.exit().kind().word(),
                e.exitDueAt(), null, null, null, null, 0, 0, 0, null, why, closing, false, "");
    }

    private static Step jobStep(Kind kind, Charter c, Exits.Evaluation e, Job j, Instant cancelAfter, String why) {
        return new Step(kind, c.id(), c.owner(), c.onExit(), e.verdict(), e.exit().kind().word(), e.exitDueAt(), j.jobId(),
                j.cluster(), j.user(), j.state(), Review.heldCpus(j), Review.heldGpus(j), Review.heldMem(j), cancelAfter, why, null, false, "");
    }

}
