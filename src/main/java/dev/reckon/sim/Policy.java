package dev.reckon.sim;

/**
 * A scheduling policy: it owns the queue and decides, at each instant something happens, which queued jobs start.
 * The simulator calls {@link #submitted} and {@link #ended} for the events of one instant, then {@link #schedule}
 * once. A policy starts jobs with {@link Pool#start}; it sees the machine's state through its {@link Pool}.
 * Policies are made by {@link Policies#create}; one instance serves one simulation.
 */
public interface Policy {

    /** Job {@code job} (an index into the workload) joins the queue at {@code now}. */
    void submitted(int job, long now);

    /** Running job {@code job} ended at {@code now}; its resources are already free. */
    void ended(int job, long now);

    /**
     * Starts every queued job this policy lets run at {@code now}.
     *
     * @return the next time this policy wants a pass even if no job arrives or ends ({@link Long#MAX_VALUE}: none)
     */
    long schedule(long now);
}
