package dev.reckon.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.reckon.model.Efficiency;
import dev.reckon.model.Job;
import dev.reckon.model.Step;

import java.time.ZoneId;
import java.util.List;

/**
 * One job as every {@code --json} shows it: the keys scripts rely on, null where unknown. Times are ISO-8601 in UTC
 * ({@code submit_at}, {@code start_at}, {@code end_at}); sizes in bytes; efficiencies as fractions; {@code max_rss_bytes} is the job's peak
 * memory (the largest step total); {@code gpu_util} the mean GPU utilisation (a fraction) and {@code gpu_mem_peak_bytes}
 * the peak memory of one GPU, null where the site does not gather them.
 */
public record JobView(
        String jobId, String cluster, String name, String user, String account, String partition, String qos,
        String wckey, String comment,
        String state, String exitCode, String submitAt, String startAt, String endAt,
        Long elapsedS, Long timelimitS, Integer allocCpus, Integer allocNodes, Long allocMemBytes, Integer allocGpus,
        Double totalCpuS, Long maxRssBytes, Double cpuEff, Double memEff, Double timeEff,
        double cpuHours, double gpuHours, double memGbHours, String nodeList, Double gpuUtil, Long gpuMemPeakBytes,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<StepView> steps) {

    /** One step, for {@code reckon job ID --json}. */
    public record StepView(String stepId, String name, String state, String exitCode, String startAt, String endAt,
                           Long elapsedS, Integer ntasks, Integer allocCpus, Double totalCpuS, Long maxRssBytes,
                           Long peakMemBytes, String nodeList) {}

    public static JobView of(Job j, ZoneId zone, boolean withSteps) {
        Efficiency e = j.efficiency();
        List<StepView> steps = withSteps ? j.steps().stream().map(s -> step(s, zone)).toList() : null;
        return new JobView(j.jobId(), j.cluster(), j.name(), j.user(), j.account(), j.partition(), j.qos(),
                j.wckey(), j.comment(),
                j.state(), j.exitCode(), JsonVocabulary.instant(j.submit()), JsonVocabulary.instant(j.start()),
                JsonVocabulary.instant(j.end()), j.elapsedS(), j.timelimitS(), j.allocCpus(), j.allocNodes(),
                j.allocMemBytes(), j.allocGpus(), j.totalCpuS(), j.peakMemBytes(), e.cpuEff(), e.memEff(), e.timeEff(),
                e.cpuHours(), e.gpuHours(), e.memGbHours(), j.nodeList(), j.gpuUtil(), j.gpuMemPeakBytes(), steps);
    }

    private static StepView step(Step s, ZoneId zone) {
        return new StepView(s.stepId(), s.name(), s.state(), s.exitCode(), JsonVocabulary.instant(s.start()),
                JsonVocabulary.instant(s.end()), s.elapsedS(), s.ntasks(), s.allocCpus(), s.totalCpuS(),
                s.maxRssBytes(), s.peakMemBytes(), s.nodeList());
    }
}
