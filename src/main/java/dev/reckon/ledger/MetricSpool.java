package dev.reckon.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reckon.core.Json;
import dev.reckon.model.Metric;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The metric spool: where {@code reckon metric} leaves metrics when the ledger is not writable by the user who reports
 * them (an unprivileged job), for the next {@code reckon ingest} to store.
 *
 * <p>Layout: one file per user, {@code <user>.jsonl}, one JSON object per line (charter, name, value, at, job_id,
 * cluster). A report is appended with one write to a file opened for appending, so reports of concurrent jobs never
 * interleave. A lock file, {@code .lock}, orders appends against collection: writers hold a shared lock on it while
 * they append, the collector an exclusive one while it renames each user's file to {@code <user>.<uuid>.collecting}
 * (appends after that go to a new file). The collector then stores each renamed file with the mark
 * {@code metric-spool:<file name>} in one transaction ({@link Ledger#recordMetricsOnce}) and deletes it: a run that
 * dies before deleting leaves the file, which the next run deletes without storing it twice. A file with a line that
 * does not read is renamed {@code .bad} and kept, never stored in part.
 */
public final class MetricSpool {
    private MetricSpool() {}

    private static final String LOCK = ".lock";
    private static final String SUFFIX = ".jsonl";
    private static final String COLLECTING = ".collecting";
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");

    /** Appends the metrics to the user's spool file; returns the file. */
    public static Path append(Path dir, String user, List<Metric> metrics) throws IOException {
        if (user == null || !USER.matcher(user).matches() || user.startsWith("."))
            throw new IOException("user name \"" + user + "\" cannot name a spool file");
        if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString(), null, "no metric spool directory");
        StringBuilder b = new StringBuilder();
        for (Metric m : metrics) b.append(line(m)).append('\n');
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve(user + SUFFIX);
        try (FileChannel lock = openLock(dir, false); FileLock held = lock == null ? null : lock.lock(0, Long.MAX_VALUE, true)) {
            boolean created = !Files.exists(file);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            if (created) dev.reckon.core.AtomicFiles.readableByAll(file);
        }
        return file;
    }

    /** What one collection did. */
    public record Collected(int files, int metrics, List<String> problems) {
        public Collected {
            problems = List.copyOf(problems);
        }
    }

    /** Stores every spooled metric into the ledger and removes what it stored. A missing directory holds nothing. */
    public static Collected collect(Path dir, Ledger ledger) {
        List<String> problems = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) return new Collected(0, 0, problems);
        try {
            try (FileChannel lock = openLock(dir, true); FileLock held = lock.lock()) {
                for (Path f : list(dir, SUFFIX)) {
                    String user = name(f).substring(0, name(f).length() - SUFFIX.length());
                    Files.move(f, dir.resolve(user + "." + UUID.randomUUID() + COLLECTING),
                            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } catch (IOException e) {
            problems.add("metric spool " + dir + ": cannot collect (" + e + "): the metrics stay there for a run that can");
            return new Collected(0, 0, problems);
        }
        int files = 0, count = 0;
        for (Path f : list(dir, COLLECTING)) {
            List<Metric> metrics;
            try {
                metrics = read(f);
            } catch (IOException | RuntimeException e) {
                Path bad = dir.resolve(name(f) + ".bad");
                try {
                    Files.move(f, bad);
                } catch (IOException ignored) {
                    bad = f;
                }
                problems.add(bad + ": " + e.getMessage() + "; kept, nothing of it stored (fix or remove it, then "
                        + "rename it to end in " + SUFFIX + ")");
                continue;
            }
            if (ledger.recordMetricsOnce("metric-spool:" + name(f), metrics)) count += metrics.size();
            try {
                Files.delete(f);
            } catch (IOException e) {
                problems.add(f + ": stored, but cannot be removed (" + e + "); it is not stored again");
            }
            files++;
        }
        return new Collected(files, count, problems);
    }

    private static FileChannel openLock(Path dir, boolean exclusive) throws IOException {
        Path lock = dir.resolve(LOCK);
        if (exclusive) {
            boolean created = !Files.exists(lock);
            FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            if (created) dev.reckon.core.AtomicFiles.readableByAll(lock);
            return ch;
        }
        try {
            return FileChannel.open(lock, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            try {
                FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                dev.reckon.core.AtomicFiles.readableByAll(lock);
                return ch;
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                return FileChannel.open(lock, StandardOpenOption.READ);
            }
        }
    }

    private static List<Path> list(Path dir, String suffix) {
        try (var s = Files.list(dir)) {
            return s.filter(p -> name(p).endsWith(suffix) && !name(p).startsWith(".")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }

    static String line(Metric m) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("charter", m.charter());
        n.put("name", m.name());
        n.put("value", m.value());
        n.put("at", m.at().toString());
        if (m.jobId() != null) n.put("job_id", m.jobId());
        if (m.cluster() != null) n.put("cluster", m.cluster());
        return n.toString();
    }

    private static List<Metric> read(Path f) throws IOException {
        List<Metric> out = new ArrayList<>();
        String source = "spool:" + name(f).substring(0, name(f).indexOf('.'));
        int n = 0;
        for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            n++;
            if (l.isBlank()) continue;
            try {
                JsonNode o = Json.mapper().readTree(l);
                JsonNode v = o.get("value");
                if (v == null || !v.isNumber()) throw new IOException("no number 'value'");
                out.add(new Metric(o.path("charter").asText(), o.path("name").asText(), v.asDouble(),
                        Instant.parse(o.path("at").asText()), text(o, "job_id"), text(o, "cluster"), source));
            } catch (IOException | RuntimeException e) {
                throw new IOException("line " + n + " does not read (" + e.getMessage() + ")");
            }
        }
        return out;
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

}
