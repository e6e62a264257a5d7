package dev.reckon;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The development scripts answer --help with their usage and exit 0 (issue 12, item 12); no argument is exit 2. */
class DevScriptsTest {
    private static Object[] run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Object[]{p.waitFor(), out};
    }

    @Test
    void helpPrintsTheUsageAndExitsZero() throws Exception {
        for (String script : List.of("scripts/slurm-dev-cluster", "scripts/postgres-dev", "scripts/browser")) {
            Object[] r = run("bash", script, "--help");
            assertEquals(0, r[0], script + "\n" + r[1]);
            assertTrue(((String) r[1]).toLowerCase(java.util.Locale.ROOT).contains("usage"), script + "\n" + r[1]);
            assertEquals(2, run("bash", script)[0], script + " without an argument");
        }
    }
}
