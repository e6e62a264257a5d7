package dev.reckon.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The start-up benchmark: whole processes, as a user's shell starts them. For {@code reckon --version} and
 * {@code reckon jobs} on an empty ledger, the median wall-clock of N runs of the JVM as the launcher starts it
 * (class-data archive beside the jar, SQLite's native library taken out of the jar once, and for quick commands the
 * first compiler only), against a plain
 * {@code java -jar} with neither.
 */
public final class StartupBench {

    /** One command under one way of starting, in milliseconds. */
    public record Figure(String command, String start, int runs, double medianMs, double minMs, double maxMs) {}

    /** Everything measured; {@code archive} is the class-data archive used, or null when there is none. */
    public record Figures(String jar, String archive, List<Figure> figures) {}

    private StartupBench() {}

    public static Figures run(int runs, PrintStream progress) throws IOException, InterruptedException {
        Path jar = ownJar();
        Path jsa = jar.resolveSibling("reckon.jsa");
        boolean archived = Files.isRegularFile(jsa);
        Path dir = Files.createTempDirectory("reckon-startup-");
        try {
            Path ledger = dir.resolve("ledger.db");
            Path empty = Files.writeString(dir.resolve("empty.swf"), "");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> base = List.of(java, "-XX:+UseParallelGC", "-Xmx1g");
            runOnce(dir, concat(base, List.of("-jar", jar.toString(), "ingest", "swf", empty.toString(), "--ledger", ledger.toString())));
            List<Figure> out = new ArrayList<>();
            String[][] commands = {{"--version"}, {"jobs", "--ledger", ledger.toString()}};
            for (String[] command : commands) {
                String name = "reckon " + command[0];
                boolean quick = command[0].equals("--version");
                out.add(measure(dir, name, "plain java -jar", runs, concat(base, jarAnd(jar, command)), progress));
                if (archived) {
                    List<String> launcher = new ArrayList<>(base);
                    launcher.addAll(List.of("-XX:SharedArchiveFile=" + jsa, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
                    Path sqlite = jar.resolveSibling("native").resolve("libsqlitejdbc.so");
                    if (Files.isRegularFile(sqlite)) {
                        launcher.addAll(List.of("-Dorg.sqlite.lib.path=" + sqlite.getParent(), "-Dorg.sqlite.lib.name=libsqlitejdbc.so"));
                    }
                    if (quick) launcher.add("-XX:TieredStopAtLevel=1");
                    out.add(measure(dir, name, "as ./reckon starts it", runs, concat(launcher, jarAnd(jar, command)), progress));
                }
            }
            if (!archived && progress != null)
                progress.println("no class-data archive beside " + jar + ": run ./reckon once to record it, then again");
            return new Figures(jar.toString(), archived ? jsa.toString() : null, out);
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Figure measure(Path dir, String name, String start, int runs, List<String> command, PrintStream progress)
            throws IOException, InterruptedException {
        runOnce(dir, command); // the file system's caches, not the JVM's, are warmed by this one
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            runOnce(dir, command);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        double median = runs % 2 == 1 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
        Figure f = new Figure(name, start, runs, median, ms[0], ms[runs - 1]);
        if (progress != null)
            progress.printf("%-16s %-24s median %6.0f ms  (min %.0f, max %.0f, %d runs)%n", name, start, median, ms[0], ms[runs - 1], runs);
        return f;
    }

    private static void runOnce(Path dir, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("a start-up run took over 120 s: " + String.join(" ", command));
        }
    }

    private static List<String> jarAnd(Path jar, String[] args) {
        List<String> l = new ArrayList<>(List.of("-jar", jar.toString()));
        l.addAll(List.of(args));
        return l;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    /** The jar this class was loaded from; the bench measures a built reckon, not classes in a build directory. */
    private static Path ownJar() throws IOException {
        try {
            Path p = Path.of(StartupBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(p) || !p.toString().endsWith(".jar"))
                throw new IOException("reckon bench startup measures the built jar: run it through ./reckon (not from " + p + ")");
            return p;
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate reckon's jar: " + e.getMessage());
        }
    }
}
