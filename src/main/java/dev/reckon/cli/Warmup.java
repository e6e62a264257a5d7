package dev.reckon.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training run the launcher records its class-data archive from ({@code java -XX:ArchiveClassesAtExit=...}):
 * runs the common commands once, in one JVM, on a small ledger in a temporary directory, with their output thrown
 * away, so that the classes every command needs are archived and each later start maps them instead of loading
 * them. Not a user command; it changes nothing outside its temporary directory.
 */
public final class Warmup {
    private Warmup() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("reckon-warmup");
        try {
            Path ledger = dir.resolve("ledger.db");
            Path trace = dir.resolve("warmup.swf");
            Files.writeString(trace, """
                    ; warmup trace
                    ; UnixStartTime: 1767139200
                    ; MaxProcs: 16
                    1 0 10 3600 4 3000 1024 4 7200 1024 1 1 1 1 1 1 -1 -1
                    2 60 5 1800 2 1700 512 2 3600 512 1 2 1 1 1 1 -1 -1
                    3 120 0 600 8 500 2048 8 1200 2048 0 1 1 1 1 1 -1 -1
                    """);
            Map<String, String> env = new HashMap<>();
            env.put("RECKON_CONFIG", dir.resolve("config.yaml").toString());
            env.put("RECKON_CHARTERS", dir.resolve("charters").toString());
            env.put("RECKON_LEDGER", ledger.toString());
            env.put("RECKON_NOW", "2026-01-01T00:00:00Z");
            String[][] runs = {
                    {"--version"},
                    {"--help"},
                    {"ingest", "swf", trace.toString()},
                    {"jobs"},
                    {"jobs", "--json"},
                    {"job", "1"},
                    {"review", "--since", "3650d"},
                    {"owners", "--since", "3650d"},
                    {"exits"},
                    {"charter", "list"},
                    {"simulate", "--trace", trace.toString()}, {"simulate", "--trace", trace.toString(), "--json"},
            };
            PrintStream sink = System.getenv("RECKON_WARMUP_SHOW") != null ? System.out : new PrintStream(OutputStream.nullOutputStream(), true);
            for (String[] run : runs) {
                try {
                    Main.execute(env, InputStream.nullInputStream(), sink, sink, run);
                } catch (RuntimeException ignored) {
                    // a training run that fails still loaded what it needed; the archive is only a speed-up
                }
            }
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
