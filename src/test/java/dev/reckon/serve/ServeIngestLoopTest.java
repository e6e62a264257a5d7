package dev.reckon.serve;

import dev.reckon.app.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ingest loop ({@code --ingest-every}): a run that fails is logged and counted, and the server goes on. */
class ServeIngestLoopTest {
    @TempDir
    Path home;

    @Test
    void aFailedIngestIsLoggedAndCountedAndTheServerGoesOn() throws Exception {
        Served s = new Served(home);
        // a ledger that cannot be written (a path under a regular file): every ingest fails, whether or not Slurm runs
        Path file = Files.writeString(home.resolve("not-a-dir"), "x");
        Context broken = new Context(s.context().config().withLedger(file.resolve("ledger.db").toString()),
                s.context().clock(), "test");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Server server = Server.start(broken, new Server.Options("127.0.0.1", 0, null, false, Duration.ofMinutes(15),
                "30d", null, null, null, new PrintStream(log, true, StandardCharsets.UTF_8)), List.of())) {
            server.ingestOnce();
            server.ingestOnce();
            String said = log.toString(StandardCharsets.UTF_8);
            assertTrue(said.contains("reckon serve: ingest failed (tried again in 15m)"), said);
            s.server = server;
            String metrics = s.get("/metrics").body();
            assertTrue(metrics.contains("reckon_ingest_runs_total{result=\"failed\"} 2.0"), metrics);
            assertEquals(200, s.get("/metrics").statusCode(), "still serving");
            s.server = null;
        }
    }
}
