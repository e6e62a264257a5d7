package dev.reckon.act;

import dev.reckon.ledger.Ledger;
import dev.reckon.model.AuditEntry;
import dev.reckon.review.Review;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Holding pending undefended jobs: a pending job of the review's kill list is held ({@code scontrol hold}) so that it
 * does not start and consume what nobody defends; its user releases it ({@code scontrol release}) once a charter
 * claims it. Running jobs are reclaim's ({@link Reclaim}); defended jobs are never held. The planning has no clock and
 * reads the audit log only; {@link #carryOut} changes things, through the {@link JobActions} given.
 *
 * <p>Each hold is claimed in the ledger first ({@link Ledger#claim}), then carried out, audited and its claim settled:
 * of two runs at once only one holds a job; the user is then told (the {@code hold-notice} template, audited as
 * {@code hold-notice}); and a job held once (here or by exit enforcement) is never held again
 * by reckon (a person who released it decided so).
 */
public final class Hold {
    private Hold() {}

    /** What is to be done with one job. */
    public enum Kind {
        /** Hold it. */
        HOLD,
        /** Held before (audited), or another run claimed it: left alone. */
        HELD,
        /** Defended by a charter: never held. */
        SPARE,
        /** Asked for by id, but not a pending job of the window's kill list: not held, and why. */
        REFUSE;

        @com.fasterxml.jackson.annotation.JsonValue
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One step.
     *
     * @param killListRank the kill-list line it comes from (0 for a job asked for that is not on it)
     * @param why          the plan's reason, in plain words
     * @param applied      whether the hold was carried out (false in a dry run)
     * @param detail       what carrying it out gave (the scheduler's answer); empty when not carried out
     */
    public record Step(Kind action, int killListRank, String jobId, String cluster, String user, String name,
                       @com.fasterxml.jackson.annotation.JsonProperty("class") Review.JobClass jobClass, String reason,
                       int cpus, int gpus, long memBytes, String why, boolean applied, String detail) {
        Step done(boolean ok, String what) {
            return new Step(action, killListRank, jobId, cluster, user, name, jobClass, reason, cpus, gpus, memBytes, why,
                    ok, what);
        }

        Step as(Kind kind, String because) {
            return new Step(kind, killListRank, jobId, cluster, user, name, jobClass, reason, cpus, gpus, memBytes,
                    because, false, "");
        }
    }

    /**
     * The plan at the review's moment: every pending job of its kill list, or only the jobs asked for ({@code ID} or
     * {@code CLUSTER:ID}; empty: all), in kill-list order, then the jobs asked for that are defended or not pending, in the order asked.
     */
    public static List<Step> plan(Review.Result review, Ledger ledger, List<String> asked) {
        Objects.requireNonNull(asked, "asked");
        Set<String> wanted = new HashSet<>(asked);
        Set<String> found = new HashSet<>();
        List<Step> out = new ArrayList<>();
        int rank = 0;
        for (Review.Kill k : review.killList()) {
            rank++;
            String match = matches(wanted, k.cluster(), k.jobId());
            if (!"PENDING".equals(k.state()) || (!wanted.isEmpty() && match == null)) continue;
            if (match != null) found.add(match);
            Step s = new Step(Kind.HOLD, rank, k.jobId(), k.cluster(), k.user(), k.name(), k.jobClass(), k.reason(),
                    k.cpus(), k.gpus(), k.memBytes(), "pending and " + k.jobClass().word() + " (" + k.reason() + ")",
                    false, "");
            out.add(ledger.audited(k.cluster(), k.jobId(), "hold")
                    ? s.as(Kind.HELD, "held before (the audit log has it): a released job is not held again") : s);
        }
        if (wanted.isEmpty()) return out;
        for (String id : asked) {
            if (!found.add(id)) continue;
            Review.JobVerdict v = review.jobs().stream()
                    .filter(j -> id.equals(j.cluster() + ":" + j.jobId()) || id.equals(j.jobId())).findFirst().orElse(null);
            if (v != null) {
                boolean defended = v.jobClass() == Review.JobClass.DEFENDED;
                out.add(new Step(defended ? Kind.SPARE : Kind.REFUSE, 0, v.jobId(), v.cluster(), v.user(), v.name(),
                        v.jobClass(), v.reason(), 0, 0, 0, defended ? "defended by charter " + v.charter()
                        : "not pending (" + v.state() + "): only pending jobs are held; running ones are reclaimed",
                        false, ""));
            } else {
                int colon = id.indexOf(':');
                out.add(new Step(Kind.REFUSE, 0, colon < 0 ? id : id.substring(colon + 1),
                        colon < 0 ? "" : id.substring(0, colon), "", "", null, "", 0, 0, 0,
                        "not a job of the review window (run 'reckon ingest slurm' first?)", false, ""));
            }
        }
        return out;
    }

    /** The entry of {@code wanted} naming this job ({@code ID} or {@code CLUSTER:ID}), or null. */
    private static String matches(Set<String> wanted, String cluster, String jobId) {
        if (wanted.contains(cluster + ":" + jobId)) return cluster + ":" + jobId;
        return wanted.contains(jobId) ? jobId : null;
    }

    /**
     * Carries out the plan: holds each job to hold that {@code stillUndefended} confirms (charters re-read at that
     * moment), claiming it first and auditing every hold tried (applied when it succeeded). Other steps are returned as
     * they are.
     */
    public static List<Step> carryOut(List<Step> plan, Ledger ledger, Instant now, String actor, JobActions actions,
                                      Predicate<Step> stillUndefended, NoticeTemplates texts) {
        List<Step> out = new ArrayList<>();
        for (Step s : plan) {
            if (s.action() != Kind.HOLD) {
                out.add(s);
                continue;
            }
            if (!stillUndefended.test(s)) {
                out.add(s.as(Kind.SPARE, "defended now: not held"));
                continue;
            }
            try {
                actions.checkCluster(s.cluster());
            } catch (Exception e) {
                Step r = s.done(false, "not held: " + Reclaim.message(e));
                ledger.audit(new AuditEntry(now, actor, "hold", s.cluster(), s.jobId(), null, false,
                        s.why() + "; " + r.detail()));
                out.add(r);
                continue;
            }
            if (!ledger.claim(s.cluster(), s.jobId(), "hold", null, actor, now)) {
                out.add(s.as(Kind.HELD, "hold already claimed by another run (or by one that died before settling "
                        + "it): not done here"));
                continue;
            }
            Step r;
            try {
                String answer = actions.hold(s.cluster(), s.jobId());
                r = s.done(true, answer == null || answer.isBlank() ? "held" : answer.strip());
            } catch (Exception e) {
                r = s.done(false, "not held: " + Reclaim.message(e));
            }
            ledger.audit(new AuditEntry(now, actor, "hold", s.cluster(), s.jobId(), null, r.applied(),
                    s.why() + "; " + r.detail()));
            ledger.settleClaim(s.cluster(), s.jobId(), "hold", null, r.applied());
            if (r.applied()) {
                r = r.done(true, r.detail() + "; " + Reclaim.tellAfter(actions, ledger, now, actor, "hold-notice",
                        s.cluster(), s.jobId(), s.user(), payload(s, texts, now), "the hold"));
            }
            out.add(r);
        }
        return out;
    }

    /**
     * The notice after a hold, as JSON: kind {@code held}, the readable {@code subject} and {@code text}, job_id,
     * cluster, user, name, class, reason, cpus, gpus, mem_bytes, held_at.
     */
    public static String payload(Step s, NoticeTemplates t, Instant now) {
        java.util.Map<String, String> v = new java.util.HashMap<>();
        v.put("job_id", s.jobId());
        v.put("cluster", s.cluster());
        v.put("name", s.name());
        v.put("user", s.user());
        v.put("holds", Reclaim.holds(s.cpus(), s.gpus(), s.memBytes()));
        v.put("class", s.jobClass() == null ? "-" : s.jobClass().word());
        v.put("reason", s.reason());
        v.put("held_at", t.time(now));
        v.put("now", t.time(now));
        NoticeTemplates.Text text = t.render(NoticeTemplates.HELD, v);
        com.fasterxml.jackson.databind.node.ObjectNode n = dev.reckon.core.Json.mapper().createObjectNode();
        n.put("kind", "held");
        n.put("subject", text.subject());
        n.put("text", text.body());
        n.put("job_id", s.jobId());
        n.put("cluster", s.cluster());
        n.put("user", s.user());
        n.put("name", s.name());
        n.put("class", s.jobClass() == null ? null : s.jobClass().word());
        n.put("reason", s.reason());
        n.put("cpus", s.cpus());
        n.put("gpus", s.gpus());
        n.put("mem_bytes", s.memBytes());
        n.put("held_at", now.toString());
        return n.toString();
    }
}
