package dev.reckon.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs reckon's command line in-process, the way a user's shell would, with its own ledger and environment. */
public final class Cli {
    public final Map<String, String> env = new HashMap<>();
    public byte[] stdin = new byte[0];

    public Cli(Path dir) {
        env.put("HOME", dir.toString());
        env.put("RECKON_LEDGER", dir.resolve("ledger.db").toString());
        env.put("RECKON_TZ", "UTC");
        // a site installation of the host (/etc/reckon) must not reach a test: its site is a directory it owns
        env.put("RECKON_SITE_DIR", dir.resolve("site").toString());
    }

    public record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /** Creates the (empty) ledger in force, as an ingest would: reading commands refuse a missing one. */
    public Cli withEmptyLedger() {
        dev.reckon.ledger.Ledger.open(env.get("RECKON_LEDGER")).close();
        return this;
    }

    public Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(env, new ByteArrayInputStream(stdin), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
