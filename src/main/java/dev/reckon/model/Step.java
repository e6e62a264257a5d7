package dev.reckon.model;

import java.time.Instant;

/**
 * One step of a job as accounting saw it: {@code batch}, {@code extern}, {@code interactive}, {@code 0}, {@code 1}...
 * Sizes are bytes, times are seconds; {@code null} means unknown.
 *
 * @param stepId       the part of the JobID after the first dot, e.g. {@code "batch"}, {@code "0"}, {@code "0+1"}
 * @param maxRssBytes  largest resident set of any one task (MaxRSS)
 * @param usageMemBytes the {@code mem=} of TRESUsageInTot: the sum of each task's peak
 */
public record Step(
        String stepId,
        String name,
        String state,
        String exitCode,
        Instant start,
        Instant end,
        Long elapsedS,
        Integer ntasks,
        Integer allocCpus,
        Integer allocNodes,
        Double totalCpuS,
        Long maxRssBytes,
        Long usageMemBytes,
        Long aveRssBytes,
        String nodeList) {

    /**
     * The step's memory peak summed over its tasks: TRESUsageInTot's {@code mem=} where present, otherwise
     * MaxRSS x NTasks (an upper bound: every task is assumed to have peaked like the largest).
     */
    public Long peakMemBytes() {
        if (usageMemBytes != null) return usageMemBytes;
        if (maxRssBytes == null) return null;
        int n = ntasks == null || ntasks < 1 ? 1 : ntasks;
        return maxRssBytes * n;
    }
}
