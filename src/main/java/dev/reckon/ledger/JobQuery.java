package dev.reckon.ledger;

import java.time.Instant;

/**
 * Which jobs to read from the ledger. Every criterion is optional ({@code null} means any); they combine with AND.
 *
 * <ul>
 *   <li>{@code user}, {@code account}, {@code partition}, {@code cluster}: exact names; a comma list means any of them.</li>
 *   <li>{@code state}: state words, case-insensitive, comma list allowed; abbreviations such as {@code CD} or
 *       {@code CA} and the spelling {@code CANCELED} match the state they stand for.</li>
 *   <li>{@code since}/{@code until}: the window. A job is in it if it was pending or running at some time in it:
 *       submitted before {@code until} (or submit unknown) and not ended before {@code since} (or end unknown).</li>
 *   <li>{@code limit}: at most this many jobs (the first in order); {@code null} for all.</li>
 *   <li>{@code withSteps}: whether the jobs come with their steps (reading them costs time).</li>
 * </ul>
 * Jobs come ordered by submit time (unknown submit times first), then job id in natural order.
 */
public record JobQuery(String user, String account, String partition, String state, Instant since, Instant until,
                       String cluster, Integer limit, boolean withSteps) {

    public JobQuery {
        if (limit != null && limit < 0) throw new IllegalArgumentException("limit must not be negative: " + limit);
    }

    /** Every job, without steps. */
    public static JobQuery all() {
        return new JobQuery(null, null, null, null, null, null, null, null, false);
    }

    public JobQuery withUser(String v) {
        return new JobQuery(v, account, partition, state, since, until, cluster, limit, withSteps);
    }

    public JobQuery withAccount(String v) {
        return new JobQuery(user, v, partition, state, since, until, cluster, limit, withSteps);
    }

    public JobQuery withPartition(String v) {
        return new JobQuery(user, account, v, state, since, until, cluster, limit, withSteps);
    }

    public JobQuery withState(String v) {
        return new JobQuery(user, account, partition, v, since, until, cluster, limit, withSteps);
    }

    public JobQuery withSince(Instant v) {
        return new JobQuery(user, account, partition, state, v, until, cluster, limit, withSteps);
    }

    public JobQuery withUntil(Instant v) {
        return new JobQuery(user, account, partition, state, since, v, cluster, limit, withSteps);
    }

    /** The window {@code [since, until)}; either end may be {@code null}. */
    public JobQuery withWindow(Instant from, Instant to) {
        return new JobQuery(user, account, partition, state, from, to, cluster, limit, withSteps);
    }

    public JobQuery withCluster(String v) {
        return new JobQuery(user, account, partition, state, since, until, v, limit, withSteps);
    }

    public JobQuery withLimit(Integer v) {
        return new JobQuery(user, account, partition, state, since, until, cluster, v, withSteps);
    }

    public JobQuery withSteps(boolean v) {
        return new JobQuery(user, account, partition, state, since, until, cluster, limit, v);
    }
}
