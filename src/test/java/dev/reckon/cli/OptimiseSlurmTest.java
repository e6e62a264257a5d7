package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reckon.source.slurm.SlurmTestCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code reckon optimise run --apply} on the real cluster (scripts/slurm-dev-cluster up): a five-stage pipeline of
 * real scripts — one that runs out of memory at its starting shape, one that asks far more memory than it uses, one
 * that is faster as an array of small jobs — optimised for real: the OOM is gone, the over-ask is cut, the chosen
 * configuration's wall-clock is below the one submitted, and every job sent is in the audit log. Skips without a
 * cluster, fails instead under RECKON_REQUIRE_SLURM=1.
 */
class OptimiseSlurmTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheCluster() {
        SlurmTestCluster.assumeCluster();
    }

    /** A perl that grows one string to {@code mib} MiB x the job's units and holds it for a few seconds. */
    private static String hog(int mibPerUnit, int seconds) {
        return "perl -e '$x = \"a\"; $x x= " + mibPerUnit + " * {shards} << 20; sleep " + seconds + "'";
    }

    @Test
    void aFiveStagePipelineGetsFasterWithoutOomAndEverySubmissionIsAudited() throws Exception {
        Cli cli = new Cli(dir);
        cli.env.remove("RECKON_TZ");
        Path charters = Files.createDirectories(dir.resolve("charters"));
        cli.env.put("RECKON_CHARTERS", charters.toString());
        LocalDate today = LocalDate.now();
        Files.writeString(charters.resolve("opt-it.yaml"), String.join("\n",
                "id: opt-it", "purpose: Make the test pipeline finish sooner.", "owner: " + System.getProperty("user.name"),
                "budget: {cpu_hours: 20}", "window: {start: " + today.minusDays(1) + ", end: " + today.plusDays(30) + "}",
                "success: speedup >= 2", "failure: speedup < 1 after 10 cpu_hours", ""));
        Path campaign = dir.resolve("it.campaign.yaml");
        Files.writeString(campaign, String.join("\n",
                "name: opt-it",
                "charter: opt-it",
                "stages:",
                "  - name: fetch",
                "    work: 2",
                "    command: \"sleep 2\"",
                "    start: {cpus: 1, mem: 200M, time: 2m, shards_per_job: 1, concurrency: 2}",
                "    vary: {mem: [100M, 1G], time: [1m, 5m]}",
                "  - name: prep          # runs out of memory at its start: 120 MiB per unit in 100M",
                "    work: 2",
                "    command: \"" + hog(120, 4).replace("\"", "\\\"") + "\"",
                "    start: {cpus: 1, mem: 100M, time: 2m, shards_per_job: 1, concurrency: 2}",
                "    vary: {mem: [100M, 2000M], time: [1m, 5m]}",
                "    after: [fetch]",
                "  - name: cache         # asks 1900M, uses about 30M",
                "    work: 2",
                "    command: \"" + hog(30, 5).replace("\"", "\\\"") + "\"",
                "    start: {cpus: 1, mem: 1900M, time: 2m, shards_per_job: 1, concurrency: 2}",
                "    vary: {mem: [128M, 1900M], time: [1m, 5m]}",
                "    after: [prep]",
                "  - name: train",
                "    work: 1",
                "    command: \"sleep 3\"",
                "    start: {cpus: 1, mem: 200M, time: 2m, shards_per_job: 1, concurrency: 1}",
                "    after: [cache]",
                "  - name: evaluate      # 4 units in one job of 3 s each; faster as small jobs side by side",
                "    work: 12",
                "    command: \"sleep $((3 * {shards}))\"",
                "    start: {cpus: 1, mem: 200M, time: 3m, shards_per_job: 4, concurrency: 1}",
                "    vary: {shards_per_job: [1, 4], concurrency: [1, 4], time: [1m, 5m]}",
                "    after: [train]",
                ""));
        Cli.Result r = cli.run("optimise", "run", campaign.toString(), "--apply", "--rounds", "2", "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode report = JSON.readTree(r.out());

        Set<String> sent = new HashSet<>();
        int oomsAfterRound1 = 0;
        for (JsonNode e : report.get("experiments")) {
            for (JsonNode id : e.get("job_ids")) sent.add(id.asText());
            if (e.get("round").asInt() >= 2 && e.get("outcome").asText().contains("out of memory")) oomsAfterRound1++;
        }
        assertTrue(sent.size() >= 8, "jobs were sent for real: " + sent);
        assertEquals(0, oomsAfterRound1, "no OOM after round 1: " + report.get("experiments"));

        JsonNode choice = report.get("choice");
        JsonNode prep = stage(choice, "prep"), cache = stage(choice, "cache");
        assertTrue(report.get("failures").toString().contains("prep"), "the start of prep ran out of memory: " + report);
        long prepMem = memOf(prep.get("to").asText());
        assertTrue(prepMem > 240, "prep now has room for its 120 MiB a unit: " + prep);
        assertTrue(memOf(cache.get("to").asText()) < 1900, "the over-ask is cut: " + cache);
        double as = choice.get("as_submitted_s").asDouble(), chosen = choice.get("chosen_s").asDouble();
        assertTrue(chosen > 0 && as > chosen, "the chosen configuration is faster than the one submitted: " + choice);
        JsonNode evaluate = stage(choice, "evaluate");
        assertTrue(evaluate.get("chosen_s").asDouble() < evaluate.get("as_submitted_s").asDouble(),
                "the one-job stage is faster as small jobs side by side: " + evaluate);

        Cli.Result audit = cli.run("audit", "--json", "--since", "1h");
        assertEquals(0, audit.exit(), audit.toString());
        Set<String> audited = new HashSet<>();
        for (JsonNode a : JSON.readTree(audit.out())) if (a.get("action").asText().equals("submit")) audited.add(a.get("job_id").asText());
        assertTrue(audited.containsAll(sent), "every job sent is in the audit log: sent " + sent + ", audited " + audited);

        Cli.Result again = cli.run("optimise", "status", campaign.toString());
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("prep"), again.out());
    }

    private static JsonNode stage(JsonNode choice, String name) {
        for (JsonNode s : choice.get("stages")) if (s.get("stage").asText().equals(name)) return s;
        throw new AssertionError("no stage " + name + " in " + choice);
    }

    /** The memory of a config text such as {@code 1 cpu, 0.5G, 2m, ...}, MiB. */
    private static long memOf(String config) {
        String m = config.split(", ")[1];
        double v = Double.parseDouble(m.substring(0, m.length() - 1));
        return Math.round(m.endsWith("G") ? v * 1024 : v);
    }
}
