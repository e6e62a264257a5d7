package dev.reckon.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reckon.cli.Cli;
import dev.reckon.cli.Main;
import dev.reckon.review.UsageTally;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** reckon usage (issue 12, item 7) through both doors, on a ledger ingested from sacct text. */
class AccountingTest {
    @TempDir
    Path dir;

    private static final String HEADER = "JobID|JobName|User|Account|Partition|State|ExitCode|Submit|Start|End|"
            + "ElapsedRaw|TimelimitRaw|AllocCPUS|NNodes|AllocTRES|TotalCPU|NTasks|NodeList|Comment";

    private static String job(String id, String name, String user, String account, String partition, String start,
                              long seconds, String tres, String comment) {
        Instant s = Instant.parse(start + "Z");
        String end = s.plusSeconds(seconds).toString().replace("Z", "");
        return id + "|" + name + "|" + user + "|" + account + "|" + partition + "|COMPLETED|0:0|" + start + "|" + start
                + "|" + end + "|" + seconds + "|600|" + tres.replaceAll(".*cpu=(\\d+).*", "$1") + "|1|" + tres
                + "|00:01:00||n1|" + comment;
    }

    private Doors ingested() throws IOException {
        Doors d = new Doors(dir);
        List<String> lines = new ArrayList<>(List.of(HEADER));
        // alice: 2 jobs of 2 h on 4 CPUs, 1 GPU, 8 GiB, for charter llm-ft (one on each of two days)
        lines.add(job("1", "train", "alice", "ml", "gpu", "2026-11-03T10:00:00", 7200,
                "billing=4,cpu=4,mem=8G,node=1,gres/gpu=1", "charter=llm-ft"));
        lines.add(job("2", "train", "alice", "ml", "gpu", "2026-11-04T10:00:00", 7200,
                "billing=4,cpu=4,mem=8G,node=1,gres/gpu=1", "charter=llm-ft"));
        // bob: 1 job of 1 h on 16 CPUs, 4 GiB, no charter
        lines.add(job("3", "prep", "bob", "data", "cpu", "2026-11-05T10:00:00", 3600,
                "billing=16,cpu=16,mem=4G,node=1", ""));
        // carol: 10 h on 1 CPU from 2026-10-31T20:00: 6 h of it inside a window from 2026-11-01
        lines.add(job("4", "long", "carol", "data", "cpu", "2026-10-31T20:00:00", 36000,
                "billing=1,cpu=1,mem=1G,node=1", ""));
        Path f = Files.write(dir.resolve("history.txt"), lines);
        d.run(0, "ingest", "sacct", f.toString());
        Files.writeString(d.charters().resolve("llm-ft.yaml"), """
                id: llm-ft
                purpose: Fine-tune the model on the support tickets.
                owner: alice
                budget: {gpu_hours: 8, cpu_hours: 100}
                window: {start: 2026-11-01, end: 2026-12-31}
                success: val_accuracy >= 0.9
                failure: loss > 3 after 5 gpu_hours
                """);
        return d;
    }

    @Test
    void usageByUserSumsTheHoursInsideTheWindowLargestFirstWithShares() throws IOException {
        Doors d = ingested();
        Cli.Result r = d.run(0, "usage", "--by", "user", "--since", "2026-11-01", "--until", "2026-11-10", "--json");
        JsonNode o = Doors.tree(r.out());
        assertEquals(Set.of("since", "until", "by", "per", "sort", "total", "groups"), keys(o));
        JsonNode first = o.get("groups").get(0);
        assertEquals(Set.of("name", "jobs", "cpu_hours", "gpu_hours", "mem_gb_hours", "cpu_share", "gpu_share",
                "mem_gb_share", "budget", "budget_used", "periods"), keys(first));
        assertEquals(List.of("alice", "bob", "carol"), names(o));
        assertEquals(16.0, first.get("cpu_hours").asDouble(), 1e-9, "2 jobs x 2 h x 4 CPUs");
        assertEquals(4.0, first.get("gpu_hours").asDouble(), 1e-9);
        assertEquals(32.0, first.get("mem_gb_hours").asDouble(), 1e-9);
        assertEquals(6.0, o.get("groups").get(2).get("cpu_hours").asDouble(), 1e-9, "carol: only the 6 h inside");
        assertEquals(38.0, o.get("total").get("cpu_hours").asDouble(), 1e-9);
        assertEquals(16 / 38.0, first.get("cpu_share").asDouble(), 1e-9);
        assertEquals(1.0, first.get("gpu_share").asDouble(), 1e-9);
        assertEquals(4, o.get("total").get("jobs").asLong());

        // the service gives what the command line prints
        UsageTally.Summary s = new Accounting(d.context()).usage(new Accounting.Request("user",
                Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-10T00:00:00Z"), null, false, null,
                null)).value();
        assertEquals(List.of("alice", "bob", "carol"), s.groups().stream().map(UsageTally.Group::name).toList());

        Cli.Result text = d.run(0, "usage", "--since", "2026-11-01", "--until", "2026-11-10");
        assertTrue(text.out().startsWith("Usage by user from 2026-11-01T00:00:00 to 2026-11-10T00:00:00"), text.out());
        assertTrue(text.out().contains("total"), text.out());
        Cli.Result md = d.run(0, "usage", "--by", "account", "--since", "2026-11-01", "--until", "2026-11-10",
                "--markdown");
        assertTrue(md.out().contains("| ACCOUNT | JOBS |"), md.out());
        assertTrue(md.out().indexOf("| data |") > md.out().indexOf("| ml |") || md.out().contains("| data |"), md.out());
    }

    @Test
    void byCharterShowsEachCharterAgainstItsBudgetAndTheRestUnclaimed() throws IOException {
        Doors d = ingested();
        JsonNode o = Doors.tree(d.run(0, "usage", "--by", "charter", "--since", "2026-11-01", "--until",
                "2026-11-10", "--json").out());
        assertEquals("gpu", o.get("sort").asText());
        JsonNode llm = o.get("groups").get(0);
        assertEquals("llm-ft", llm.get("name").asText());
        assertEquals(8.0, llm.get("budget").get("gpu_hours").asDouble(), 1e-9);
        assertEquals(0.5, llm.get("budget_used").get("gpu").asDouble(), 1e-9, "4 of 8 GPU-hours");
        assertEquals(0.16, llm.get("budget_used").get("cpu").asDouble(), 1e-9, "16 of 100 CPU-hours");
        assertTrue(llm.get("budget_used").get("mem_gb").isNull(), "memory not limited");
        assertEquals("(no charter)", o.get("groups").get(1).get("name").asText());
        assertTrue(o.get("groups").get(1).get("budget").isNull());
    }

    @Test
    void oneCharterOverTimeFromItsStartPerDayWithRunningTotals() throws IOException {
        Doors d = ingested();
        JsonNode o = Doors.tree(d.run(0, "usage", "--charter", "llm-ft", "--json").out());
        assertEquals("charter", o.get("by").asText());
        assertEquals("day", o.get("per").asText());
        assertEquals("2026-11-01T00:00Z", o.get("since").asText().replace(":00Z", "Z").replace("+00:00", "Z"));
        assertEquals(1, o.get("groups").size(), "only that charter");
        JsonNode periods = o.get("groups").get(0).get("periods");
        assertEquals(9, periods.size(), "2026-11-01 to now (2026-11-10), per day");
        JsonNode nov3 = periods.get(2);
        assertTrue(nov3.get("start").asText().startsWith("2026-11-03T00:00"), nov3.toString());
        assertEquals(Set.of("start", "end", "jobs", "cpu_hours", "gpu_hours", "mem_gb_hours", "cumulative",
                "budget_used"), keys(nov3));
        assertEquals(2.0, nov3.get("gpu_hours").asDouble(), 1e-9);
        assertEquals(0.25, nov3.get("budget_used").get("gpu").asDouble(), 1e-9);
        JsonNode last = periods.get(8);
        assertEquals(4.0, last.get("cumulative").get("gpu_hours").asDouble(), 1e-9);
        assertEquals(0.5, last.get("budget_used").get("gpu").asDouble(), 1e-9);

        Cli.Result text = d.run(0, "usage", "--charter", "llm-ft");
        assertTrue(text.out().contains("charter llm-ft per day, against its budget of 8 GPU-h, 100 CPU-h"), text.out());
        assertTrue(text.out().contains("50.0%"), text.out());

        Cli.Result weeks = d.run(0, "usage", "--by", "user", "--over-time", "--per", "week", "--since", "2026-11-01",
                "--until", "2026-11-10", "--json");
        JsonNode alice = Doors.tree(weeks.out()).get("groups").get(0);
        assertEquals(3, alice.get("periods").size(), "Sun 1 Nov, the week from Mon 2 Nov, from Mon 9 Nov");
        assertNull(alice.get("budget_used").textValue());
    }

    @Test
    void wrongGroupingsAndUnknownChartersAreUsageErrors() throws IOException {
        Doors d = ingested();
        assertTrue(d.run(Main.EXIT_USAGE, "usage", "--by", "colour").err().contains("--by"));
        assertTrue(d.run(Main.EXIT_USAGE, "usage", "--charter", "nope").err().contains("--charter"));
        assertTrue(d.run(Main.EXIT_USAGE, "usage", "--json", "--markdown").err().contains("choose one"));
        assertTrue(d.run(Main.EXIT_USAGE, "usage", "--per", "month", "--over-time").err().contains("--per"));
    }

    private static Set<String> keys(JsonNode o) {
        Set<String> k = new java.util.HashSet<>();
        o.fieldNames().forEachRemaining(k::add);
        return k;
    }

    private static List<String> names(JsonNode o) {
        List<String> n = new ArrayList<>();
        o.get("groups").forEach(g -> n.add(g.get("name").asText()));
        return n;
    }
}
