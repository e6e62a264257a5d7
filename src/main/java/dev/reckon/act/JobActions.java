package dev.reckon.act;

/**
 * The one seam through which reckon acts on people and jobs: tell someone, hold a pending job, cancel a job. Reclaim
 * and exit enforcement both act only through it; {@link SlurmJobActions} is the real one, tests record.
 * Each method returns what was done (recipients, the scheduler's answer) or throws with why it could not be.
 */
public interface JobActions {
    /** Sends one notice (a JSON document) to a person. */
    String notify(String recipient, String payload) throws Exception;

    /** Holds a pending job of the cluster named. */
    String hold(String cluster, String jobId) throws Exception;

    /** Cancels a job of the cluster named. */
    String cancel(String cluster, String jobId) throws Exception;
}
