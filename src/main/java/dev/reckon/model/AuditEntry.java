package dev.reckon.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of the audit log: something reckon did, or would have done, to a job on someone's behalf.
 *
 * @param at      when (UTC)
 * @param actor   the user name reckon ran as
 * @param action  what: {@code notify}, {@code cancel}, {@code hold}, {@code dry-run}, ...
 * @param cluster the job's cluster
 * @param jobId   the job, as sacct prints it; null for an action on no one job
 * @param charter the charter concerned; null when none
 * @param applied whether the action was carried out (false: only proposed, or it failed; see detail)
 * @param detail  free text: the reason, the recipient, the scheduler's answer
 */
public record AuditEntry(Instant at, String actor, String action, String cluster, String jobId, String charter,
                         boolean applied, String detail) {
    public AuditEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(cluster, "cluster");
        if (action.isBlank()) throw new IllegalArgumentException("an audit entry needs an action");
        if (detail == null) detail = "";
    }
}
