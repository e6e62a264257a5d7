package dev.reckon.sim;

import dev.reckon.model.Job;

/**
 * Right-sizing for the what-if: a job's requests cut to what it used, with a safety margin. The time limit becomes
 * the elapsed time x {@code timeMargin}, at least {@code timeFloorS}; the memory request becomes the peak memory x
 * {@code memMargin}, at least {@code memFloorBytes}. Neither is ever raised above what the job asked: a job that ran
 * into its limit keeps it (its true need is unknown), and a job with no recorded peak keeps its memory request.
 * Values come from the simulator's defaults ({@code rightsize.*}).
 *
 * @param timeMargin    multiplier on the used elapsed time, at least 1
 * @param timeFloorS    the smallest right-sized time limit, seconds
 * @param memMargin     multiplier on the peak memory, at least 1
 * @param memFloorBytes the smallest right-sized memory request, bytes
 */
public record RightSizing(double timeMargin, long timeFloorS, double memMargin, long memFloorBytes) {
    public RightSizing {
        if (timeMargin < 1 || memMargin < 1 || timeFloorS < 0 || memFloorBytes < 0) {
            throw new IllegalArgumentException("right-sizing margins must be at least 1 and floors at least 0");
        }
    }

    /** The time limit a job that ran {@code elapsedS} under {@code limitS} (null: none) gets. */
    public Long limit(Long elapsedS, Long limitS) {
        if (elapsedS == null) return limitS;
        long sized = Math.max(timeFloorS, (long) Math.ceil(elapsedS * timeMargin));
        return limitS == null || limitS <= 0 ? Long.valueOf(sized) : Long.valueOf(Math.min(limitS, sized));
    }

    /** The memory request a job that peaked at {@code peakBytes} (null: unknown) under {@code reqBytes} gets. */
    public Long memory(Long peakBytes, Long reqBytes) {
        if (peakBytes == null || peakBytes <= 0) return reqBytes;
        long sized = Math.max(memFloorBytes, (long) Math.ceil(peakBytes * memMargin));
        return reqBytes == null || reqBytes <= 0 ? Long.valueOf(sized) : Long.valueOf(Math.min(reqBytes, sized));
    }

    /** The job as it would have been submitted right-sized: time limit and memory request replaced, the rest kept. */
    public Job apply(Job j) {
        Long req = j.reqMemBytes() != null ? j.reqMemBytes() : j.allocMemBytes();
        return new Job(j.cluster(), j.jobId(), j.jobIdRaw(), j.name(), j.user(), j.account(), j.partition(), j.qos(),
                j.wckey(), j.comment(), j.state(), j.exitCode(), j.submit(), j.start(), j.end(), j.elapsedS(),
                limit(j.elapsedS(), j.timelimitS()), j.reqCpus(), memory(j.peakMemBytes(), req), j.allocCpus(),
                j.allocNodes(), j.allocMemBytes(), j.allocGpus(), j.totalCpuS(), j.peakMemBytes(), j.nodeList(),
                j.steps());
    }

    /** One line for reports: {@code time limit = used x 1.5 (at least 10 min); memory = peak x 1.5 (at least 1 GiB)}. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "time limit = used x %s (at least %d min), memory = peak x %s "
                        + "(at least %s MiB), never above the request", trim(timeMargin), timeFloorS / 60,
                trim(memMargin), memFloorBytes >> 20);
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
