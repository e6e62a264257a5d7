package dev.reckon.place;

import java.time.Instant;

/**
 * One provider's answer for one request.
 *
 * @param provider   the provider's name (as the providers file names it)
 * @param kind       {@code slurm}, {@code kueue} or {@code cloud}
 * @param readiness  its answer
 * @param reason     why, in a phrase a person reads (e.g. {@code 12 jobs ahead, 48 CPUs free of 64})
 * @param start      the predicted start; null unless the job will run there
 * @param end        the predicted end (start + time limit); null unless the job will run there
 * @param cost       what running it there costs for its time limit (the provider's currency; 0 for a site's own
 *                   cluster)
 * @param queueDepth the work queued ahead of it there, in CPU-seconds (0 when none or unknown)
 */
public record Offer(String provider, String kind, Readiness readiness, String reason, Instant start, Instant end,
                    double cost, double queueDepth) {
    public Offer {
        if (provider == null || kind == null || readiness == null || reason == null) {
            throw new IllegalArgumentException("an offer names its provider, kind, readiness and reason");
        }
        if (readiness.willRun() && (start == null || end == null)) {
            throw new IllegalArgumentException(provider + ": an offer that will run the job needs a start and an end");
        }
    }

    /** An offer that will not run the job: restricted or incompatible, with why. */
    public static Offer refused(String provider, String kind, Readiness readiness, String reason) {
        if (readiness.willRun()) {
            throw new IllegalArgumentException("a refusal is RESTRICTED or INCOMPATIBLE");
        }
        return new Offer(provider, kind, readiness, reason, null, null, 0, 0);
    }
}
