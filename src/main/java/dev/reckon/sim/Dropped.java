package dev.reckon.sim;

/**
 * A job left out of a simulation, and why: it cannot fit the machine or its partition, or its source record lacks
 * what a simulation needs (a runtime, a size). Dropped jobs are reported, never silently kept or lost.
 *
 * @param jobId  the job's id as its source wrote it
 * @param reason one line, e.g. {@code asks for 300 nodes; the largest eligible group has 120}
 */
public record Dropped(String jobId, String reason) {
}
