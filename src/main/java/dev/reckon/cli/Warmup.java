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
            Path sacct = dir.resolve("warmup.sacct");
            Files.writeString(sacct, """
                    JobID|JobIDRaw|JobName|User|Account|Partition|QOS|State|ExitCode|Submit|Start|End|ElapsedRaw|Timelimit|ReqCPUS|AllocCPUS|NNodes|ReqMem|AllocTRES|TotalCPU|MaxRSS|NTasks|TRESUsageInTot|NodeList|Cluster
                    7|7|train|ana|phys|gpu|normal|COMPLETED|0:0|2024-01-01T00:00:02|2024-01-01T00:46:13|2024-01-01T05:27:13|16860|09:30:00|4|4|1|28G|billing=4,cpu=4,gres/gpu=2,mem=28G,node=1|11:32:23||||n53|warm
                    7.batch|7.batch|batch||phys|||COMPLETED|0:0|2024-01-01T00:46:13|2024-01-01T00:46:13|2024-01-01T05:27:13|16860|||4|1||billing=4,cpu=4,gres/gpu=2,mem=28G,node=1|01:09:14|20512261K|1|cpu=01:09:14,energy=0,fs/disk=61536783,mem=20512261K,pages=0,vmem=41024522K|n53|warm
                    8_1|9|eval|bo|chem|cpu|normal|FAILED|1:0|2024-01-01T00:01:00|2024-01-01T00:02:00|2024-01-01T00:03:00|60|1-00:00:00|2|2|1|4G||00:59.500||||n1|warm
                    """);
            Map<String, String> env = new HashMap<>();
            env.put("RECKON_CONFIG", dir.resolve("config.yaml").toString());
            env.put("RECKON_CHARTERS", dir.resolve("charters").toString());
            env.put("RECKON_LEDGER", ledger.toString());
            env.put("RECKON_NOW", "2026-01-01T00:00:00Z");
            String[][] runs = {
                    {"--version"},
                    {"--help"},
                    {"ingest", "sacct", sacct.toString()},
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
