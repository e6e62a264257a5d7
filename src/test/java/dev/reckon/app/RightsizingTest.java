package dev.reckon.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reckon.cli.Cli;
import dev.reckon.core.BadRequest;
import dev.reckon.rightsize.Rightsize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** reckon rightsize through both doors, on a ledger ingested from sacct text with GPU usage. */
class RightsizingTest {
    @TempDir
    Path dir;

    private static final String HEADER = "JobID|JobName|User|Account|Partition|State|ExitCode|Submit|Start|End|"
            + "ElapsedRaw|TimelimitRaw|AllocCPUS|NNodes|AllocTRES|TotalCPU|NTasks|TRESUsageInAve|TRESUsageInMax|"
            + "TRESUsageInTot|NodeList";

    private Doors ingested() throws IOException {
        Doors d = new Doors(dir);
        List<String> lines = new ArrayList<>(List.of(HEADER));
        // alice train_*: 4 runs of 1 h on 8 CPUs (half used), 16 GiB (2 GiB used), 1 GPU at 2%
        for (int i = 1; i <= 4; i++) {
            String day = "2026-11-0" + i;
            lines.add("10" + i + "|train_0" + i + "|alice|ml|gpu|COMPLETED|0:0|" + day + "T08:00:00|" + day
                    + "T08:00:00|" + day + "T09:00:00|3600|120|8|1|billing=8,cpu=8,mem=16G,node=1,gres/gpu=1|"
                    + "04:00:00|||||g01");
            lines.add("10" + i + ".0|python|||gpu|COMPLETED|0:0|" + day + "T08:00:00|" + day + "T08:00:00|" + day
                    + "T09:00:00|3600||8|1|cpu=8,mem=16G,node=1,gres/gpu=1|04:00:00|1|cpu=04:00:00,gres/gpumem=1G,"
                    + "gres/gpuutil=2,mem=2G|cpu=04:00:00,gres/gpumem=1G,gres/gpuutil=5,mem=2G|cpu=04:00:00,"
                    + "gres/gpumem=1G,gres/gpuutil=2,mem=2G|g01");
        }
        // bob prep_*: two runs of 10 min on 4 CPUs, 8 GiB, and one that ran out of memory
        lines.add("201|prep_1|bob|data|cpu|COMPLETED|0:0|2026-11-02T08:00:00|2026-11-02T08:00:00|"
                + "2026-11-02T08:10:00|600|30|4|1|billing=4,cpu=4,mem=8G,node=1|00:40:00|||||n01");
        lines.add("201.batch|batch|||cpu|COMPLETED|0:0|2026-11-02T08:00:00|2026-11-02T08:00:00|"
                + "2026-11-02T08:10:00|600||4|1|cpu=4,mem=8G,node=1|00:40:00|1|cpu=00:40:00,mem=3G|cpu=00:40:00,"
                + "mem=3G|cpu=00:40:00,mem=3G|n01");
        lines.add("202|prep_2|bob|data|cpu|COMPLETED|0:0|2026-11-03T08:00:00|2026-11-03T08:00:00|"
                + "2026-11-03T08:10:00|600|30|4|1|billing=4,cpu=4,mem=8G,node=1|00:40:00|||||n01");
        lines.add("202.batch|batch|||cpu|COMPLETED|0:0|2026-11-03T08:00:00|2026-11-03T08:00:00|"
                + "2026-11-03T08:10:00|600||4|1|cpu=4,mem=8G,node=1|00:40:00|1|cpu=00:40:00,mem=3G|cpu=00:40:00,"
                + "mem=3G|cpu=00:40:00,mem=3G|n01");
        lines.add("203|prep_3|bob|data|cpu|OUT_OF_MEMORY|0:125|2026-11-04T08:00:00|2026-11-04T08:00:00|"
                + "2026-11-04T08:05:00|300|30|4|1|billing=4,cpu=4,mem=8G,node=1|00:20:00|||||n01");
        Path f = Files.write(dir.resolve("history.txt"), lines);
        d.run(0, "ingest", "sacct", f.toString());
        return d;
    }

    @Test
    void theServiceGivesWhatTheCommandLinePrints() throws IOException {
        Doors d = ingested();
        Cli.Result r = d.run(0, "rightsize", "--since", "2026-11-01", "--json");
        Rightsize.Plan plan = new Rightsizing(d.context()).rightsize(new Rightsizing.Request(
                Instant.parse("2026-11-01T00:00:00Z"), null, null, null, null, null, null, null)).value();
        assertEquals(Doors.tree(r.out()), Doors.asJson(dev.reckon.report.JsonVocabulary.rightsize(plan)));
        JsonNode o = Doors.tree(r.out());
        assertEquals("signature", o.get("by").asText());
        assertEquals(7, o.get("jobs").asLong());
        assertEquals(95.0, o.get("defaults").get("percentile").asDouble());
        JsonNode train = o.get("groups").get(0);
        assertEquals("alice train_*", train.get("group").asText());
        // 1 GPU at 2%: the CPU lane; CPUs ceil(8 x 0.5 x 1.2) = 5; memory max(2 x 1.25, 2 + 0.5) = 2.5 GiB;
        // time max(3600 x 1.25, 3900) = 4500 s
        assertEquals("--cpus-per-task=5 --mem=2560M --time=01:15:00 --gpus=0", train.get("sbatch").asText());
        assertEquals(4.0, train.get("freed").get("gpu_hours").asDouble(), 1e-9);
        assertEquals(12.0, train.get("freed").get("cpu_hours").asDouble(), 1e-9);
        assertEquals(0.02, train.get("evidence").get("gpu_util").asDouble(), 1e-9);
        JsonNode prep = o.get("groups").get(1);
        assertEquals("bob prep_*", prep.get("group").asText());
        assertEquals(1, prep.get("evidence").get("oom").asInt());
        // 1.5 x 8 GiB after the OOM; time max(600 x 1.25, 900) = 15 min
        assertEquals("--cpus-per-task=4 --mem=12G --time=00:15:00", prep.get("sbatch").asText());
    }

    @Test
    void textMarkdownGroupingsAndSelections() throws IOException {
        Doors d = ingested();
        String text = d.run(0, "rightsize").out();
        assertTrue(text.contains("alice train_*: sbatch --cpus-per-task=5 --mem=2560M --time=01:15:00 --gpus=0"), text);
        assertTrue(text.contains("1 out of memory"), text);
        assertTrue(d.run(0, "rightsize", "--markdown").out().startsWith("# Right-sizing"));
        JsonNode byUser = Doors.tree(d.run(0, "rightsize", "--by", "user", "--json").out());
        assertEquals(2, byUser.get("groups").size());
        assertEquals("alice", byUser.get("groups").get(0).get("group").asText());
        JsonNode prep = Doors.tree(d.run(0, "rightsize", "--name", "prep_*", "--json").out());
        assertEquals(1, prep.get("groups").size());
        assertEquals(3, prep.get("jobs").asInt());
        JsonNode p50 = Doors.tree(d.run(0, "rightsize", "-u", "bob", "--percentile", "50", "--json").out());
        assertEquals(50.0, p50.get("defaults").get("percentile").asDouble());
        Cli.Result none = d.run(0, "rightsize", "--since", "2026-11-09");
        assertTrue(none.err().contains("no ended jobs match"), none.toString());
    }

    @Test
    void badRequestsNameTheOption() throws IOException {
        Doors d = ingested();
        assertTrue(d.run(2, "rightsize", "--by", "colour").err().contains("--by"));
        assertTrue(d.run(2, "rightsize", "--percentile", "101").err().contains("--percentile"));
        assertTrue(d.run(2, "rightsize", "--charter", "nope").err().contains("--charter"));
        assertThrows(BadRequest.class, () -> new Rightsizing(d.context()).rightsize(new Rightsizing.Request(null, null,
                null, null, null, null, "colour", null)));
    }

    @Test
    void aChartersJobsAndGroupingByCharter() throws IOException {
        Doors d = ingested();
        Files.writeString(d.charter("vision"), Files.readString(d.charters().resolve("vision.yaml"))
                + "match: {accounts: [ml]}\n");
        JsonNode one = Doors.tree(d.run(0, "rightsize", "--charter", "vision", "--json").out());
        assertEquals(4, one.get("jobs").asInt());
        JsonNode by = Doors.tree(d.run(0, "rightsize", "--by", "charter", "--json").out());
        List<String> groups = new ArrayList<>();
        by.get("groups").forEach(g -> groups.add(g.get("group").asText()));
        assertEquals(List.of("vision", "(no charter)"), groups);
    }

    @Test
    void gpuFiguresShowInJobAndJobs() throws IOException {
        Doors d = ingested();
        JsonNode j = Doors.tree(d.run(0, "job", "101", "--json").out());
        assertEquals(0.02, j.get("gpu_util").asDouble(), 1e-12);
        assertEquals(1L << 30, j.get("gpu_mem_peak_bytes").asLong());
        JsonNode all = Doors.tree(d.run(0, "jobs", "--json").out());
        for (JsonNode x : all) {
            assertTrue(x.has("gpu_util") && x.has("gpu_mem_peak_bytes"), x.toString());
        }
        assertTrue(all.get(all.size() - 1).get("gpu_util").isNull());
        String text = d.run(0, "job", "101").out();
        assertTrue(text.contains("GPU Utilization: 2.0%"), text);
        assertTrue(text.contains("GPU Memory Peak: 1.00 GiB"), text);
    }
}
