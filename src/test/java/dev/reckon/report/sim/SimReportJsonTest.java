package dev.reckon.report.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reckon.core.Json;
import dev.reckon.sim.Machine;
import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.SimResult;
import dev.reckon.sim.Simulator;
import dev.reckon.sim.Workload;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The streamed jobs of {@code simulate --json}: every job a row, any id or tag escaped as JSON wants. */
class SimReportJsonTest {

    @Test
    void idsAndTagsWithQuotesBackslashesControlsAndNonAsciiReadBackAsTheyWere() throws Exception {
        String[] ids = {"1", "a\"b", "c\\d", "tab\there", "bell\u0007", "zürich-7", "日本", "x".repeat(3000)};
        Workload.Builder b = new Workload.Builder();
        for (int i = 0; i < ids.length; i++) {
            b.add(ids[i], i * 10L, 100, 50 + i, 1, 2, 0, 0, "u", null, i % 2 == 0 ? "t\"" + i : null);
        }
        Machine m = new Machine(java.util.List.of(new Machine.Group("g \"one\"", 2, 4, 0, 0, Set.of())));
        SimResult r = Simulator.run(m, b.build(), "easy", SimDefaults.load());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SimReport.json(r, null, "test", out);
        String text = out.toString(StandardCharsets.UTF_8);
        JsonNode d = Json.mapper().readTree(text);
        assertEquals(ids.length, d.get("jobs").size());
        for (int i = 0; i < ids.length; i++) {
            JsonNode j = d.get("jobs").get(i);
            assertEquals(ids[i], j.get("job_id").asText());
            assertEquals("g \"one\"", j.get("group").asText());
            assertEquals(r.start(i), j.get("start_s").asLong());
            assertEquals(r.end(i) - r.start(i), j.get("run_s").asLong());
            if (i % 2 == 0) assertEquals("t\"" + i, j.get("tag").asText());
            else assertFalse(j.has("tag"));
        }
        assertEquals(ids.length, d.get("metrics").get("jobs").asInt());
    }

    @Test
    void theMachineIsWrittenAsEveryOtherJsonWritesIt() throws Exception {
        Machine m = new Machine(java.util.List.of(new Machine.Group("a\"b", 2, 4, 8L << 30, 2, Set.of("debug", "gpu")),
                new Machine.Group("plain", 1, 1, 0, 0, Set.of())));
        Workload w = new Workload.Builder().add("1", 0, 10, 10, 0, 1, 0, 0, null, null, null).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SimReport.json(Simulator.run(m, w, "easy", SimDefaults.load()), null, "test", out);
        assertEquals(Json.mapper().readTree(Json.write(m.groups())), Json.mapper().readTree(out.toByteArray()).get("machine"));
    }

    @Test
    void noJobWritesAnEmptyArray() throws Exception {
        Machine m = Machine.of(1, 1, 0, 0);
        Workload w = new Workload.Builder().add("big", 0, 10, 10, 0, 8, 0, 0, null, null, null).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SimReport.json(Simulator.run(m, w, "fcfs", SimDefaults.load()), null, "test", out);
        JsonNode d = Json.mapper().readTree(out.toByteArray());
        assertEquals(0, d.get("jobs").size());
        assertEquals(1, d.get("dropped").size());
    }
}
