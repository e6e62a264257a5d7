package dev.reckon.serve;

import dev.reckon.app.Channels;
import dev.reckon.app.Context;
import dev.reckon.cli.Cli;
import dev.reckon.config.Config;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A ledger with the review fixture's jobs (alice's chartered fine-tuning, bob's habitual training, carol's orphaned
 * GPU job) and its charters, the command line on it, and {@code reckon serve} on it: what the serve tests share.
 */
final class Served implements AutoCloseable {
    static final String NOW = "2026-11-04T12:00:00Z";

    final Path home;
    final Path charters;
    final Cli cli;
    final ByteArrayOutputStream log = new ByteArrayOutputStream();
    Server server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    Served(Path home) throws IOException, URISyntaxException {
        this.home = home;
        cli = new Cli(home);
        cli.env.put("RECKON_NOW", NOW);
        charters = home.resolve("charters");
        cli.env.put("RECKON_CHARTERS", charters.toString());
        Files.createDirectories(charters);
        Files.writeString(charters.resolve("llm-ft.yaml"), String.join("\n",
                "id: llm-ft",
                "purpose: Fine-tune the 7B model on support tickets.",
                "owner: alice",
                "budget: {gpu_hours: 100, cpu_hours: 1000}",
                "window: {start: 2026-10-01, end: 2026-12-31}",
                "success: val_accuracy >= 0.92",
                "failure: loss > 2.5 after 50 gpu_hours",
                "history:",
                "  - {date: 2026-11-01, status: active, note: reviewed}",
                ""));
        Path fixture = Path.of(Served.class.getResource("/sacct/review-charters.txt").toURI());
        Cli.Result ingest = cli.run("ingest", "sacct", fixture.toString());
        assertEquals(0, ingest.exit(), ingest.toString());
    }

    Context context() {
        return new Context(Config.load(cli.env), Clock.fixed(Instant.parse(NOW), ZoneOffset.UTC), "test");
    }

    Served start(String token, boolean allowActions, Channels channels) {
        return start(token, allowActions, channels, List.of());
    }

    Served start(String token, boolean allowActions, Channels channels, List<Server.Mount> mounts) {
        Path machine = home.resolve("nodes.txt");
        try {
            Files.writeString(machine, "n 4 32 256G 4 cpu,gpu\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        server = Server.start(context(), new Server.Options("127.0.0.1", 0, token, allowActions, null, "30d", null, machine,
                channels, new PrintStream(log, true, StandardCharsets.UTF_8)), mounts);
        return this;
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(120)).GET();
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    HttpResponse<String> post(String path, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        if (server != null) server.close();
    }
}
