package dev.reckon.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.reckon.app.Channels;
import dev.reckon.cli.Cli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code reckon serve}'s refusals: no token off loopback, read-only unless actions are allowed, actions POST-only with
 * the bearer token and dry runs unless asked, no cross-origin POST, no foreign Host on loopback; and what an action
 * does is audited with the caller.
 */
class ServeSecurityTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "s3cret-token-for-tests";
    static final String BEARER = "Bearer " + TOKEN;

    @TempDir
    Path home;
    Served s;
    HttpServer hook;

    @AfterEach
    void stop() {
        if (s != null) s.close();
        if (hook != null) hook.stop(0);
    }

    @Test
    void bindingToTheNetworkWithoutATokenRefusesToStart() throws Exception {
        Cli cli = new Cli(home).withEmptyLedger();
        Cli.Result r = cli.run("serve", "--bind", "0.0.0.0", "--port", "0");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--bind 0.0.0.0: not a loopback address, and no --token-file"), r.err());
        Cli.Result actions = cli.run("serve", "--allow-actions", "--port", "0");
        assertEquals(2, actions.exit(), actions.toString());
        assertTrue(actions.err().contains("--allow-actions needs --token-file"), actions.err());
        Files.writeString(home.resolve("empty"), "\n");
        Cli.Result empty = cli.run("serve", "--bind", "0.0.0.0", "--token-file", home.resolve("empty").toString());
        assertEquals(2, empty.exit(), empty.toString());
        assertTrue(empty.err().contains("the file is empty"), empty.err());
    }

    @Test
    void withoutAllowActionsTheServerIsReadOnly() throws Exception {
        s = new Served(home).start(null, false, null);
        HttpResponse<String> r = s.post("/api/actions/reclaim", "{\"apply\": true}");
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains("--allow-actions"), r.body());
        assertEquals("[ ]\n", s.get("/api/audit").body(), "nothing was done");
    }

    @Test
    void aTokenGuardsEveryRouteAndABrowserMayGiveItAsThePassword() throws Exception {
        s = new Served(home).start(TOKEN, false, null);
        HttpResponse<String> none = s.get("/api/review");
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertEquals(401, s.get("/api/review", "Authorization", "Bearer wrong").statusCode());
        assertEquals(401, s.get("/metrics").statusCode());
        assertEquals(200, s.get("/api/review", "Authorization", BEARER).statusCode());
        HttpResponse<String> page = s.get("/review");
        assertEquals(401, page.statusCode());
        assertTrue(page.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), "a browser asks for it");
        String basic = "Basic " + Base64.getEncoder().encodeToString(("me:" + TOKEN).getBytes(StandardCharsets.UTF_8));
        assertEquals(200, s.get("/review", "Authorization", basic).statusCode());
    }

    @Test
    void actionsArePostOnlyNeedTheBearerTokenAreDryRunsUnlessAskedAndRefuseOtherOrigins() throws Exception {
        List<String> notices = new ArrayList<>();
        hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/", ex -> {
            notices.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        s = new Served(home).start(TOKEN, true, new Channels("http://127.0.0.1:" + hook.getAddress().getPort() + "/", null));

        assertEquals(401, s.post("/api/actions/reclaim", "{}").statusCode(), "no token");
        String basic = "Basic " + Base64.getEncoder().encodeToString(("me:" + TOKEN).getBytes(StandardCharsets.UTF_8));
        assertEquals(401, s.post("/api/actions/reclaim", "{}", "Authorization", basic).statusCode(),
                "a browser's remembered password is no bearer token");
        assertEquals(405, s.get("/api/actions/reclaim", "Authorization", BEARER).statusCode(), "POST only");
        HttpResponse<String> foreign = s.post("/api/actions/reclaim", "{\"apply\": true}", "Authorization", BEARER,
                "Origin", "https://evil.example");
        assertEquals(403, foreign.statusCode(), foreign.body());
        assertEquals(400, s.post("/api/actions/reclaim", "{\"apply\": \"yes\"}", "Authorization", BEARER).statusCode());

        // a dry run: the plan, as reckon reclaim --json prints it, and nothing sent
        HttpResponse<String> dry = s.post("/api/actions/reclaim", "{\"since\": \"2026-11-02\"}", "Authorization", BEARER,
                "Origin", s.url(""));
        assertEquals(200, dry.statusCode(), dry.body());
        Cli.Result cli = s.cli.run("reclaim", "--since", "2026-11-02", "--json");
        assertEquals(cli.out(), dry.body(), "the same plan as the command line's");
        assertTrue(JSON.readTree(dry.body()).size() > 0, dry.body());
        assertEquals(List.of(), notices, "a dry run tells nobody");
        HttpResponse<String> hold = s.post("/api/actions/hold", "{\"since\": \"2026-11-02\", \"jobs\": [\"101\"]}",
                "Authorization", BEARER);
        assertEquals(200, hold.statusCode(), hold.body());
        assertEquals(s.cli.run("hold", "--since", "2026-11-02", "--json", "101").out(), hold.body(),
                "the same hold plan as the command line's");
        assertEquals(400, s.post("/api/actions/hold", "{\"jobs\": \"101\"}", "Authorization", BEARER).statusCode(),
                "jobs is a list");
        assertEquals(405, s.get("/api/actions/hold", "Authorization", BEARER).statusCode(), "POST only");

        // asked to apply: done, and audited with the caller
        HttpResponse<String> done = s.post("/api/actions/reclaim", "{\"since\": \"2026-11-02\", \"apply\": true}",
                "Authorization", BEARER, "X-Reckon-Caller", "ops-dashboard");
        assertEquals(200, done.statusCode(), done.body());
        // (the fixture's jobs are of cluster hpc, which this host's Slurm does not serve: each notice is tried, refused
        // by the actions seam, and audited as not done; the caller is named all the same)
        assertTrue(JSON.readTree(done.body()).size() > 0, done.body());
        JsonNode audit = JSON.readTree(s.get("/api/audit", "Authorization", BEARER).body());
        assertTrue(audit.size() > 0, "audited");
        for (JsonNode e : audit) {
            assertEquals("web:127.0.0.1:ops-dashboard", e.get("actor").asText(), e.toString());
            assertEquals("notify", e.get("action").asText(), e.toString());
        }
    }

    @Test
    void aServletMountedAtMcpIsBehindTheSameGuard() throws Exception {
        jakarta.servlet.http.HttpServlet echo = new jakarta.servlet.http.HttpServlet() {
            @Override
            protected void service(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse res)
                    throws java.io.IOException {
                res.setContentType("application/json");
                res.getWriter().write("{\"mounted\": \"" + req.getMethod() + "\"}");
            }
        };
        s = new Served(home).start(TOKEN, false, null, List.of(new Server.Mount("/mcp/*", echo)));
        assertEquals(401, s.post("/mcp", "{}").statusCode(), "no token");
        assertEquals(403, s.post("/mcp", "{}", "Authorization", BEARER, "Origin", "https://evil.example").statusCode());
        HttpResponse<String> ok = s.post("/mcp", "{}", "Authorization", BEARER);
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("{\"mounted\": \"POST\"}", ok.body());
        assertTrue(ok.headers().firstValue("Content-Security-Policy").isPresent(), "the security headers too");
        assertEquals(200, s.get("/api/review", "Authorization", BEARER).statusCode(), "the rest still served");
    }

    @Test
    void aPageOfAnotherSiteCannotReadTheLoopbackServerThroughItsOwnName() throws Exception {
        s = new Served(home).start(null, false, null);
        try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/review HTTP/1.1\r\nHost: attacker.example:" + s.server.port()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertTrue(status.contains(" 403"), status);
        }
        assertEquals(200, s.get("/api/review").statusCode(), "its own address is fine");
    }
}
