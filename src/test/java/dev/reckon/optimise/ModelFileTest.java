package dev.reckon.optimise;

import dev.reckon.core.InputError;
import dev.reckon.model.JobState;
import dev.reckon.sim.SimulatedCluster;
import dev.reckon.sim.Workload;
import dev.reckon.sim.WorkloadModel;
import dev.reckon.source.Cluster;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelFileTest {
    static final long GiB = 1L << 30;
    static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");

    static final String MODEL = """
            machine:
              - {name: cpu, nodes: 2, cores: 32, mem: 128G}
              - {name: gpu, nodes: 1, cores: 32, mem: 256G, gpus: 4, partitions: [gpu]}
            seed: 42
            stages:
              preprocessing:
                work_per_shard: 20m
                serial_fraction: 0.1
                gpu_speedup: 1.0
                startup: 2m
                mem_base: 1G
                mem_per_shard: 1.5G
              training:
                work_per_shard: 64h
                serial_fraction: 0.05
                gpu_speedup: 8
                startup: 5m
                mem_base: 24G
            """;

    static PipelineModel ok(String text) {
        ModelFile.Result r = ModelFile.parse("m.yaml", text);
        assertTrue(r.ok(), () -> r.errors().toString());
        return r.model();
    }

    static Cluster.Submission job(String stage, int shards, int cpus, long mem, int gpus) {
        return new Cluster.Submission(stage + "_1", cpus, mem, gpus, 86_400, gpus > 0 ? "gpu" : null,
                Commands.comment("asr-2026", "asr-pipeline", stage, shards, 1, 1), "true");
    }

    @Test
    void runtimesAndPeaksAreTheModelsFormulas() {
        WorkloadModel m = ok(MODEL).workloadModel();
        // 2m + 20m x 8 x (0.1 + 0.9 / 4) = 120 + 9600 x 0.325 = 3240 s; the idle GPU changes nothing
        assertEquals(new WorkloadModel.Outcome(3240, 13 * GiB, false), m.outcome(job("preprocessing", 8, 4, 16 * GiB, 1)));
        assertEquals(new WorkloadModel.Outcome(3240, 13 * GiB, false), m.outcome(job("preprocessing", 8, 4, 16 * GiB, 0)));
        // 1 CPU: 120 + 1200 x 2 x 1 = 2520 s; peak 1G + 3G
        assertEquals(new WorkloadModel.Outcome(2520, 4 * GiB, false), m.outcome(job("preprocessing", 2, 1, 8 * GiB, 0)));
        // 5m + 64h x (0.05 + 0.95 / 8) / 8 = 300 + 230400 x 0.16875 / 8 = 300 + 4860 = 5160 s
        assertEquals(new WorkloadModel.Outcome(5160, 24 * GiB, false), m.outcome(job("training", 1, 8, 64 * GiB, 4)));
        // without a GPU, eight times the compute
        assertEquals(new WorkloadModel.Outcome(300 + 38_880, 24 * GiB, false), m.outcome(job("training", 1, 8, 64 * GiB, 0)));
    }

    @Test
    void noiseIsBoundedAndSeeded() {
        PipelineModel p = ok(MODEL.replace("seed: 42", "seed: 42\nnoise: 0.1"));
        WorkloadModel a = p.workloadModel(), b = p.workloadModel();
        boolean varied = false;
        for (int k = 0; k < 50; k++) {
            WorkloadModel.Outcome o = a.outcome(job("preprocessing", 8, 4, 16 * GiB, 1));
            assertEquals(o, b.outcome(job("preprocessing", 8, 4, 16 * GiB, 1)), "the same seed, the same outcomes");
            assertTrue(o.runtimeS() >= Math.floor(3240 * 0.9) && o.runtimeS() <= Math.ceil(3240 * 1.1), o::toString);
            assertTrue(o.peakMemBytes() >= 13 * GiB * 0.9 && o.peakMemBytes() <= 13 * GiB * 1.1, o::toString);
            varied |= o.runtimeS() != 3240;
        }
        assertTrue(varied);
    }

    @Test
    void failuresFollowTheRate() {
        WorkloadModel m = ok(MODEL.replace("mem_base: 24G", "mem_base: 24G\n    failure_rate: 1")).workloadModel();
        assertTrue(m.outcome(job("training", 1, 8, 64 * GiB, 4)).fails());
        assertTrue(!m.outcome(job("preprocessing", 1, 8, 64 * GiB, 0)).fails());
    }

    @Test
    void aSubmissionWithoutAModelledStageIsRefusedByName() {
        WorkloadModel m = ok(MODEL).workloadModel();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.outcome(job("caching", 1, 1, GiB, 0)));
        assertEquals("job caching_1: its comment \"charter=asr-2026,campaign=asr-pipeline,stage=caching,shards=1,round=1,trial=1\" "
                + "names stage caching, which the model has not (it models preprocessing, training)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.outcome(new Cluster.Submission("x", 1, GiB, 0, 60, null,
                "stage=training", "true")));
    }

    @Test
    void tooLittleMemoryRunsOutOfMemoryOnTheSimulatedCluster() {
        SimulatedCluster c = ok(MODEL).simulatedCluster(T0);
        String short8 = c.submit(job("preprocessing", 8, 4, 8 * GiB, 0));  // needs 13G
        String enough = c.submit(job("preprocessing", 8, 4, 16 * GiB, 0));
        List<String> ids = List.of(short8, enough);
        for (int k = 0; k < 20 && c.accounting(ids).size() < 2; k++) c.poll(ids, Duration.ofHours(1));
        List<Cluster.JobStatus> done = c.accounting(ids);
        assertEquals(JobState.OUT_OF_MEMORY, done.get(0).state());
        assertEquals(3240L * 8 / 13, done.get(0).elapsedS(), "killed when its memory, growing to 13G, reaches 8G");
        assertEquals(JobState.COMPLETED, done.get(1).state());
        assertEquals(3240, done.get(1).elapsedS());
    }

    @Test
    void backgroundLoadMakesAWideJobWaitLongerThanANarrowOne() {
        String loaded = MODEL.replace("seed: 42", "seed: 42\nbackground: {utilisation: 0.95, job_cores: 16, job_time: 1h, seed: 7}");
        PipelineModel p = ok(loaded);
        Workload bg = p.backgroundLoad();
        assertTrue(bg.size() > 100, "two days of arrivals");
        long wide = waitS(p.simulatedCluster(T0), 32), narrow = waitS(p.simulatedCluster(T0), 1);
        long idle = waitS(ok(MODEL).simulatedCluster(T0), 32);
        assertEquals(0, idle);
        assertTrue(wide > narrow, "wide " + wide + " s, narrow " + narrow + " s");
        assertNull(ok(MODEL).backgroundLoad());
    }

    private static long waitS(SimulatedCluster c, int cpus) {
        String id = c.submit(job("preprocessing", 1, cpus, GiB, 0));
        for (int k = 0; k < 100; k++) {
            Cluster.JobStatus s = c.poll(List.of(id), Duration.ofMinutes(30)).get(0);
            if (s.start() != null) return s.start().getEpochSecond() - T0.getEpochSecond();
        }
        throw new AssertionError("never started");
    }

    @Test
    void theShippedExampleReadsAndModelsEveryStageOfItsCampaign() {
        ModelFile.Result r = ModelFile.read(Path.of("examples/optimise/asr-pipeline.model.yaml"));
        assertTrue(r.ok(), () -> r.errors().toString());
        Campaign c = CampaignFile.read(Path.of("examples/optimise/asr-pipeline.campaign.yaml")).orThrow();
        assertEquals(List.of(), r.model().unmodelled(c));
        assertEquals(0.05, r.model().noise());
        assertEquals(24, r.model().machine().totalNodes());
    }

    @Test
    void aMachineFileIsReadBesideTheModel(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("nodes.txt"), "# name nodes cores memory gpus partitions\ncpu 10 16 64G\ngpu 2 32 256G 4 gpu\n");
        Path model = dir.resolve("m.yaml");
        Files.writeString(model, MODEL.replaceAll("(?s)machine:.*?seed:", "machine_file: nodes.txt\nseed:"));
        ModelFile.Result r = ModelFile.read(model);
        assertTrue(r.ok(), () -> r.errors().toString());
        assertEquals(10 * 16 + 2 * 32, r.model().machine().totalCores());
    }

    @Test
    void everyProblemIsReportedWithLineAndField() {
        List<String> e = ModelFile.parse("m.yaml", """
                machine:
                  - {name: cpu, nodes: 0, cores: 32, mem: lots}
                noise: 2
                polcy: easy
                background: {utilisation: 0.7, job_cores: 64, job_time: 1h}
                stages:
                  prep:
                    work_per_shard: 20
                    serial_fraction: 1.5
                    gpu_speedp: 2
                """).errors().stream().map(InputError::getMessage).toList();
        assertEquals(List.of(
                "m.yaml:2: field machine.cpu.nodes: 0 is out of range: nodes in the group is from 1 to 1000000",
                "m.yaml:2: field machine.cpu.mem: \"lots\" is not a size (write 16G, 512M or 1.5T; a bare number is MiB)",
                "m.yaml:3: field noise: 2 is out of range: a fraction from 0 to 0.99 (0.05: +-5%)",
                "m.yaml:4: field polcy: unknown key; did you mean policy? (known: machine, machine_file, background, seed, noise, policy, stages)",
                "m.yaml:8: field stages.prep.work_per_shard: \"20\" is not a duration (write 30m, 12h, 7d, 2w or 1-00:00:00)",
                "m.yaml:9: field stages.prep.serial_fraction: 1.5 is out of range: a fraction from 0 to 1",
                "m.yaml:10: field stages.prep.gpu_speedp: unknown key; did you mean gpu_speedup? (known under stages.prep: work_per_shard, serial_fraction, gpu_speedup, startup, mem_base, mem_per_shard, failure_rate)"),
                e);
        assertTrue(ModelFile.parse("m.yaml", MODEL.replace("seed: 42", "background: {utilisation: 0.7, job_cores: 64, job_time: 1h}"))
                .errors().get(0).getMessage().contains("field background.job_cores: 64 cores fit no node (the widest has 32)"));
    }
}
