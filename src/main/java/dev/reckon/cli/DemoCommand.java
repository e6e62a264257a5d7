package dev.reckon.cli;

import dev.reckon.ledger.JobQuery;
import dev.reckon.ledger.Ledger;
import dev.reckon.ledger.Ledger.IngestReport;
import dev.reckon.report.Json;
import dev.reckon.report.SummaryReport;
import dev.reckon.review.ConsumptionSummary;
import dev.reckon.source.swf.SwfMachines;
import dev.reckon.source.swf.SwfReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code reckon demo}: the main job on the embedded default. Ingests a real public trace shipped inside reckon
 * (3,170 jobs of HPC2N's Seth cluster, 2002) into a fresh temporary ledger and prints what was consumed.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Shows reckon on a real trace shipped inside it; no cluster needed.",
                "Ingests the first 3,170 jobs of HPC2N's Seth cluster log (Parallel Workloads Archive, HPC2N-2002-2.2) "
                        + "into a temporary ledger and prints the consumption summary: capacity by user and account, "
                        + "job states, and how much of their time limits jobs used."})
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    static final String TRACE = "/dev/reckon/demo/hpc2n-seth-3170.swf";
    static final String MACHINES = TRACE + ".machines";
    static final String CLUSTER = "hpc2n-seth";

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "The summary as one JSON object.")
    boolean json;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10", description = "Users and accounts to list (default: ${DEFAULT-VALUE}).")
    int top;

    @Override
    public Integer call() throws IOException {
        Door door = new Door(spec);
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "reckon-demo-" + System.getProperty("user.name"));
        Files.createDirectories(dir);
        Path ledgerFile = dir.resolve("ledger.db");
        for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) Files.deleteIfExists(Path.of(ledgerFile + suffix));

        SwfMachines machines;
        try (Reader m = resource(MACHINES)) {
            machines = SwfMachines.parse(m, "hpc2n-seth-3170.swf.machines");
        }
        SwfReader reader = new SwfReader(CLUSTER, machines);
        long t0 = System.nanoTime();
        ConsumptionSummary.Builder summary = ConsumptionSummary.builder();
        IngestReport ingested;
        try (Ledger ledger = Ledger.open(ledgerFile.toString())) {
            try (Reader in = resource(TRACE)) {
                ingested = ledger.ingest("demo:hpc2n-seth-3170.swf", sink -> reader.read(in, "hpc2n-seth-3170.swf", sink), Map.of());
            }
            ledger.forEachJob(JobQuery.all(), summary);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        ConsumptionSummary.Result result = summary.build();
        if (json) {
            door.out().println(Json.write(result));
            return 0;
        }
        var out = door.out();
        out.println("reckon demo: what a real cluster consumed, from its accounting alone");
        out.println();
        out.println("Trace:  HPC2N Seth, Umea, Sweden (120 nodes x 2 CPUs, Maui scheduler), first 3,170 jobs of the");
        out.println("        HPC2N-2002-2.2 log from the Parallel Workloads Archive (Feitelson, Tsafrir, Krakov, JPDC 2014).");
        out.printf("Ledger: %s (temporary), %,d jobs ingested in %.1f s%n", ledgerFile, ingested.read(), seconds);
        out.println();
        out.print(SummaryReport.render(result, door.config().zone(), top));
        out.println();
        out.println("Explore it:");
        out.printf("  ./reckon jobs --ledger %s --user %s --limit 20%n", ledgerFile,
                result.byUser().isEmpty() ? "u1" : result.byUser().get(0).name());
        out.printf("  ./reckon job 1 --ledger %s%n", ledgerFile);
        out.println("Your own cluster: sacct -a -S 2024-01-01 -E now --parsable2 --format ALL > jobs.txt && ./reckon ingest sacct jobs.txt");
        return 0;
    }

    private static Reader resource(String name) throws IOException {
        InputStream s = DemoCommand.class.getResourceAsStream(name);
        if (s == null) throw new IOException("the demo trace " + name + " is missing from this build of reckon");
        return new InputStreamReader(s, StandardCharsets.ISO_8859_1);
    }
}
