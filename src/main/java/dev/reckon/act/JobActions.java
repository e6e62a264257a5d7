package dev.reckon.act;

/**
 * The one seam through which reckon acts on people and jobs: tell someone, hold a pending job, cancel a job. Reclaim
 * and exit enforcement both act only through it; {@link SlurmJobActions} is the real one, tests record.
 * Each method returns what was done (recipients, the scheduler's answer) or throws with why it could not be.
 */
public interface JobActions {
    /** Sends one notice (a JSON document) to a person. */
    String notify(String recipient, String payload) throws Exception;

    /**
     * Refuses, with why, a cluster this seam cannot act on (the real one: a cluster this host's Slurm does not
     * serve); asked before a job is told it is about to be cancelled. Accepts every cluster unless overridden.
     */
    default void checkCluster(String cluster) throws Exception {}

    /** Holds a pending job of the cluster named. */
    String hold(String cluster, String jobId) throws Exception;

    /** Cancels a job of the cluster named. */
    String cancel(String cluster, String jobId) throws Exception;
}
