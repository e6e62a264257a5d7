package dev.reckon.act;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reckon.core.Json;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.AuditEntry;
import dev.reckon.review.Review;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reclaiming capacity from running undefended jobs: tell the user, wait out a grace period, then cancel the job if it
 * is still undefended. Only RUNNING jobs of the review's kill list are acted on: a pending job holds nothing yet and is
 * taken up once it starts. The planning has no clock of its own ({@code now} is given) and reads the audit log only;
 * {@link #carryOut} is the part that changes things, through the {@link JobActions} given.
 *
 * <ul>
 *   <li><b>notify</b>: the job has no carried-out {@code notify} entry in the audit log;</li>
 *   <li><b>wait</b>: its notice went out less than the grace period ago;</li>
 *   <li><b>cancel</b>: its notice went out at least the grace period ago and it is still undefended.</li>
 * </ul>
 * A job with a carried-out {@code cancel} entry is left alone. Only carried-out entries are written to the audit log
 * as applied, so a notice is never sent twice and a failed one is tried again on the next run.
 *
 * <p>Each notice and cancellation is first claimed in the ledger ({@link Ledger#claim}), then carried out, then
 * audited, then its claim settled: of two runs at once (two {@code reclaim --apply} under cron) only one carries out
 * each. A claim whose run died before settling it is never taken again until a person releases it
 * ({@code reckon audit claims}, {@code reckon audit release}; {@link Ledger#releaseClaim}): a notice is never sent
 * twice, at the cost of waiting for a person.
 */
public final class Reclaim {
    private Reclaim() {}

    /** What is to be done with one job. */
    public enum Kind {
        /** Tell the user. */
        NOTIFY,
        /** Told; its grace is not over (or another run holds its claim): spared for now. */
        WAIT,
        /** Cancel it. */
        CANCEL,
        /** A running job left alone, and why: defended by a charter. */
        SPARE;

        @com.fasterxml.jackson.annotation.JsonValue
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One step of the plan.
     *
     * @param killListRank the line of the review's kill list the step comes from (1 for its first job)
     * @param notifiedAt  when its notice went out; null when it has not
     * @param cancelAfter when it may be cancelled (notice time + grace; now + grace for a notice about to go out)
     * @param why         the plan's reason, in plain words
     * @param applied     whether the step was carried out (always false in a plan that was not carried out)
     * @param detail      what carrying it out gave: the recipients, the scheduler's answer; empty when not carried out
     */
    public record Step(Kind action, int killListRank, String jobId, String cluster, String user, String name,
                       @JsonProperty("class") Review.JobClass jobClass, String reason, int cpus, int gpus,
                       long memBytes, Instant notifiedAt, Instant cancelAfter, String why, boolean applied,
                       String detail) {
        Step done(boolean ok, String what) {
            return new Step(action, killListRank, jobId, cluster, user, name, jobClass, reason, cpus, gpus, memBytes,
                    notifiedAt, cancelAfter, why, ok, what);
        }
    }

    /** {@link #payload(Step, NoticeTemplates, Instant)} with the shipped template. */
    public static String payload(Step s) {
        return payload(s, NoticeTemplates.shipped(), null);
    }

    /** What a job holds, in words: {@code 4 CPUs, 1 GPU, 16 GiB of memory}. */
    static String holds(Step s) {
        return holds(s.cpus(), s.gpus(), s.memBytes());
    }

    /** What a job holds or asks for, in words. */
    static String holds(int cpus, int gpus, long memBytes) {
        String mem = memBytes <= 0 ? "" : ", " + new java.math.BigDecimal(memBytes / (double) (1L << 30))
                .setScale(1, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + " GiB of memory";
        return cpus + " CPU" + (cpus == 1 ? "" : "s") + (gpus == 0 ? "" : ", " + gpus + " GPU"
                + (gpus == 1 ? "" : "s")) + mem;
    }

    private static Map<String, String> values(Step s, NoticeTemplates t, Instant now) {
        Map<String, String> v = new java.util.HashMap<>();
        v.put("job_id", s.jobId());
        v.put("cluster", s.cluster());
        v.put("name", s.name());
        v.put("user", s.user());
        v.put("holds", holds(s));
        v.put("class", s.jobClass().word());
        v.put("reason", s.reason());
        v.put("cancel_after", t.time(s.cancelAfter()));
        v.put("notified_at", t.time(s.notifiedAt()));
        v.put("cancelled_at", t.time(now));
        v.put("now", t.time(now));
        Duration g = s.cancelAfter() == null || now == null ? null : Duration.between(now, s.cancelAfter());
        v.put("grace", g == null || g.isNegative() ? "the grace period" : dev.reckon.core.Times.text(g));
        return v;
    }

    /**
     * The notice before cancelling, as JSON: job_id, cluster, user, name, class, reason, cpus, gpus, mem_bytes,
     * cancel_after, and the readable {@code subject} and {@code text} (the template's body) that mail sends.
     */
    public static String payload(Step s, NoticeTemplates t, Instant now) {
        return payload(s, t.render(NoticeTemplates.RECLAIM, values(s, t, now)), "reclaim-notice");
    }

    /** The notice after a cancellation, as JSON: as {@link #payload(Step)}, with kind {@code cancelled}. */
    public static String cancelledPayload(Step s, NoticeTemplates t, Instant now) {
        return payload(s, t.render(NoticeTemplates.CANCELLED, values(s, t, now)), "cancelled");
    }

    private static String payload(Step s, NoticeTemplates.Text text, String kind) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("kind", kind);
        n.put("subject", text.subject());
        n.put("text", text.body());
        n.put("job_id", s.jobId());
        n.put("cluster", s.cluster());
        n.put("user", s.user());
        n.put("name", s.name());
        n.put("class", s.jobClass().word());
        n.put("reason", s.reason());
        n.put("cpus", s.cpus());
        n.put("gpus", s.gpus());
        n.put("mem_bytes", s.memBytes());
        n.put("cancel_after", s.cancelAfter().toString());
        return n.toString();
    }

    /** The plan for the review's running undefended jobs at {@code now}, in kill-list order. */
    public static List<Step> plan(Review.Result review, Ledger ledger, Instant now, Duration grace) {
        Objects.requireNonNull(now, "now");
        if (grace.isNegative()) throw new IllegalArgumentException("grace must not be negative");
        List<Step> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int rank = 0;
        for (Review.Kill k : review.killList()) {
            rank++;
            if (!"RUNNING".equals(k.state()) || !seen.add(k.cluster() + "\u0000" + k.jobId())) continue;
            if (ledger.audited(k.cluster(), k.jobId(), "cancel")) continue;
            Instant notified = notifiedAt(ledger, k.cluster(), k.jobId());
            if (notified == null) {
                out.add(step(Kind.NOTIFY, rank, k, null, now.plus(grace), "not yet told; " + k.jobClass().word()
                        + " (" + k.reason() + ")"));
            } else {
                Instant after = notified.plus(grace);
                if (now.isBefore(after)) {
                    out.add(step(Kind.WAIT, rank, k, notified, after, "told at " + notified + "; grace until " + after));
                } else {
                    out.add(step(Kind.CANCEL, rank, k, notified, after, "told at " + notified + ", grace over at " + after
                            + ", still " + k.jobClass().word()));
                }
            }
        }
        for (Review.JobVerdict v : review.jobs()) {
            if (v.jobClass() != Review.JobClass.DEFENDED || !"RUNNING".equals(v.state())
                    || !seen.add(v.cluster() + "\u0000" + v.jobId())) continue;
            out.add(new Step(Kind.SPARE, 0, v.jobId(), v.cluster(), v.user(), v.name(), v.jobClass(), v.reason(), 0, 0,
                    0, null, null, "defended by charter " + v.charter(), false, ""));
        }
        return out;
    }

    private static Step step(Kind kind, int rank, Review.Kill k, Instant notified, Instant after, String why) {
        return new Step(kind, rank, k.jobId(), k.cluster(), k.user(), k.name(), k.jobClass(), k.reason(), k.cpus(), k.gpus(),
                k.memBytes(), notified, after, why, false, "");
    }

    /** When the job's first carried-out notice went out, or null. */
    static Instant notifiedAt(Ledger ledger, String cluster, String jobId) {
        if (!ledger.audited(cluster, jobId, "notify")) return null;
        for (AuditEntry e : ledger.auditLog(null, null, jobId)) {
            if (e.applied() && e.action().equals("notify") && e.cluster().equals(cluster)) return e.at();
        }
        return null;
    }

    /**
     * Carries out the plan: sends each notice, then cancels each job whose grace is over and that
     * {@code stillUndefended} (asked at the moment of cancelling) confirms; records every notice and cancellation
     * tried in the audit log (applied when it succeeded). Wait steps are returned as they are.
     */
    public static List<Step> carryOut(List<Step> plan, Ledger ledger, Instant now, String actor, JobActions actions,
                                      Predicate<Step> stillUndefended) {
        return carryOut(plan, ledger, now, actor, actions, stillUndefended, NoticeTemplates.shipped());
    }

    /**
     * {@link #carryOut(List, Ledger, Instant, String, JobActions, Predicate)} with the notices' texts from the
     * templates given; after each cancellation the user is told (audited as {@code cancel-notice}; a failure to tell
     * is said in the step's detail and not tried again).
     */
    public static List<Step> carryOut(List<Step> plan, Ledger ledger, Instant now, String actor, JobActions actions,
                                      Predicate<Step> stillUndefended, NoticeTemplates texts) {
        List<Step> out = new ArrayList<>();
        for (Step s : plan) {
            switch (s.action()) {
                case WAIT, SPARE -> out.add(s);
                case NOTIFY -> {
                    Step r;
                    try {
                        actions.checkCluster(s.cluster());
                    } catch (Exception e) {
                        r = s.done(false, "not sent: " + message(e));
                        ledger.audit(new AuditEntry(now, actor, "notify", s.cluster(), s.jobId(), null, false,
                                s.why() + "; " + r.detail()));
                        out.add(r);
                        continue;
                    }
                    if (!ledger.claim(s.cluster(), s.jobId(), "notify", null, actor, now)) {
                        out.add(claimedElsewhere(s, "notify"));
                        continue;
                    }
                    try {
                        r = s.done(true, actions.notify(s.user(), payload(s, texts, now)));
                    } catch (Exception e) {
                        r = s.done(false, "not sent: " + message(e));
                    }
                    ledger.audit(new AuditEntry(now, actor, "notify", s.cluster(), s.jobId(), null, r.applied(),
                            s.why() + "; cancel after " + s.cancelAfter() + "; " + r.detail()));
                    ledger.settleClaim(s.cluster(), s.jobId(), "notify", null, r.applied());
                    out.add(r);
                }
                case CANCEL -> {
                    if (!stillUndefended.test(s)) {
                        out.add(new Step(Kind.WAIT, s.killListRank(), s.jobId(), s.cluster(), s.user(), s.name(), Review.JobClass.DEFENDED,
                                s.reason(), s.cpus(), s.gpus(), s.memBytes(), s.notifiedAt(), s.cancelAfter(),
                                "defended now: not cancelled", false, ""));
                        continue;
                    }
                    if (!ledger.claim(s.cluster(), s.jobId(), "cancel", null, actor, now)) {
                        out.add(claimedElsewhere(s, "cancel"));
                        continue;
                    }
                    Step r;
                    try {
                        String answer = actions.cancel(s.cluster(), s.jobId());
                        r = s.done(true, answer == null || answer.isBlank() ? "cancelled" : answer.strip());
                    } catch (Exception e) {
                        r = s.done(false, "not cancelled: " + message(e));
                    }
                    ledger.audit(new AuditEntry(now, actor, "cancel", s.cluster(), s.jobId(), null, r.applied(),
                            s.why() + "; " + r.detail()));
                    ledger.settleClaim(s.cluster(), s.jobId(), "cancel", null, r.applied());
                    if (r.applied()) {
                        r = r.done(true, r.detail() + "; " + tellAfter(actions, ledger, now, actor, "cancel-notice",
                                s.cluster(), s.jobId(), s.user(), cancelledPayload(s, texts, now), "the cancellation"));
                    }
                    out.add(r);
                }
            }
        }
        return out;
    }

    /**
     * Tells a job's user what was done to the job (after it was done), audits the notice as {@code noticeAction}
     * (applied when it went out) and says how it went: {@code user told: ...} or {@code user not told of WHAT: why}.
     * A failure is not tried again: what was done stands.
     */
    static String tellAfter(JobActions actions, Ledger ledger, Instant now, String actor, String noticeAction,
                            String cluster, String jobId, String user, String payload, String what) {
        String told;
        boolean ok;
        try {
            told = "user told: " + actions.notify(user, payload);
            ok = true;
        } catch (Exception e) {
            told = "user not told of " + what + ": " + message(e);
            ok = false;
        }
        ledger.audit(new AuditEntry(now, actor, noticeAction, cluster, jobId, null, ok, told));
        return told;
    }

    /** A step another run claimed first (or a claim never settled): left to it, as a wait. */
    private static Step claimedElsewhere(Step s, String action) {
        return new Step(Kind.WAIT, s.killListRank(), s.jobId(), s.cluster(), s.user(), s.name(), s.jobClass(),
                s.reason(), s.cpus(), s.gpus(), s.memBytes(), s.notifiedAt(), s.cancelAfter(),
                action + " already claimed by another run (or by one that died before settling it): not done here",
                false, "");
    }

    static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
