package dev.reckon.bench;

import dev.reckon.app.Context;
import dev.reckon.app.Governance;
import dev.reckon.config.Config;
import dev.reckon.ledger.Ledger;
import dev.reckon.review.Review;
import dev.reckon.source.Inputs;
import dev.reckon.source.sacct.SacctOptions;
import dev.reckon.source.sacct.SacctReader;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The review benchmark: a large site's month in a ledger (synthetic sacct jobs of some 200 users, with a few charters
 * claiming some of their accounts), then the standing review of the whole window, the owners' view and the exits,
 * through the application layer exactly as {@code reckon review} makes them, in this JVM (the launcher's 1 GB heap
 * when run through {@code ./reckon}). Prints the seconds and the peak heap of each.
 */
public final class ReviewBench {

    /**
     * One size on one ledger. Times in seconds (the {@code CpuS} ones: this process's CPU time, every thread, during
     * the same analysis; 0 when the JVM does not say); the heap figure is the heap pools' peak during the analyses.
     */
    public record Figure(int jobs, String ledger, double ingestS, double reviewS, double ownersS, double exitsS,
                         double whatifS, long reviewedJobs, long killList, long peakHeapBytes, long maxHeapBytes,
                         double reviewCpuS, double ownersCpuS, double exitsCpuS, double whatifCpuS) {}

    private static final Instant FROM = Instant.parse("2024-01-01T00:00:00Z");
    private static final Instant UNTIL = Instant.parse("2024-03-01T00:00:00Z");

    private ReviewBench() {}

    /**
     * @param sizes  the numbers of jobs, one ledger each
     * @param pgUrl  a jdbc:postgresql:// URL of a scratch database to measure as well (the bench works in a schema of its own, dropped after), or null
     */
    public static List<Figure> run(int[] sizes, String pgUrl, PrintStream progress) throws IOException {
        return run(sizes, pgUrl, null, progress);
    }

    /**
     * As {@link #run(int[], String, PrintStream)}, keeping its files in {@code dir} when given: the sacct file, the
     * SQLite ledger and the PostgreSQL schema (named after the size) of an earlier run with {@code dir} are used again
     * instead of generated and ingested anew (a file {@code ledger-N.db.done}, {@code pg-N.done}, says an ingest
     * finished), and nothing is removed after. The ingest figure is then 0.
     *
     * @param dir where the files stay between runs; null: a temporary directory, removed after
     */
    public static List<Figure> run(int[] sizes, String pgUrl, Path dir, PrintStream progress) throws IOException {
        boolean keep = dir != null;
        Path work = keep ? Files.createDirectories(dir) : Files.createTempDirectory("reckon-bench-review-");
        List<Figure> out = new ArrayList<>();
        try {
            Path charters = Files.createDirectories(work.resolve("charters"));
            for (int i = 0; i < 5; i++) Files.writeString(charters.resolve("bench-" + i + ".yaml"), charter(i));
            for (int n : sizes) {
                Path input = work.resolve("sacct-" + n + ".txt");
                Path sqlite = work.resolve("ledger-" + n + ".db");
                Path pgDone = work.resolve("pg-" + n + ".done");
                boolean sqliteKept = keep && Files.isRegularFile(done(sqlite));
                boolean pgKept = keep && pgUrl != null && Files.isRegularFile(pgDone);
                if ((!sqliteKept || (pgUrl != null && !pgKept)) && !(keep && Files.isRegularFile(done(input)))) {
                    say(progress, "generating %,d synthetic jobs ...", n);
                    try (Writer w = new BufferedWriter(Files.newBufferedWriter(input, StandardCharsets.UTF_8), 1 << 16)) {
                        new SyntheticSacct(42).write(w, n);
                    }
                    if (keep) Files.writeString(done(input), n + "\n");
                }
                String schema = "reckon_bench_" + n + (keep ? "" : "_" + ProcessHandle.current().pid());
                String pgLedger = pgUrl == null ? null
                        : pgUrl + (pgUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
                try {
                    if (!sqliteKept) {
                        for (String f : List.of("", "-wal", "-shm", "-journal", ".done"))
                            Files.deleteIfExists(Path.of(sqlite + f));
                    }
                    out.add(measure(n, input, sqlite.toString(), sqliteKept ? null : keep ? done(sqlite) : work,
                            charters, progress));
                    if (pgUrl != null) {
                        if (!pgKept) {
                            Files.deleteIfExists(pgDone);
                            sql(pgUrl, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                            sql(pgUrl, "CREATE SCHEMA " + schema);
                        }
                        out.add(measure(n, input, pgLedger, pgKept ? null : keep ? pgDone : work, charters, progress));
                    }
                } finally {
                    if (pgUrl != null && !keep) sql(pgUrl, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                }
                if (!keep) Files.deleteIfExists(input);
            }
            return out;
        } finally {
            if (!keep) {
                try (Stream<Path> all = Files.walk(work)) {
                    all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** The file that says {@code p} is complete. */
    private static Path done(Path p) {
        return p.resolveSibling(p.getFileName() + ".done");
    }

    /**
     * @param ingested null: the ledger holds the jobs already; else they are ingested first, and then this file is
     *                 written to say so (a directory: nothing is written)
     */
    private static Figure measure(int n, Path input, String ledgerUrl, Path ingested, Path charters,
                                  PrintStream progress) throws IOException {
        boolean pg = ledgerUrl.startsWith("jdbc:");
        String label = pg ? "PostgreSQL" : "SQLite";
        double ingest = 0;
        if (ingested != null) {
            long t0 = System.nanoTime();
            try (Ledger ledger = Ledger.open(ledgerUrl)) {
                SacctReader reader = new SacctReader(new SacctOptions("|", null, ZoneOffset.UTC, "synth"));
                try (Reader in = Inputs.open(input)) {
                    ledger.ingest("bench", sink -> reader.read(in, input.toString(), sink), Map.of());
                }
            }
            ingest = seconds(t0);
            if (!Files.isDirectory(ingested)) Files.writeString(ingested, n + "\n");
            say(progress, "  %s: %,d jobs ingested in %.1f s", label, n, ingest);
        } else {
            say(progress, "  %s: the %,d jobs ingested before (--dir)", label, n);
        }
        Config config = Config.load(Map.of("RECKON_CONFIG", charters.resolveSibling("none.yaml").toString()))
                .withLedger(ledgerUrl).withCharters(charters);
        Context ctx = new Context(config, Clock.fixed(Instant.parse("2024-02-01T00:00:00Z"), ZoneOffset.UTC), "bench");
        Governance g = new Governance(ctx);
        System.gc();
        resetPeaks();
        long c1 = cpu();
        long t1 = System.nanoTime();
        Review.Result r = g.review(new Governance.ReviewRequest(FROM, UNTIL, null)).value();
        double review = seconds(t1);
        long c2 = cpu();
        long t2 = System.nanoTime();
        g.owners(new Governance.OwnersRequest(FROM, UNTIL, 20));
        double owners = seconds(t2);
        long c3 = cpu();
        long t3 = System.nanoTime();
        new dev.reckon.app.ExitPlanning(ctx).evaluate(dev.reckon.app.ExitPlanning.Evaluation.now());
        double exits = seconds(t3);
        long c4 = cpu();
        // what-if over the same window, on the synthetic jobs' machine (500 nodes of 64 cores, 4 GPUs each)
        Path machine = charters.resolveSibling("machine.txt");
        Files.writeString(machine, "n 500 64 512G 4\n");
        long reviewed = r.jobs().size();
        long kills = r.killList().size();
        r = null;
        long t4 = System.nanoTime();
        dev.reckon.app.Simulation.WhatIfRun w = new dev.reckon.app.Simulation(ctx).whatIf(new dev.reckon.app.Simulation.WhatIfRequest(
                new dev.reckon.app.Simulation.Source(null, FROM, UNTIL, machine, "easy"), null, null)).value();
        double whatif = seconds(t4);
        long c5 = cpu();
        long peak = peakHeap();
        say(progress, "  %s: review of %,d jobs %.1f s (CPU %.1f s), owners %.1f s (%.1f), exits %.1f s (%.1f), "
                        + "whatif %.1f s (%.1f); peak heap %,.0f MB of %,.0f MB", label, reviewed, review, (c2 - c1) / 1e9,
                owners, (c3 - c2) / 1e9, exits, (c4 - c3) / 1e9, whatif, (c5 - c4) / 1e9, peak / 1e6,
                Runtime.getRuntime().maxMemory() / 1e6);
        java.util.Objects.requireNonNull(w);
        return new Figure(n, label, ingest, review, owners, exits, whatif, reviewed, kills, peak,
                Runtime.getRuntime().maxMemory(), (c2 - c1) / 1e9, (c3 - c2) / 1e9, (c4 - c3) / 1e9, (c5 - c4) / 1e9);
    }

    /** One statement on the scratch database, outside any ledger (its schema comes and goes with the bench). */
    private static void sql(String url, String statement) throws IOException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
             java.sql.Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (java.sql.SQLException e) {
            throw new IOException("PostgreSQL at the --pg URL: " + e.getMessage(), e);
        }
    }

    private static String charter(int i) {
        return """
                id: bench-%d
                title: Bench charter %d
                purpose: Claims one account's work for the review benchmark.
                owner: u%d
                match:
                  accounts: [acct%d]
                budget:
                  gpu_hours: 5000
                  cpu_hours: 400000
                window:
                  start: 2023-12-01
                  end: 2024-12-31
                success:
                  - val_accuracy >= 0.92
                failure:
                  - loss > 2.5 after 50 gpu_hours
                review_every: 90d
                status: active
                """.formatted(i, i, i, i * 3);
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans())
            if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans())
            if (p.getType() == MemoryType.HEAP) sum += p.getPeakUsage().getUsed();
        return sum;
    }

    /** This process's CPU time so far in nanoseconds, every thread (GC and JIT included); 0 when unknown. */
    private static long cpu() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
            return Math.max(0, os.getProcessCpuTime());
        return 0;
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
}
