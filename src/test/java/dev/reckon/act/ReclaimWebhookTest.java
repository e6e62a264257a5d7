package dev.reckon.act;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.reckon.review.Review;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reclaim notices POSTed to a webhook on 127.0.0.1 (the JDK's own HTTP server; no outside network). */
class ReclaimWebhookTest {
    private static final Reclaim.Step STEP = new Reclaim.Step(Reclaim.Kind.NOTIFY, 1, "77", "c1", "bob", "train",
            Review.JobClass.HABITUAL, "recurs", 16, 2, 4L << 30, null, Instant.parse("2026-03-02T12:00:00Z"), "why",
            false, "");

    @Test
    void theNoticeIsPostedAsJsonAndAFailureIsReported() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        int[] status = {200};
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
            bodies.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(status[0], -1);
            ex.close();
        });
        server.start();
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
            Notices n = new Notices(uri, null);
            assertTrue(n.send(STEP.user(), Reclaim.payload(STEP)).contains("HTTP 200"));
            assertEquals(1, bodies.size());
            String[] parts = bodies.get(0).split(" ", 3);
            assertEquals("POST", parts[0]);
            assertEquals("application/json", parts[1]);
            JsonNode j = new ObjectMapper().readTree(parts[2]);
            assertEquals("77", j.get("job_id").asText());
            assertEquals("c1", j.get("cluster").asText());
            assertEquals("bob", j.get("user").asText());
            assertEquals("habitual", j.get("class").asText());
            assertEquals("recurs", j.get("reason").asText());
            assertEquals(16, j.get("cpus").asInt());
            assertEquals(2, j.get("gpus").asInt());
            assertEquals(4L << 30, j.get("mem_bytes").asLong());
            assertEquals("2026-03-02T12:00:00Z", j.get("cancel_after").asText());

            status[0] = 500;
            assertThrows(java.io.IOException.class, () -> n.send(STEP.user(), Reclaim.payload(STEP)));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theMailCommandGetsTheNoticeTextOnStdinAndTheUserLast(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path out = dir.resolve("mail.txt");
        Notices n = new Notices(null, List.of("/bin/sh", "-c", "for a; do last=$a; done; { echo \"first=$1\"; echo \"to=$last\"; cat; } > '" + out + "'", "x"));
        n.send(STEP.user(), Reclaim.payload(STEP));
        String got = java.nio.file.Files.readString(out);
        assertTrue(got.startsWith("first=--\nto=bob\n"), got);
        assertTrue(got.contains("your job 77 (\"train\") on cluster c1"), "plain text since issue 12: " + got);
        Notices failing = new Notices(null, List.of("/bin/sh", "-c", "exit 3", "x"));
        assertThrows(java.io.IOException.class, () -> failing.send(STEP.user(), Reclaim.payload(STEP)));
    }
}
