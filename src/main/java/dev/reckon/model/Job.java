package dev.reckon.model;

import java.time.Instant;
import java.util.List;

/**
 * One job (an array task and a heterogeneous component are each a job) with its steps, as the scheduler's
 * accounting recorded it. Sizes are bytes, times are seconds, instants are UTC; {@code null} means unknown.
 *
 * @param cluster      the cluster the job ran on (sacct's Cluster, the trace's name, or the one given at ingest)
 * @param jobId        the id as sacct prints it: {@code "123"}, {@code "123_4"}, {@code "123_[5-9%2]"}, {@code "123+0"}
 * @param jobIdRaw     sacct's JobIDRaw where known (the real job number of an array task)
 * @param state        the first word of the state, upper case, e.g. {@code "CANCELLED"}; unknown words are kept
 * @param exitCode     {@code "code:signal"}, e.g. {@code "3:0"}
 * @param timelimitS   the time limit; {@code null} when unlimited or unknown
 * @param totalCpuS    TotalCPU: user + system CPU time of all steps
 * @param peakMemBytes the largest step total (see {@link Step#peakMemBytes()})
 * @param gpuUtil      mean GPU utilisation over the job's GPUs, a fraction 0..1: the largest step's TRESUsageInAve
 *                     {@code gres/gpuutil}, else a jobstats summary in AdminComment; {@code null} where the site does
 *                     not gather it
 * @param gpuMemPeakBytes peak GPU memory of any one GPU: the largest TRESUsageInMax {@code gres/gpumem} over the
 *                     steps, else the jobstats summary's largest {@code gpu_used_memory}; {@code null} when unknown
 */
public record Job(
        String cluster,
        String jobId,
        String jobIdRaw,
        String name,
        String user,
        String account,
        String partition,
        String qos,
        String wckey,
        String comment,
        String state,
        String exitCode,
        Instant submit,
        Instant start,
        Instant end,
        Long elapsedS,
        Long timelimitS,
        Integer reqCpus,
        Long reqMemBytes,
        Integer allocCpus,
        Integer allocNodes,
        Long allocMemBytes,
        Integer allocGpus,
        Double totalCpuS,
        Long peakMemBytes,
        String nodeList,
        List<Step> steps,
        Double gpuUtil,
        Long gpuMemPeakBytes) {

    public Job {
        steps = steps == null ? List.of() : List.copyOf(steps);
    }

    /** A job without GPU usage figures (unknown), as sources that do not gather them make it. */
    public Job(String cluster, String jobId, String jobIdRaw, String name, String user, String account,
               String partition, String qos, String wckey, String comment, String state, String exitCode,
               Instant submit, Instant start, Instant end, Long elapsedS, Long timelimitS, Integer reqCpus,
               Long reqMemBytes, Integer allocCpus, Integer allocNodes, Long allocMemBytes, Integer allocGpus,
               Double totalCpuS, Long peakMemBytes, String nodeList, List<Step> steps) {
        this(cluster, jobId, jobIdRaw, name, user, account, partition, qos, wckey, comment, state, exitCode, submit,
                start, end, elapsedS, timelimitS, reqCpus, reqMemBytes, allocCpus, allocNodes, allocMemBytes,
                allocGpus, totalCpuS, peakMemBytes, nodeList, steps, null, null);
    }

    public JobState jobState() {
        return JobState.of(state);
    }

    /** The per-job figures users check first. */
    public Efficiency efficiency() {
        return Efficiency.of(this);
    }

    /** The job id without array task or heterogeneous component: {@code "123"} for {@code "123_4"} and {@code "123+1"}. */
    public String baseId() {
        String s = jobId;
        int cut = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '_' || c == '+' || c == '.') { cut = i; break; }
        }
        return s.substring(0, cut);
    }

    /** This job with another comment (e.g. the one the controller holds for a running job, before accounting has it). */
    public Job withComment(String newComment) {
        return new Job(cluster, jobId, jobIdRaw, name, user, account, partition, qos, wckey, newComment, state, exitCode,
                submit, start, end, elapsedS, timelimitS, reqCpus, reqMemBytes, allocCpus, allocNodes, allocMemBytes,
                allocGpus, totalCpuS, peakMemBytes, nodeList, steps, gpuUtil, gpuMemPeakBytes);
    }

    public Job withSteps(List<Step> newSteps, Long newPeak) {
        return new Job(cluster, jobId, jobIdRaw, name, user, account, partition, qos, wckey, comment, state, exitCode,
                submit, start, end, elapsedS, timelimitS, reqCpus, reqMemBytes, allocCpus, allocNodes, allocMemBytes,
                allocGpus, totalCpuS, newPeak, nodeList, newSteps, gpuUtil, gpuMemPeakBytes);
    }
}
