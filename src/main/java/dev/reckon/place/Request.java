package dev.reckon.place;

import java.time.Instant;

/**
 * The job to place: its shape, and when it must be done by (for {@code cheapest-by-deadline}).
 *
 * @param nodes    nodes, at least 1
 * @param cpus     CPUs in all, at least 1
 * @param memBytes memory in all, bytes (0: none asked)
 * @param gpus     GPUs in all
 * @param timeS    time limit, seconds, at least 1
 * @param user     who submits, or null
 * @param deadline when it must have ended, or null
 */
public record Request(int nodes, long cpus, long memBytes, long gpus, long timeS, String user, Instant deadline) {
    public Request {
        if (nodes < 1 || cpus < 1 || memBytes < 0 || gpus < 0 || timeS < 1) {
            throw new IllegalArgumentException("a request needs nodes, CPUs and a time limit of at least 1");
        }
    }
}
