package dev.reckon.bench;

import dev.reckon.ledger.JobQuery;
import dev.reckon.ledger.Ledger;
import dev.reckon.review.ConsumptionSummary;
import dev.reckon.source.Inputs;
import dev.reckon.source.sacct.SacctOptions;
import dev.reckon.source.sacct.SacctReader;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The ingest benchmark: synthetic sacct output written to a file, then read, parsed, assembled and stored in a fresh
 * SQLite ledger in one transaction, then summarised from the ledger. The file is written before the clock starts.
 */
public final class IngestBench {

    /** What one run measured. Times in seconds; the heap figure is the sum of the heap pools' peaks since the ingest began. */
    public record Figures(int jobs, long records, long fileBytes, double generateS, double ledgerOpenS, double ingestS, double recordsPerS,
                          double jobsPerS, double summaryS, double ingestAndSummaryS, long peakHeapBytes,
                          long maxHeapBytes, String ledger) {}

    private IngestBench() {}

    public static Figures run(int jobs, long seed, Path dir, PrintStream progress) throws IOException {
        boolean temporary = dir == null;
        Path work = temporary ? Files.createTempDirectory("reckon-bench-") : Files.createDirectories(dir);
        Path input = work.resolve("sacct-" + jobs + ".txt");
        Path ledgerFile = work.resolve("bench-ledger.db");
        try {
            for (String s : new String[] {"", "-wal", "-shm", "-journal"}) Files.deleteIfExists(Path.of(ledgerFile + s));
            say(progress, "generating %,d synthetic jobs into %s ...", jobs, input);
            long t0 = System.nanoTime();
            SyntheticSacct gen = new SyntheticSacct(seed);
            try (Writer w = new BufferedWriter(Files.newBufferedWriter(input, StandardCharsets.UTF_8), 1 << 16)) {
                gen.write(w, jobs);
            }
            double generate = seconds(t0);
            long bytes = Files.size(input);
            say(progress, "  %,d records (%,.0f MB) in %.1f s", gen.lines(), bytes / 1e6, generate);

            System.gc();
            resetPeaks();
            SacctReader reader = new SacctReader(new SacctOptions("|", null, ZoneOffset.UTC, "synth"));
            long t0Open = System.nanoTime();
            long read;
            double open;
            double ingest;
            double summary;
            ConsumptionSummary.Result result;
            try (Ledger ledger = Ledger.open(ledgerFile.toString())) {
                open = seconds(t0Open);
                say(progress, "new ledger %s created (schema migrated) in %.2f s", ledgerFile, open);
                say(progress, "ingesting ...");
                long t1 = System.nanoTime();
                try (InputStream in = Inputs.bytes(input)) { // as reckon ingest sacct FILE reads it
                    read = ledger.ingest("bench", sink -> reader.read(in, input.toString(), sink), Map.of()).read();
                }
                ingest = seconds(t1);
                say(progress, "  %,d jobs, %,d records in %.2f s: %,.0f records/s, %,.0f jobs/s", read, gen.lines(),
                        ingest, gen.lines() / ingest, read / ingest);
                long t2 = System.nanoTime();
                ConsumptionSummary.Builder b = ConsumptionSummary.builder();
                ledger.forEachJob(JobQuery.all(), b);
                result = b.build();
                summary = seconds(t2);
            }
            long peak = peakHeap();
            long max = Runtime.getRuntime().maxMemory();
            say(progress, "summary of %,d jobs (%,.0f CPU-hours, %d users) in %.2f s", result.jobs(),
                    result.total().cpuHours(), result.byUser().size(), summary);
            say(progress, "ingest + summary: %.2f s; peak heap %,.0f MB (max heap %,.0f MB)", ingest + summary,
                    peak / 1e6, max / 1e6);
            return new Figures(jobs, gen.lines(), bytes, generate, open, ingest, gen.lines() / ingest, read / ingest, summary,
                    ingest + summary, peak, max, temporary ? null : ledgerFile.toString());
        } finally {
            if (temporary) deleteTree(work);
        }
    }

    /**
     * Writes {@code jobs} synthetic jobs' sacct output to {@code file} (replaced whole, never half-written) and returns
     * the records written: the input of a side-by-side comparison with another tool.
     */
    public static long write(int jobs, long seed, Path file) throws IOException {
        SyntheticSacct gen = new SyntheticSacct(seed);
        Path part = file.resolveSibling("." + file.getFileName() + ".part");
        try {
            try (Writer w = new BufferedWriter(Files.newBufferedWriter(part, StandardCharsets.UTF_8), 1 << 16)) {
                gen.write(w, jobs);
            }
            Files.move(part, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
        return gen.lines();
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) sum += p.getPeakUsage().getUsed();
        }
        return sum;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void say(PrintStream out, String format, Object... args) {
        if (out != null) {
            out.printf(format + "%n", args);
            out.flush();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            List<Path> all = s.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) Files.deleteIfExists(p);
        }
    }
}
