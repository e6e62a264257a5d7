package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.AuditEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Cli withLog() {
        Cli cli = new Cli(dir);
        cli.env.put("RECKON_NOW", "2026-11-10T00:00:00Z");
        try (Ledger l = Ledger.open(cli.env.get("RECKON_LEDGER"))) {
            l.audit(new AuditEntry(Instant.parse("2026-11-09T12:00:00Z"), "root", "cancel", "hpc", "100", null, true,
                    "scancel 100"));
            l.audit(new AuditEntry(Instant.parse("2026-10-01T00:00:00Z"), "root", "notify", "hpc", "100", "vision",
                    true, "mailed alice"));
            l.audit(new AuditEntry(Instant.parse("2026-11-09T11:00:00Z"), "root", "dry-run", "hpc", "101", null, false,
                    "would cancel"));
        }
        return cli;
    }

    private static List<String> actions(JsonNode entries) {
        return java.util.stream.StreamSupport.stream(entries.spliterator(), false)
                .map(e -> e.get("action").asText()).toList();
    }

    @Test
    void auditEntriesAreListedInTimeOrderAndFilteredByJobAndWindow() throws IOException {
        Cli cli = withLog();
        Cli.Result all = cli.run("audit", "--json");
        assertEquals(0, all.exit(), all.toString());
        assertEquals(List.of("notify", "dry-run", "cancel"), actions(JSON.readTree(all.out())));
        assertEquals(List.of("notify", "cancel"), actions(JSON.readTree(cli.run("audit", "--job", "100", "--json").out())));
        assertEquals(List.of("dry-run", "cancel"), actions(JSON.readTree(cli.run("audit", "--since", "30d", "--json").out())));
        assertEquals(List.of("notify"),
                actions(JSON.readTree(cli.run("audit", "--until", "2026-11-09", "--json").out())));
    }

    @Test
    void theJsonHasSnakeCaseKeysAndIsoTimes() throws IOException {
        JsonNode e = JSON.readTree(withLog().run("audit", "--json").out()).get(0);
        assertEquals("2026-10-01T00:00:00Z", e.get("at").asText());
        assertEquals("100", e.get("job_id").asText());
        assertEquals("vision", e.get("charter").asText());
        assertTrue(e.get("applied").asBoolean());
        assertEquals("mailed alice", e.get("detail").asText());
        assertEquals("root", e.get("actor").asText());
        assertEquals("hpc", e.get("cluster").asText());
    }

    @Test
    void theTableShowsWhetherEachActionWasApplied() {
        Cli.Result r = withLog().run("audit", "--job", "101");
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith("TIME"));
        assertTrue(lines.get(1).contains("dry-run") && lines.get(1).contains(" no ")
                && lines.get(1).contains("would cancel"), r.out());
    }

    @Test
    void anEmptyLogSaysSoAndABadTimeIsAUsageError() {
        Cli cli = new Cli(dir).withEmptyLedger();
        Cli.Result r = cli.run("audit");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("no entries"), r.err());
        assertFalse(r.out().contains("TIME"));
        assertEquals(Main.EXIT_USAGE, cli.run("audit", "--since", "last tuesday").exit());
    }
}
