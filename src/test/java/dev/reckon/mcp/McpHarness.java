package dev.reckon.mcp;

import dev.reckon.app.Channels;
import dev.reckon.app.Context;
import dev.reckon.cli.Cli;
import dev.reckon.config.Config;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.Metric;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small cluster's ledger and charters (the review fixture: a charter that succeeded while its job runs on, and
 * undefended work), reckon's MCP server on them over streamable HTTP in a Jetty of the test's own, and clients.
 */
final class McpHarness {
    static final Instant NOW = Instant.parse("2026-11-04T12:00:00Z");
    static final String CLIENT = "reckon-test-agent";

    final Path home;
    final Map<String, String> env = new HashMap<>();
    final Path charters;
    private Server jetty;
    private ReckonMcp.Http http;
    private dev.reckon.serve.Server web;
    private final List<McpSyncClient> clients = new java.util.ArrayList<>();

    McpHarness(Path home) throws Exception {
        this.home = home;
        env.put("HOME", home.toString());
        env.put("RECKON_LEDGER", home.resolve("ledger.db").toString());
        env.put("RECKON_TZ", "UTC");
        env.put("RECKON_NOW", NOW.toString());
        charters = home.resolve("charters");
        Files.createDirectories(charters);
        env.put("RECKON_CHARTERS", charters.toString());
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
        Path fixture = Path.of(getClass().getResource("/sacct/review-charters.txt").toURI());
        Cli.Result r = cli().run("ingest", "sacct", fixture.toString());
        if (r.exit() != 0) throw new IllegalStateException(r.toString());
        try (Ledger ledger = Ledger.open(env.get("RECKON_LEDGER"))) {
            ledger.recordMetrics(List.of(new Metric("llm-ft", "val_accuracy", 0.95,
                    Instant.parse("2026-11-04T08:00:00Z"), null, "hpc", "test")));
        }
    }

    Cli cli() {
        Cli c = new Cli(home);
        c.env.putAll(env);
        return c;
    }

    Context context() {
        return new Context(Config.load(env), Clock.fixed(NOW, ZoneOffset.UTC), "tester");
    }

    ReckonMcp.Settings settings(boolean allowActions, Channels channels) {
        return new ReckonMcp.Settings(context(), allowActions, channels, new PrintStream(PrintStream.nullOutputStream()));
    }

    /** Starts the server over streamable HTTP at http://127.0.0.1:PORT/mcp; returns the URL. */
    String serve(ReckonMcp.Settings settings) throws Exception {
        http = ReckonMcp.http(settings);
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder holder = new ServletHolder(http.servlet());
        holder.setAsyncSupported(true);
        context.addServlet(holder, ReckonMcp.ENDPOINT);
        jetty.setHandler(context);
        jetty.start();
        return "http://127.0.0.1:" + connector.getLocalPort() + ReckonMcp.ENDPOINT;
    }

    /**
     * Starts {@code reckon serve}'s web server on loopback with the MCP server mounted at /mcp, as {@code reckon
     * serve} mounts it; returns the MCP endpoint's URL.
     */
    String serveInsideReckonServe(ReckonMcp.Settings settings) {
        http = ReckonMcp.http(settings);
        web = dev.reckon.serve.Server.start(settings.context(), new dev.reckon.serve.Server.Options("127.0.0.1", 0,
                        null, false, null, "30d", null, null, dev.reckon.app.Channels.NONE,
                        new PrintStream(PrintStream.nullOutputStream())),
                List.of(new dev.reckon.serve.Server.Mount(ReckonMcp.ENDPOINT, http.servlet())));
        return "http://127.0.0.1:" + web.port() + ReckonMcp.ENDPOINT;
    }

    /** A client of the SDK, initialised, that names itself {@link #CLIENT}. */
    McpSyncClient client(String url) {
        String base = url.substring(0, url.length() - ReckonMcp.ENDPOINT.length());
        McpSyncClient c = McpClient.sync(HttpClientStreamableHttpTransport.builder(base).endpoint(ReckonMcp.ENDPOINT)
                        .build())
                .clientInfo(new McpSchema.Implementation(CLIENT, "1.0"))
                .requestTimeout(Duration.ofMinutes(2)).initializationTimeout(Duration.ofMinutes(2)).build();
        clients.add(c);
        c.initialize();
        return c;
    }

    void close() throws Exception {
        for (McpSyncClient c : clients) c.closeGracefully();
        if (http != null) http.close();
        if (jetty != null) jetty.stop();
        if (web != null) web.close();
    }
}
