package dev.reckon.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reckon.core.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * reckon's MCP server driven by real clients from npm, as 'scripts/mcp-clients install' installs them: the MCP
 * Inspector's command line over stdio ({@code reckon mcp} as a process), and the MCP conformance suite's server
 * scenarios that apply to any server, over streamable HTTP. Skipped when they are not installed, unless
 * RECKON_REQUIRE_MCP=1 (scripts/test sets it).
 */
class McpRealClientsTest {
    static final Path SCRIPT = Path.of("scripts/mcp-clients").toAbsolutePath();
    /** The conformance suite's server scenarios that any server must pass (the others need its own test tools). */
    static final List<String> SCENARIOS = List.of("server-initialize", "ping", "tools-list", "resources-list",
            "prompts-list", "logging-set-level", "dns-rebinding-protection");

    @TempDir
    Path home;
    McpHarness h;

    @BeforeEach
    void setUp() throws Exception {
        boolean ready = run(List.of(SCRIPT.toString(), "ready"), 60).exit() == 0;
        if ("1".equals(System.getenv("RECKON_REQUIRE_MCP")))
            assertTrue(ready, "RECKON_REQUIRE_MCP=1 but the MCP clients are not installed: run scripts/mcp-clients install");
        assumeTrue(ready, "the MCP clients are not installed (scripts/mcp-clients install)");
        h = new McpHarness(home);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (h != null) h.close();
    }

    record Ran(int exit, String out) {}

    static Ran run(List<String> command, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = e.toString().getBytes(StandardCharsets.UTF_8);
            }
        });
        reader.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            reader.join(5_000);
            return new Ran(124, out[0] == null ? "(timed out)" : new String(out[0], StandardCharsets.UTF_8));
        }
        reader.join();
        return new Ran(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
    }

    /** A launcher like ./reckon for this build: java on the test's class path, with the harness's environment. */
    Path launcher() throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        StringBuilder b = new StringBuilder("#!/bin/sh\n");
        for (Map.Entry<String, String> e : h.env.entrySet()) b.append("export ").append(e.getKey()).append("='")
                .append(e.getValue()).append("'\n");
        b.append("exec '").append(Path.of(System.getProperty("java.home"), "bin", "java")).append("' -cp '").append(cp)
                .append("' dev.reckon.cli.Main \"$@\"\n");
        Path f = home.resolve("reckon");
        Files.writeString(f, b.toString());
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    Ran inspector(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(SCRIPT.toString(), "inspector", "--cli", launcher().toString(), "mcp"));
        // the JVM may start slowly on a busy machine: the Inspector's own 15 s would fail the connection
        cmd.addAll(List.of("--connect-timeout", "240000"));
        cmd.addAll(List.of(args));
        return run(cmd, 300);
    }

    static JsonNode json(Ran r) throws Exception {
        String out = r.out();
        int start = out.indexOf('{');
        assertTrue(start >= 0, out);
        return Json.mapper().readTree(out.substring(start));
    }

    @Test
    void theInspectorListsTheToolsAndCallsThem() throws Exception {
        Ran list = inspector("--method", "tools/list");
        assertEquals(0, list.exit(), list.out());
        List<String> names = new ArrayList<>();
        json(list).get("tools").forEach(t -> names.add(t.get("name").asText()));
        assertTrue(names.containsAll(McpToolsTest.TOOLS), names.toString());

        Ran jobs = inspector("--method", "tools/call", "--tool-name", "jobs", "--tool-arg", "user=bob");
        assertEquals(0, jobs.exit(), jobs.out());
        JsonNode result = json(jobs);
        assertFalse(result.path("isError").asBoolean(), jobs.out());
        JsonNode viaCli = Json.mapper().readTree(h.cli().run("jobs", "--user", "bob", "--json").out());
        assertEquals(viaCli, Json.mapper().readTree(result.get("content").get(0).get("text").asText()),
                "the text content is the CLI's --json");
        // JavaScript prints 16.0 as 16: the structured content is the same array, number for number
        assertTrue(viaCli.equals((a, b) -> a.isNumber() && b.isNumber()
                        ? Double.compare(a.asDouble(), b.asDouble()) : a.equals(b) ? 0 : 1,
                result.get("structuredContent").get("jobs")), result.toString());

        Ran reclaim = inspector("--method", "tools/call", "--tool-name", "reclaim", "--tool-arg", "apply=true");
        assertTrue(json(reclaim).path("isError").asBoolean(), reclaim.out());
        assertTrue(reclaim.out().contains("--allow-actions"), reclaim.out());
    }

    @Test
    void theConformanceSuitesServerScenariosPass() throws Exception {
        String url = h.serve(h.settings(false, null));
        for (String scenario : SCENARIOS) {
            Ran r = run(List.of(SCRIPT.toString(), "conformance", "server", "--url", url, "--scenario", scenario), 300);
            assertEquals(0, r.exit(), scenario + ":\n" + r.out());
            assertTrue(r.out().contains("0 failed"), scenario + ":\n" + r.out());
        }
    }
}
