package dev.reckon.place.study;

/**
 * The measured outcome of one selector on one workload and one fleet: one row of a study's tables, and what a shard
 * stores in the ledger.
 *
 * @param cell              the cell's index in the study's cross product (workloads x fleets x selectors)
 * @param cells             how many cells the study has
 * @param workload          the workload's name
 * @param fleet             the fleet's name
 * @param selector          the selector's name
 * @param jobs              jobs offered for placement (placements)
 * @param providers         providers in the fleet
 * @param placed            jobs a provider took
 * @param nowhere           jobs no provider would run (every offer RESTRICTED or INCOMPATIBLE)
 * @param providersUsed     providers that took at least one job
 * @param meanTurnaroundS   mean turnaround (wait + run, as the simulator ran each provider), seconds
 * @param p95TurnaroundS    95th percentile turnaround (nearest rank), seconds
 * @param meanWaitS         mean wait (submit to the work starting, a cloud instance's start-up included), seconds
 * @param totalCost         what the placed jobs cost as they ran (start-up included)
 * @param utilisationCv     coefficient of variation of the providers' utilisation (background load included) over
 *                          the study's span: 0 when every provider is as busy as every other
 * @param fairness          Jain's index over the users' mean bounded slowdowns: 1 when every user fares alike
 * @param meanStartErrorS   mean |predicted start - simulated start| of the placed jobs, seconds
 */
public record StudyRow(int cell, int cells, String workload, String fleet, String selector, long jobs, int providers,
                       long placed, long nowhere, int providersUsed, double meanTurnaroundS, double p95TurnaroundS,
                       double meanWaitS, double totalCost, double utilisationCv, double fairness,
                       double meanStartErrorS) {
}
