package dev.reckon.rightsize;

/**
 * Every default of the right-sizing, in one place (documented in docs/rightsize.md).
 *
 * @param percentile   the percentile of the history a recommendation covers, 50..100 (nearest rank)
 * @param memMargin    memory: the percentile of peak memory times this...
 * @param memAddBytes  ...and at least this much above it
 * @param memStepBytes memory is rounded up to a multiple of this
 * @param oomBump      after jobs ran out of memory: at least this times the largest allocation that ran out
 * @param timeMargin   time: the percentile of the completed jobs' elapsed times this...
 * @param timeAddS     ...and at least this many seconds above it
 * @param timeoutBump  after timeouts: at least this times the longest limit that was hit
 * @param cpuHeadroom  CPUs: the CPUs asked x the CPU efficiency's percentile x this, rounded up
 * @param gpuIdleBelow GPUs: none (the CPU lane) when the GPU utilisation's percentile is below this fraction
 */
public record Defaults(double percentile, double memMargin, long memAddBytes, long memStepBytes, double oomBump,
                       double timeMargin, long timeAddS, double timeoutBump, double cpuHeadroom, double gpuIdleBelow) {
    private static final long MIB = 1L << 20;

    /** reckon's defaults: p95; memory x1.25 and +512 MiB, in steps of 256 MiB, x1.5 after OOM; time x1.25 and +5 min,
     * x1.5 after timeouts; CPUs x1.2; GPUs dropped below 5% utilisation. */
    public static final Defaults STANDARD = new Defaults(95, 1.25, 512 * MIB, 256 * MIB, 1.5, 1.25, 300, 1.5, 1.2,
            0.05);

    public Defaults {
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("the percentile must be above 0 and at most 100");
        }
        if (memMargin < 1 || timeMargin < 1 || oomBump < 1 || timeoutBump < 1 || cpuHeadroom < 1) {
            throw new IllegalArgumentException("margins and bumps must be at least 1");
        }
        if (memAddBytes < 0 || memStepBytes < 1 || timeAddS < 0 || gpuIdleBelow < 0 || gpuIdleBelow > 1) {
            throw new IllegalArgumentException("additions must be at least 0, the memory step at least 1 byte, "
                    + "the GPU idle threshold a fraction");
        }
    }

    public Defaults withPercentile(double p) {
        return new Defaults(p, memMargin, memAddBytes, memStepBytes, oomBump, timeMargin, timeAddS, timeoutBump,
                cpuHeadroom, gpuIdleBelow);
    }
}
