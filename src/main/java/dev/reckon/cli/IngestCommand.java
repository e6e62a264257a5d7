package dev.reckon.cli;

import dev.reckon.ledger.Ledger;
import dev.reckon.ledger.Ledger.IngestReport;
import dev.reckon.core.Json;
import dev.reckon.source.Inputs;
import dev.reckon.source.sacct.SacctOptions;
import dev.reckon.source.sacct.SacctReader;
import dev.reckon.source.slurm.SlurmCommands;
import dev.reckon.source.swf.SwfReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.DateTimeException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** {@code reckon ingest sacct|swf|slurm}: reads accounting into the ledger, all of an input or nothing. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Reads job accounting into the ledger.",
                "Each input is stored whole or not at all: a bad line is reported as file:line:field and stores "
                        + "nothing of its input. Ingest is idempotent: the same input twice changes nothing, and a job seen "
                        + "again in a later state is updated, never duplicated."},
        subcommands = {IngestCommand.Sacct.class, IngestCommand.Swf.class, IngestCommand.Slurm.class})
final class IngestCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new Door(spec).usage("say what to ingest: sacct FILE, swf FILE or slurm");
    }

    /** Options every ingest takes. */
    static final class Common {
        @Option(names = "--cluster", paramLabel = "NAME",
                description = "Cluster name for jobs whose input names none (default: the config's, else 'default').")
        String cluster;

        @Option(names = "--json", description = "Print the ingest counts as JSON.")
        boolean json;
    }

    /** What an ingest reports: where from, where to, and the counts. */
    record Outcome(String source, String ledger, long read, long inserted, long updated, long unchanged) {
        static Outcome of(String source, String ledger, IngestReport r) {
            return new Outcome(source, ledger, r.read(), r.inserted(), r.updated(), r.unchanged());
        }
    }

    static void print(Door door, Common common, Outcome o) {
        if (common.json) {
            door.out().println(Json.write(o));
        } else {
            door.out().printf("%s: %,d jobs read: %,d new, %,d updated, %,d unchanged -> %s%n",
                    o.source(), o.read(), o.inserted(), o.updated(), o.unchanged(), o.ledger());
        }
    }

    /** Stores everything one input yields, in one transaction, and reports the counts. */
    static void store(Door door, Common common, String source, String name, Ledger.Ingestion producer) {
        try (Ledger ledger = door.openLedger()) {
            IngestReport r = ledger.ingest(source, withProgress(door, producer), Map.of());
            print(door, common, Outcome.of(name, ledger.location(), r));
        }
    }

    /** On a terminal, a running count on standard error every 100,000 jobs; elsewhere, nothing. */
    static Ledger.Ingestion withProgress(Door door, Ledger.Ingestion producer) {
        if (!door.interactive()) return producer;
        return sink -> {
            long[] n = {0};
            producer.run(job -> {
                sink.accept(job);
                if (++n[0] % 100_000 == 0) {
                    door.err().printf("\rreckon: %,d jobs read...", n[0]);
                    door.err().flush();
                }
            });
            if (n[0] >= 100_000) door.err().print("\r\033[K");
        };
    }

    static Reader open(Door door, String file) throws IOException {
        if (file.equals("-")) return Inputs.strictUtf8(door.root().in);
        try {
            return Inputs.open(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new java.io.FileNotFoundException(file + ": no such file");
        }
    }

    @Command(name = "sacct", mixinStandardHelpOptions = true,
            description = {"Reads what sacct printed (--parsable2 or --parsable) from FILE, or - for standard input.",
                    "Fields are mapped by the header line, or by --format when the output has none (--noheader).",
                    "Example: sacct -a -S 2024-01-01 --parsable2 --format ALL > jobs.txt; reckon ingest sacct jobs.txt"})
    static final class Sacct implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Common common;

        @Parameters(paramLabel = "FILE|-", description = "sacct output; - reads standard input.")
        String file;

        @Option(names = {"-d", "--delimiter"}, paramLabel = "TEXT", defaultValue = "|",
                description = "Field delimiter, one or more characters, as given to sacct --delimiter (default: ${DEFAULT-VALUE}).")
        String delimiter;

        @Option(names = {"-o", "--format"}, paramLabel = "F1,F2,...",
                description = "The field list exactly as given to sacct --format, for output without a header line.")
        String format;

        @Option(names = "--tz", paramLabel = "ZONE",
                description = "Zone of sacct's local timestamps (default: $RECKON_TZ, the config's, else the system zone).")
        String tz;

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            if (delimiter.isEmpty()) throw door.usage("--delimiter must not be empty");
            ZoneId zone = door.config().zone();
            if (tz != null) {
                try {
                    zone = ZoneId.of(tz);
                } catch (DateTimeException e) {
                    throw door.usage("--tz: \"" + tz + "\" is not a time zone (try UTC or Europe/Paris)");
                }
            }
            List<String> fields = format == null ? null : Arrays.asList(format.split(","));
            String cluster = common.cluster != null ? common.cluster : door.config().cluster();
            SacctReader reader = new SacctReader(new SacctOptions(delimiter, fields, zone, cluster));
            String name = file.equals("-") ? "-" : file;
            try (Reader in = open(door, file)) {
                store(door, common, "sacct:" + name, name, sink -> reader.read(in, name, sink));
            }
            return 0;
        }
    }

    @Command(name = "swf", mixinStandardHelpOptions = true,
            description = {"Reads a Standard Workload Format trace (FILE or FILE.gz), e.g. from the Parallel Workloads Archive.",
                    "Jobs are named by their job number; users, groups and queues become u<N>, g<N> and q<N>."})
    static final class Swf implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Common common;

        @Parameters(paramLabel = "FILE", description = "The trace; .gz is read transparently.")
        String file;

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            SwfReader reader = new SwfReader(common.cluster);
            Path trace = Path.of(file);
            if (!Files.isRegularFile(trace)) throw new java.io.FileNotFoundException(file + ": no such file");
            // read(Path) also picks up a FILE.machines description beside the trace
            store(door, common, "swf:" + file, file, sink -> reader.read(trace, sink));
            return 0;
        }
    }

    @Command(name = "slurm", mixinStandardHelpOptions = true,
            description = {"Runs sacct on this machine's Slurm and stores what it says, incrementally.",
                    "Without --since it starts where the last run stopped (7 days back the first time), and it always "
                            + "goes back far enough to re-read every job the ledger still holds as unfinished."})
    static final class Slurm implements java.util.concurrent.Callable<Integer> {
        static final String MARK = "slurm:until";
        static final Duration OVERLAP = Duration.ofMinutes(5);
        /** sacct does not escape job names; no job name holds this. */
        static final String DELIMITER = "^|^";

        @Spec
        CommandSpec spec;
        @Mixin
        Common common;

        @Option(names = "--since", paramLabel = "TIME", description = "Start of the window (e.g. 7d, 2024-03-01).")
        String since;

        @Option(names = "--until", paramLabel = "TIME", description = "End of the window (default: now).")
        String until;

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            Instant now = door.now();
            Instant end = until == null ? now : door.time(until, "--until");
            SlurmCommands slurm = new SlurmCommands(SlurmCommands.DEFAULT_TIMEOUT, door.config().zone());
            String cluster = common.cluster != null ? common.cluster : slurm.clusterName();
            try (Ledger ledger = door.openLedger()) {
                String markKey = MARK + ":" + cluster;
                Instant start;
                if (since != null) start = door.time(since, "--since");
                else start = ledger.mark(markKey).map(Instant::parse).map(t -> t.minus(OVERLAP))
                        .orElse(now.minus(Duration.ofDays(7)));
                Instant unfinished = ledger.earliestUnfinished(cluster).orElse(null);
                if (unfinished != null && unfinished.isBefore(start)) start = unfinished;
                if (!start.isBefore(end)) throw door.usage("--since must be before --until");
                Instant from = start;
                SacctReader reader = new SacctReader(new SacctOptions(DELIMITER, null, door.config().zone(), cluster));
                String name = "sacct -S " + from + " -E " + end;
                // accounting has a job's comment (charter=<id>) only once it ends: take running ones' from the queue
                Map<String, String> queued = slurm.queueComments();
                IngestReport r = ledger.ingest("slurm", withProgress(door, sink -> {
                    try (Reader in = slurm.sacct(from, end, SacctReader.RECKON_FORMAT, DELIMITER)) {
                        reader.read(in, "sacct", job -> {
                            String c = job.comment() == null ? queued.get(job.jobId()) : null;
                            sink.accept(c == null ? job : job.withComment(c));
                        });
                    }
                }), Map.of(markKey, end.toString()));
                print(door, common, Outcome.of(name, ledger.location(), r));
            }
            return 0;
        }
    }
}
