package dev.reckon.optimise;

import dev.reckon.core.InputError;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CampaignFileTest {
    static final long GiB = 1L << 30, MiB = 1L << 20;

    static final String BRIEF = """
            name: asr-pipeline
            charter: asr-2026
            stages:
              - name: data_fetching
                work: 40
                start: {cpus: 2, mem: 4096, time: 1h}
              - name: preprocessing
                work: 400
                command: "python prep.py --shards {shard_first}-{shard_last} --threads {cpus} ${HOME} awk '{print $1}'"
                match: "prep_*"
                start: {cpus: 4, mem: 16G, gpus: 1, time: "02:00:00", partition: gpu, shards_per_job: 8, concurrency: 10}
                vary:
                  cpus: [1, 16]
                  mem: [2G, 64G]
                  gpus: [0, 1]
                  time: [10m, 4h]
                  shards_per_job: [1, 50]
                  concurrency: [1, 50]
                lanes: [cpu, gpu]
                after: [data_fetching]
            """;

    static Campaign ok(String text) {
        CampaignFile.Result r = CampaignFile.parse("c.yaml", text);
        assertTrue(r.ok(), () -> r.errors().toString());
        return r.campaign();
    }

    static List<String> errors(String text) {
        return CampaignFile.parse("c.yaml", text).errors().stream().map(InputError::getMessage).toList();
    }

    @Test
    void readsTheBriefsShapeWithDefaults() {
        Campaign c = ok(BRIEF);
        assertEquals("asr-pipeline", c.name());
        assertEquals(1, c.version());
        assertEquals("asr-2026", c.charter());
        Stage fetch = c.stage("data_fetching").orElseThrow();
        assertEquals(new Shape(2, 4 * GiB, 0, 3600, null, 1, 40), fetch.start(), "bare memory is MiB; 40 jobs at once");
        assertEquals("data_fetching*", fetch.match());
        assertEquals(Set.of(Lane.CPU), fetch.lanes());
        assertEquals(Map.of(), fetch.bounds());
        Stage prep = c.stage("preprocessing").orElseThrow();
        assertEquals(new Shape(4, 16 * GiB, 1, 7200, "gpu", 8, 10), prep.start());
        assertEquals(new Stage.Range(2 * GiB, 64 * GiB), prep.bounds().get(Factor.MEM));
        assertEquals(new Stage.Range(600, 4 * 3600), prep.bounds().get(Factor.TIME));
        assertEquals(Set.of(Lane.CPU, Lane.GPU), prep.lanes());
        assertEquals(List.of("data_fetching"), prep.dependsOn());
        assertEquals("prep_*", prep.match());
    }

    @Test
    void theShippedExampleReads() {
        CampaignFile.Result r = CampaignFile.read(Path.of("examples/optimise/asr-pipeline.campaign.yaml"));
        assertTrue(r.ok(), () -> r.errors().toString());
        assertEquals(List.of("data_fetching", "preprocessing", "caching", "training", "eval"),
                r.campaign().stages().stream().map(Stage::name).toList());
        assertEquals(Set.of(Lane.CPU, Lane.GPU), r.campaign().stage("eval").orElseThrow().lanes(),
                "lanes default to what the GPU bounds allow");
    }

    @Test
    void everyProblemIsReportedWithFileLineAndField() {
        List<String> e = errors("""
                name: asr pipeline
                charter: asr-2026
                verison: 2
                stages:
                  - name: prep
                    work: 0
                    comand: x
                    start: {cpus: 4, mem: 16Q, time: 2 hours}
                """);
        assertEquals(List.of(
                "c.yaml:1: field name: \"asr pipeline\" is not a name: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters",
                "c.yaml:3: field verison: unknown key; did you mean version? (known: name, charter, version, stages)",
                "c.yaml:6: field stages.prep.work: 0 is out of range: units of work, 1 or more is at least 1",
                "c.yaml:7: field stages.prep.comand: unknown key; did you mean command? (known under stages.prep: name, work, command, match, start, vary, lanes, after)",
                "c.yaml:8: field stages.prep.start.mem: \"16Q\" is not a size (write 16G, 512M or 1.5T; a bare number is MiB)",
                "c.yaml:8: field stages.prep.start.time: \"2 hours\" is not a duration (write 30m, 12h, 7d, 2w or 1-00:00:00)"), e);
    }

    @Test
    void theStartMustLieWithinTheBoundsAndTheLanesAgreeWithTheGpus() {
        List<String> e = errors("""
                name: a
                charter: b
                stages:
                  - name: s
                    work: 10
                    start: {cpus: 32, mem: 1G, gpus: 1, time: 1h}
                    vary: {cpus: [1, 16], gpus: [1, 2], mem: [2G, 1G]}
                    lanes: [cpu, gpu]
                """);
        assertTrue(e.contains("c.yaml:6: field stages.s.start.cpus: 32 is outside vary.cpus [1, 16]; start within the bounds"), e::toString);
        assertTrue(e.contains("c.yaml:7: field stages.s.vary.mem: min 2G is above max 1G"), e::toString);
        assertTrue(e.contains("c.yaml:8: field stages.s.lanes: has cpu but vary.gpus [1, 2] always asks for a GPU; let gpus go down to 0 or drop cpu"), e::toString);
        assertTrue(errors("""
                name: a
                charter: b
                stages:
                  - {name: s, work: 1, start: {cpus: 1, mem: 1G, time: 1h}, lanes: [gpu]}
                """).get(0).contains("field stages.s.lanes: has gpu but start.gpus 0 (fixed) allows no GPU"));
        assertTrue(errors("""
                name: a
                charter: b
                stages:
                  - {name: s, work: 1, start: {cpus: 1, mem: 1G, gpus: 1, time: 1h}, vary: {gpus: [0, 1]}, lanes: [gpu]}
                """).get(0).contains("has no cpu but vary.gpus [0, 1] allows 0 GPUs"));
    }

    @Test
    void dependenciesExistAndFormNoCycle() {
        String three = """
                name: a
                charter: b
                stages:
                  - {name: x, work: 1, start: {cpus: 1, mem: 1G, time: 1h}, after: [z]}
                  - {name: y, work: 1, start: {cpus: 1, mem: 1G, time: 1h}, after: [x]}
                  - {name: z, work: 1, start: {cpus: 1, mem: 1G, time: 1h}, after: [%s]}
                """;
        assertEquals(List.of("c.yaml:4: field stages.x.after: the stages wait for each other in a cycle: x waits for z "
                + "waits for y waits for x"), errors(three.formatted("y")));
        assertEquals(List.of("c.yaml:6: field stages.z.after: no stage is named yy; did you mean y? (stages: x, y, z)"),
                errors(three.formatted("yy")));
        assertEquals(List.of("c.yaml:6: field stages.z.after: a stage cannot wait for itself"), errors(three.formatted("z")));
        ok(three.formatted("").replace("after: [z]", "after: []"));
    }

    @Test
    void namesAreUniqueAndPlaceholdersKnown() {
        List<String> e = errors("""
                name: a
                charter: b
                stages:
                  - {name: x, work: 1, start: {cpus: 1, mem: 1G, time: 1h}, command: "run {shard} {cpus} {memory}"}
                  - {name: x, work: 1, start: {cpus: 1, mem: 1G, time: 1h}}
                """);
        assertEquals(2, e.size(), e::toString);
        assertTrue(e.get(0).startsWith("c.yaml:4: field stages.x.command: unknown placeholders {shard}, {memory} (known: {shard_first}"), e::toString);
        assertEquals("c.yaml:5: field stages.x.name: another stage is named x (line 4); stage names are unique", e.get(1));
    }

    @Test
    void notYamlEmptyAndWrongShapesAreOneLineEach() {
        assertEquals(List.of("c.yaml:1: the file is empty; a campaign needs name, charter and stages (see docs/optimise.md)"), errors(""));
        assertTrue(errors("name: [a\n").get(0).startsWith("c.yaml:"));
        assertEquals(List.of("c.yaml:1: a campaign is a mapping of keys (name:, charter:, stages:), not a list"), errors("- a\n"));
        assertEquals(List.of("c.yaml:1: field name: missing: name the campaign (it travels in its jobs' comments as campaign=<name>)",
                "c.yaml:1: field charter: missing: name the charter the campaign charges; its budget limits the campaign",
                "c.yaml:1: field stages: missing: a campaign has at least one stage ({name: NAME, work: N, start: {...}})"),
                errors("version: 3\n"));
        assertTrue(errors("name: a\nname: b\n").contains("c.yaml:2: field name: given twice (also on line 1)"));
        assertThrows(InputError.class, () -> CampaignFile.parse("c.yaml", "x: 1").orThrow());
        assertNull(CampaignFile.parse("c.yaml", "x: 1").campaign());
        assertFalse(CampaignFile.read(Path.of("no/such/file.yaml")).ok());
    }

    @Test
    void writeReadsBack() {
        Campaign c = ok(BRIEF);
        assertEquals(c, ok(CampaignFile.write(c)));
        Campaign promoted = c.promote("preprocessing", c.stage("preprocessing").orElseThrow().start().withGpus(0).withCpus(7));
        assertEquals(promoted, ok(CampaignFile.write(promoted)));
    }

    @Test
    void commandsRenderEachPlaceholder() {
        Stage prep = ok(BRIEF).stage("preprocessing").orElseThrow();
        Shape s = prep.start().withMem(1536 * MiB + 1);
        assertEquals("python prep.py --shards 8-15 --threads 4 ${HOME} awk '{print $1}'",
                Commands.render(prep, s, 8, 15, "asr-pipeline"));
        Stage all = new Stage("st", 1, "{shard_first} {shard_last} {shards} {cpus} {mem_mb} {gpus} {time_s} {stage} {campaign} [{partition}] {other}",
                s.withPartition(null), Map.of(), Set.of(Lane.GPU), List.of(), "st*");
        assertEquals("3 5 3 4 1537 1 7200 st camp [] {other}", Commands.render(all, all.start(), 3, 5, "camp"));
        assertThrows(IllegalArgumentException.class, () -> Commands.render(all, all.start(), 5, 3, "camp"));
        assertEquals(List.of("other"), Commands.unknown(all.command()));
    }

    @Test
    void theCommentConventionRoundTrips() {
        String c = Commands.comment("asr-2026", "asr-pipeline", "preprocessing", 8, 1, 3);
        assertEquals("charter=asr-2026,campaign=asr-pipeline,stage=preprocessing,shards=8,round=1,trial=3", c);
        assertEquals(Map.of("charter", "asr-2026", "campaign", "asr-pipeline", "stage", "preprocessing", "shards", "8",
                "round", "1", "trial", "3"), Commands.tags(c));
        assertTrue(dev.reckon.model.Charter.Match.commentNames(c, "asr-2026"), "the charter's own matching sees it");
    }
}
