package dev.reckon.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reckon.core.BadRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IngestionTest {
    @TempDir
    Path one;
    @TempDir
    Path two;

    private static JsonNode withoutLedger(JsonNode report) {
        ObjectNode o = report.deepCopy();
        o.remove("ledger");
        return o;
    }

    @Test
    void clustersToReadAreOneListAndGoWithoutANameForTheirJobs() {
        assertEquals(List.of("reckon", "annex"),
                new Ingestion.SlurmRequest(null, null, null, List.of("reckon", " annex", "reckon", "")).clusters());
        assertEquals(List.of(), new Ingestion.SlurmRequest("hpc", null, null).clusters(), "without: this host's own");
        BadRequest both = assertThrows(BadRequest.class,
                () -> new Ingestion.SlurmRequest("hpc", null, null, List.of("annex")));
        assertEquals(true, both.getMessage().contains("--clusters"), both.getMessage());
        assertThrows(BadRequest.class, () -> new Ingestion.SlurmRequest(null, null, null, List.of("all", "annex")));
    }

    @Test
    void aSacctFileIngestsTheSameThroughBothDoors() throws IOException {
        Doors cli = new Doors(one);
        Doors app = new Doors(two);
        Path f = cli.fixture("slurm-22.05-parsable2.txt");
        JsonNode printed = Doors.tree(cli.run(0, "ingest", "sacct", f.toString(), "--json").out());
        Ingestion.Report r = new Ingestion(app.context())
                .sacct(new Ingestion.SacctRequest(f.toString(), null, null, null, null, null));
        assertEquals(withoutLedger(printed), withoutLedger(Doors.asJson(r)));
        assertEquals(app.cli.env.get("RECKON_LEDGER"), r.ledger());
        // the same jobs landed, and a second ingest changes nothing
        assertEquals(Doors.tree(cli.run(0, "jobs", "--json").out()), Doors.tree(app.run(0, "jobs", "--json").out()));
        Ingestion.Report again = new Ingestion(app.context())
                .sacct(new Ingestion.SacctRequest(f.toString(), null, "|", List.of(), null, null));
        assertEquals(new Ingestion.Report(f.toString(), r.ledger(), r.read(), 0, 0, r.read()), again);
    }

    @Test
    void standardInputWithAFieldListAndProgressIsHeard() throws IOException {
        Doors app = new Doors(two);
        byte[] text = "42|alice|COMPLETED|00:10:00|00:05:00|cpu=2,mem=1G\n".getBytes(StandardCharsets.UTF_8);
        List<Long> heard = new ArrayList<>();
        Ingestion.Report r = new Ingestion(app.context()).sacct(new Ingestion.SacctRequest("-",
                new ByteArrayInputStream(text), "|", List.of("JobID", "User", "State", "Elapsed", "TotalCPU", "AllocTRES"),
                null, "hpc"), heard::add);
        assertEquals(new Ingestion.Report("-", r.ledger(), 1, 1, 0, 0), r);
        assertEquals(List.of(), heard, "a count only every 100,000 jobs");
        assertEquals("hpc", Doors.tree(app.run(0, "job", "42", "--json").out()).get("cluster").asText());
    }

    @Test
    void badRequestsAndMissingFiles() {
        Ingestion in = new Ingestion(new Doors(two).context());
        BadRequest e = assertThrows(BadRequest.class, () -> in.sacct(new Ingestion.SacctRequest("x", null, "", null, null, null)));
        assertEquals("--delimiter: must not be empty", e.getMessage());
        assertThrows(FileNotFoundException.class,
                () -> in.sacct(new Ingestion.SacctRequest(two.resolve("nope").toString(), null, null, null, null, null)));
        assertThrows(FileNotFoundException.class, () -> in.swf(new Ingestion.SwfRequest(two.resolve("nope").toString(), null)));
    }

    @Test
    void anSwfTraceIngestsTheSameThroughBothDoors() throws IOException {
        Doors cli = new Doors(one);
        Doors app = new Doors(two);
        Path f = one.resolve("t.swf");
        Files.writeString(f, "; UnixStartTime: 1000000000\n"
                + "1 0 10 100 4 90 -1 4 200 -1 1 3 1 -1 1 -1 -1 -1\n"
                + "2 5 20 50 2 -1 -1 2 100 -1 0 4 1 -1 1 -1 -1 -1\n");
        JsonNode printed = Doors.tree(cli.run(0, "ingest", "swf", f.toString(), "--json").out());
        Ingestion.Report r = new Ingestion(app.context()).swf(new Ingestion.SwfRequest(f.toString(), null));
        assertEquals(withoutLedger(printed), withoutLedger(Doors.asJson(r)));
        assertEquals(2, r.read());
    }
}
