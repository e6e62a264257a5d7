package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reckon.exits.ExitsTest;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.Job;
import dev.reckon.model.Metric;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code reckon exits} end to end, in-process, over a ledger written directly and charter files on disk. */
class ExitsCommandTest {
    @TempDir
    Path dir;
    Cli cli;
    Path charters;

    static final String CHARTER = """
            id: %s
            purpose: Fine-tune the model on the support tickets.
            owner: alice
            budget: {gpu_hours: 100}
            window: {start: 2026-03-01, end: 2026-03-31}
            success: [val_acc >= 0.9]
            failure: [loss > 2.5 after 50 gpu_hours]
            on_exit: %s
            """;

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(dir);
        charters = dir.resolve("charters");
        Files.createDirectories(charters);
        Files.writeString(charters.resolve("llm.yaml"), CHARTER.formatted("llm", "notify"));
        Files.writeString(charters.resolve("won.yaml"), CHARTER.formatted("won", "notify") + "status: active\n");
        cli.env.put("RECKON_CHARTERS", charters.toString());
        Job a = ExitsTest.job("1", "llm", ExitsTest.S, null, 1);
        Job b = ExitsTest.job("2", "won", ExitsTest.S, ExitsTest.h(30), 1);
        try (Ledger l = Ledger.open(dir.resolve("ledger.db").toString())) {
            l.ingest("test", sink -> {
                sink.accept(a);
                sink.accept(b);
            }, Map.of());
            l.recordMetrics(List.of(new Metric("won", "val_acc", 0.95, ExitsTest.h(40), "2", "c", "test")));
        }
    }

    @Test
    void jsonGivesEachCharterItsVerdictBudgetBurnAndEvidence() throws Exception {
        Cli.Result r = cli.run("exits", "--at", ExitsTest.h(90).toString(), "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode all = new ObjectMapper().readTree(r.out());
        assertEquals(2, all.size());
        JsonNode llm = all.get(0);
        assertEquals("llm", llm.get("charter").asText());
        assertEquals("approaching", llm.get("verdict").asText());
        assertEquals("alice", llm.get("owner").asText());
        assertEquals(90, llm.get("used").get("gpu_hours").asDouble(), 1e-6);
        assertEquals(10, llm.get("left").get("gpu_hours").asDouble(), 1e-6);
        assertTrue(llm.get("left").get("cpu_hours").isNull());
        assertEquals(24, llm.get("burn_rate").get("gpu_hours_per_day").asDouble(), 1e-6);
        assertEquals(3.75, llm.get("burn_rate").get("days").asDouble(), 1e-6, "since its first job, less than 7 days ago");
        assertEquals(ExitsTest.h(100), Instant.parse(llm.get("projected_exhaustion_at").asText()));
        assertTrue(llm.get("exit_due_at").isNull());
        assertTrue(llm.get("evidence").isArray() && llm.get("evidence").size() > 0);
        JsonNode won = all.get(1);
        assertEquals("success-exit", won.get("verdict").asText());
        assertEquals(ExitsTest.h(40), Instant.parse(won.get("exit_due_at").asText()));
        assertTrue(won.get("projected_exhaustion_at").isNull() || won.has("projected_exhaustion_at"));
    }

    @Test
    void theTableSaysWhy() {
        Cli.Result r = cli.run("exits", "--at", ExitsTest.h(101).toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("overrun"), r.out());
        assertTrue(r.out().contains("llm: exit due: failure"), r.out());
        Cli.Result md = cli.run("exits", "--at", ExitsTest.h(101).toString(), "--markdown");
        assertTrue(md.out().startsWith("| CHARTER |"), md.out());
    }

    @Test
    void theCalendarAndTheIcsFile() throws Exception {
        Cli.Result early = cli.run("exits", "--at", ExitsTest.h(10).toString(), "--calendar");
        assertEquals(0, early.exit(), early.toString());
        assertTrue(!early.out().contains("projected-exhaustion"), "10 hours of burn project nothing: " + early.out());
        Cli.Result why = cli.run("exits", "--at", ExitsTest.h(10).toString(), "--json");
        assertTrue(why.out().contains("not enough history to project"), why.out());
        Cli.Result r = cli.run("exits", "--at", ExitsTest.h(80).toString(), "--calendar");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("projected-exhaustion"), "over three days of burn: a stop on the calendar: " + r.out());
        Path ics = dir.resolve("stops.ics");
        Cli.Result w = cli.run("exits", "--at", ExitsTest.h(10).toString(), "--ics", ics.toString());
        assertEquals(0, w.exit(), w.toString());
        assertTrue(Files.readString(ics).startsWith("BEGIN:VCALENDAR\r\n"));
    }

    @Test
    void enforceIsADryRunUntilApplyAndThenClosesTheCharterOnce() throws Exception {
        cli.env.put("RECKON_NOW", ExitsTest.h(50).toString());
        Cli.Result dry = cli.run("exits", "enforce");
        assertEquals(0, dry.exit(), dry.toString());
        assertTrue(dry.out().contains("notify-exit won") && dry.out().contains("close won"), dry.out());
        assertTrue(dry.out().contains("dry run"), dry.out());
        assertTrue(Files.readString(charters.resolve("won.yaml")).contains("status: active"));

        Path sent = dir.resolve("sent.txt");
        String mail = "cat >> " + sent + "; echo >> " + sent + "; echo to";
        Cli.Result applied = cli.run("exits", "enforce", "--apply", "--mail-command", mail);
        assertEquals(0, applied.exit(), applied.toString());
        assertTrue(applied.out().contains("close done won"), applied.out());
        String file = Files.readString(charters.resolve("won.yaml"));
        assertTrue(file.startsWith(CHARTER.formatted("won", "notify")), file);
        assertTrue(file.contains("status: succeeded") && file.contains("history:"), file);
        Cli.Result again = cli.run("exits", "enforce", "--apply", "--mail-command", mail);
        assertTrue(!again.out().contains("won"), again.out());
        assertEquals(1, Files.readString(sent).lines().filter(l -> l.startsWith("Charter: won")).count());

        Cli.Result closed = cli.run("exits", "--closed", "--json");
        JsonNode c = new ObjectMapper().readTree(closed.out());
        assertEquals(1, c.size());
        assertEquals("succeeded", c.get(0).get("status").asText());
        assertEquals(30, c.get(0).get("used").get("gpu_hours").asDouble(), 1e-6);
        assertEquals("val_acc", c.get(0).get("achieved").get(0).get("metric").asText());
    }

    @Test
    void applyNeedsAChannel() {
        Cli.Result r = cli.run("exits", "enforce", "--apply");
        assertEquals(Main.EXIT_USAGE, r.exit(), r.toString());
    }
}
