package dev.reckon.place;

/** A provider's answer to "can you take this job?", in the words the placement projects use. */
public enum Readiness {
    /** It can start the job now (or at once, give or take the scheduler's turnaround). */
    READY,
    /** It can run the job, but not now: the job would queue. */
    BUSY,
    /** It could run the job's shape, but a policy refuses it here (quota, account, partition limits, budget). */
    RESTRICTED,
    /** It can never run the job's shape (too many CPUs, GPUs or memory for any node, time above every limit). */
    INCOMPATIBLE;

    /** Whether a selector may choose a provider with this answer: it will run the job, now or later. */
    public boolean willRun() {
        return this == READY || this == BUSY;
    }
}
