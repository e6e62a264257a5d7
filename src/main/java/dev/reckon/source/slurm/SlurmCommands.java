package dev.reckon.source.slurm;

import java.io.File;
import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs Slurm's command-line clients ({@code sacct}, {@code sbatch}, {@code scancel}, {@code squeue}, ...) on this
 * host and hands back what they print.
 *
 * <p>Every command runs with a timeout, with {@code SLURM_TIME_FORMAT=standard} (so times are ISO
 * {@code YYYY-MM-DDTHH:MM:SS}) and with {@code TZ} set to this object's {@link #zone()}, so the local times passed
 * to and printed by Slurm are in that zone. Output goes to temporary files, not pipes, so a large {@code sacct}
 * answer never sits in memory twice. A command that is missing, times out, or exits non-zero raises a
 * {@link SlurmCommandException} with a one-line message. There is no clock inside: callers pass the instants.
 */
public final class SlurmCommands {
    /** How long a command may run unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    private static final DateTimeFormatter SLURM_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private final Duration timeout;
    private final ZoneId zone;

    /** Commands with {@link #DEFAULT_TIMEOUT}, in the system's time zone. */
    public SlurmCommands() {
        this(DEFAULT_TIMEOUT, ZoneId.systemDefault());
    }

    /** Commands that may each run for {@code timeout}, exchanging local times in {@code zone}. */
    public SlurmCommands(Duration timeout, ZoneId zone) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.zone = Objects.requireNonNull(zone, "zone");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
    }

    /** The zone in which times are passed to Slurm and in which Slurm's printed times are to be read. */
    public ZoneId zone() {
        return zone;
    }

    /**
     * Accounting records (jobs and their steps, all users) active between {@code since} and {@code until}, as
     * {@code sacct --parsable2} prints them: a header line naming the fields, then one {@code |}-separated line per
     * job or step. The caller closes the reader.
     *
     * @param formatFields the {@code --format} list, e.g. {@code "JobID,State,ExitCode,Start,End"}
     */
    public Reader sacct(Instant since, Instant until, String formatFields) {
        return sacct(since, until, formatFields, "|");
    }

    /**
     * As {@link #sacct(Instant, Instant, String)}, with fields separated by {@code delimiter} (sacct does not escape
     * free text such as job names, so a delimiter no job name contains keeps every line readable).
     */
    public Reader sacct(Instant since, Instant until, String formatFields, String delimiter) {
        return sacct(since, until, formatFields, delimiter, null);
    }

    /**
     * As {@link #sacct(Instant, Instant, String, String)}, of the cluster named ({@code sacct -M CLUSTER}: any cluster
     * registered in the same slurmdbd); null: this host's own.
     */
    public Reader sacct(Instant since, Instant until, String formatFields, String delimiter, String cluster) {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        if (formatFields == null || formatFields.isBlank()) throw new IllegalArgumentException("no sacct fields given");
        if (until.isBefore(since)) throw new IllegalArgumentException("until " + until + " is before since " + since);
        Output out = execute(withCluster(List.of("sacct", "--allusers", "--parsable2", "--delimiter=" + delimiter,
                "--format=" + formatFields.strip(),
                "-S", slurmTime(since, zone), "-E", slurmTime(until, zone)), cluster));
        deleteQuietly(out.stderr);
        try {
            return new DeletingReader(lenientUtf8(out.stdout), out.stdout);
        } catch (IOException e) {
            deleteQuietly(out.stdout);
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One job's accounting records (the job and its steps), all of them whenever it ran ({@code sacct -j ID}), as
     * {@link #sacct(Instant, Instant, String, String)} prints them. The caller closes the reader.
     */
    public Reader sacctJob(String jobId, String formatFields, String delimiter) {
        return sacctJob(jobId, formatFields, delimiter, null);
    }

    /** As {@link #sacctJob(String, String, String)}, on the cluster named ({@code -M}); null: this host's own. */
    public Reader sacctJob(String jobId, String formatFields, String delimiter, String cluster) {
        if (jobId == null || jobId.isBlank() || jobId.startsWith("-")) throw new IllegalArgumentException("no job id given");
        if (formatFields == null || formatFields.isBlank()) throw new IllegalArgumentException("no sacct fields given");
        Output out = execute(withCluster(List.of("sacct", "--allusers", "--parsable2", "--delimiter=" + delimiter,
                "--format=" + formatFields.strip(), "--jobs=" + jobId.strip()), cluster));
        deleteQuietly(out.stderr);
        try {
            return new DeletingReader(lenientUtf8(out.stdout), out.stdout);
        } catch (IOException e) {
            deleteQuietly(out.stdout);
            throw new UncheckedIOException(e);
        }
    }

    /** The name of the cluster this host's Slurm serves ({@code ClusterName} in {@code scontrol show config}). */
    public String clusterName() {
        for (String line : run("scontrol", "show", "config").split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).strip().equals("ClusterName")) return line.substring(eq + 1).strip();
        }
        throw new SlurmCommandException("scontrol show config names no ClusterName");
    }

    /**
     * The comment of every job the controller holds ({@code squeue}), by job id as sacct prints it ({@code 123},
     * {@code 123_4}, {@code 123_[5-9]}). Slurm's accounting records a job's comment only when the job ends, so a
     * running job's comment (its {@code charter=<id>}) is known only here.
     */
    public java.util.Map<String, String> queueComments() {
        return queueComments(null);
    }

    /** As {@link #queueComments()}, of the cluster named ({@code squeue -M}); null: this host's own. */
    public java.util.Map<String, String> queueComments(String cluster) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        List<String> args = cluster == null ? List.of("--all", "--array", "-o", "%i|%k")
                : List.of("-M", checkedCluster(cluster), "--all", "--array", "-o", "%i|%k");
        for (String line : squeue(args.toArray(String[]::new))) {
            int bar = line.indexOf('|');
            if (bar <= 0) continue;
            String comment = line.substring(bar + 1).strip();
            if (!comment.isEmpty() && !comment.equals("(null)")) out.put(line.substring(0, bar).strip(), comment);
        }
        return out;
    }

    /**
     * The clusters registered in this host's slurmdbd ({@code sacctmgr list cluster}), sorted: every cluster
     * {@code -M} reaches.
     */
    public List<String> clusters() {
        return run("sacctmgr", "--noheader", "--parsable2", "list", "cluster", "format=cluster").lines()
                .map(String::strip).filter(s -> !s.isEmpty()).sorted().distinct().collect(Collectors.toList());
    }

    /** The command line with {@code -M CLUSTER} after the command's name; unchanged when {@code cluster} is null. */
    private static List<String> withCluster(List<String> commandLine, String cluster) {
        if (cluster == null) return commandLine;
        List<String> out = new ArrayList<>(commandLine.size() + 2);
        out.add(commandLine.get(0));
        out.add("-M");
        out.add(checkedCluster(cluster));
        out.addAll(commandLine.subList(1, commandLine.size()));
        return out;
    }

    /** A cluster name as Slurm's ClusterName allows; anything else (an option, a list) is refused. */
    static String checkedCluster(String cluster) {
        if (!cluster.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"))
            throw new IllegalArgumentException("not a cluster name: " + cluster);
        return cluster;
    }

    /** Submits a batch job: runs {@code sbatch --parsable ARGS} and returns the job id (without any cluster name). */
    public String sbatch(String... args) {
        String out = run("sbatch", concat("--parsable", args)).strip();
        int semicolon = out.indexOf(';');
        String id = semicolon < 0 ? out : out.substring(0, semicolon);
        if (id.isEmpty() || !id.chars().allMatch(Character::isDigit)) {
            throw new SlurmCommandException("sbatch printed no job id: " + out);
        }
        return id;
    }

    /** Runs {@code scancel ARGS}, e.g. {@code scancel("1234")}. */
    public void scancel(String... args) {
        run("scancel", args);
    }

    /** Runs {@code scontrol ARGS}, e.g. {@code scontrol("hold", "1234")}, and returns what it printed. */
    public String scontrol(String... args) {
        return run("scontrol", args);
    }

    /** The non-empty lines {@code squeue --noheader ARGS} prints, e.g. {@code squeue("-j", "12", "-o", "%T")}. */
    public List<String> squeue(String... args) {
        return run("squeue", concat("--noheader", args)).lines()
                .filter(line -> !line.isBlank())
                .collect(Collectors.toList());
    }

    /** Runs {@code command ARGS} and returns its standard output. */
    public String run(String command, String... args) {
        List<String> commandLine = new ArrayList<>();
        commandLine.add(command);
        commandLine.addAll(Arrays.asList(args));
        Output out = execute(commandLine);
        try {
            return Files.readString(out.stdout, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(out.stdout);
            deleteQuietly(out.stderr);
        }
    }

    /** An instant as the local {@code YYYY-MM-DDTHH:MM:SS} that Slurm's {@code -S}/{@code -E} options take. */
    static String slurmTime(Instant instant, ZoneId zone) {
        return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.SECONDS), zone).format(SLURM_TIME);
    }

    /** The value of {@code TZ} that makes C programs use {@code zone}. */
    static String posixTz(ZoneId zone) {
        ZoneId normalized = zone.normalized();
        if (!(normalized instanceof ZoneOffset offset)) return zone.getId();
        int seconds = offset.getTotalSeconds();
        // POSIX counts the other way round: UTC-02:00:00 is two hours east of Greenwich.
        int abs = Math.abs(seconds);
        return String.format("UTC%s%02d:%02d:%02d", seconds > 0 ? "-" : "+", abs / 3600, abs / 60 % 60, abs % 60);
    }

    private record Output(Path stdout, Path stderr) { }

    private Output execute(List<String> commandLine) {
        String command = commandLine.get(0);
        String shown = String.join(" ", commandLine);
        Path stdout = null;
        Path stderr = null;
        try {
            stdout = Files.createTempFile("reckon-" + command + "-", ".out");
            stderr = Files.createTempFile("reckon-" + command + "-", ".err");
            ProcessBuilder builder = new ProcessBuilder(commandLine)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile());
            builder.environment().put("TZ", posixTz(zone));
            builder.environment().put("SLURM_TIME_FORMAT", "standard");
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                String why = String.valueOf(e.getMessage());
                throw new SlurmCommandException(why.contains("error=2,")
                        ? command + " not found: is Slurm installed?"
                        : "could not run " + command + ": " + why);
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new SlurmCommandException(
                        command + " timed out after " + timeout.toSeconds() + " s: " + shown);
            }
            int exit = process.exitValue();
            if (exit != 0) {
                String errors = Files.readString(stderr, StandardCharsets.UTF_8).strip()
                        .lines().map(String::strip).filter(line -> !line.isEmpty())
                        .collect(Collectors.joining("; "));
                throw new SlurmCommandException(command + " failed (exit " + exit + "): " + shown
                        + (errors.isEmpty() ? "" : ": " + errors));
            }
            Output out = new Output(stdout, stderr);
            stdout = null;
            stderr = null;
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlurmCommandException(command + " interrupted: " + shown);
        } finally {
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }
    }

    private static String[] concat(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static void deleteQuietly(Path file) {
        if (file == null) return;
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file left behind is harmless
        }
    }

    /** A reader over a temporary file that deletes the file when closed. */
    /**
     * sacct's output decoded as UTF-8, each malformed byte sequence read as U+FFFD: one job name of bytes that are not
     * UTF-8 must not stop a window (the reader tells what it stored so, and sets aside a job whose other fields hold
     * such bytes).
     */
    private static Reader lenientUtf8(Path file) throws IOException {
        return new java.io.BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE)), 1 << 16);
    }

    private static final class DeletingReader extends FilterReader {
        private final Path file;

        DeletingReader(Reader in, Path file) {
            super(in);
            this.file = file;
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                deleteQuietly(file);
            }
        }
    }
}
