package dev.reckon.cli;

import dev.reckon.app.Ingestion;
import dev.reckon.core.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;

/** {@code reckon ingest sacct|swf|slurm}: reads accounting into the ledger, all of an input or nothing. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Reads job accounting into the ledger.",
                "Each input is stored whole or not at all: a bad line is reported as file:line:field and stores "
                        + "nothing of its input. Ingest is idempotent: the same input twice changes nothing, and a job seen "
                        + "again in a later state is updated, never duplicated.",
                "A value stored corrected (control characters in a name, a step line repeated, CPU time beyond the "
                        + "allocation) is told as a warning, FILE:LINE: FIELD: job ID: what (in --json: corrected, "
                        + "warnings)."},
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

    static void print(Door door, Common common, Ingestion.Report o) {
        if (common.json) {
            door.out().println(Json.write(o));
        } else {
            for (String w : o.warnings()) door.err().println("reckon: warning: " + w);
            if (o.corrected() > o.warnings().size()) {
                door.err().printf("reckon: warning: ... and %,d more values stored corrected%n",
                        o.corrected() - o.warnings().size());
            }
            door.out().printf("%s: %,d jobs read: %,d new, %,d updated, %,d unchanged%s -> %s%n",
                    o.source(), o.read(), o.inserted(), o.updated(), o.unchanged(),
                    o.corrected() == 0 ? "" : String.format(" (%,d values stored corrected)", o.corrected()), o.ledger());
        }
    }

    /** On a terminal, a running count on standard error as the use case reports it; elsewhere, nothing. */
    static final class Progress implements LongConsumer {
        private final Door door;
        private long last;

        Progress(Door door) {
            this.door = door;
        }

        @Override
        public void accept(long n) {
            last = n;
            if (!door.interactive()) return;
            door.progress().printf("\rreckon: %,d jobs read...", n);
            door.progress().flush();
        }

        /** Clears the count's line once the ingest is done. */
        void done() {
            if (last > 0 && door.interactive()) door.progress().print("\r\033[K");
        }
    }

    /** Runs one ingest with a progress count, and prints what it reports. */
    static Integer run(Door door, Common common, Ingest ingest) throws IOException {
        Progress progress = new Progress(door);
        Ingestion.Report r = ingest.run(new Ingestion(door.context()), progress);
        progress.done();
        print(door, common, r);
        return 0;
    }

    @FunctionalInterface
    interface Ingest {
        Ingestion.Report run(Ingestion ingestion, LongConsumer progress) throws IOException;
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
            ZoneId zone = null;
            if (tz != null) {
                try {
                    zone = ZoneId.of(tz);
                } catch (DateTimeException e) {
                    throw door.usage("--tz: \"" + tz + "\" is not a time zone (try UTC or Europe/Paris)");
                }
            }
            List<String> fields = format == null ? null : Arrays.asList(format.split(","));
            Ingestion.SacctRequest r = new Ingestion.SacctRequest(file, door.root().in, delimiter, fields, zone,
                    common.cluster);
            return IngestCommand.run(door, common, (in, progress) -> door.show(in.sacctOutcome(r, progress)));
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
            Ingestion.SwfRequest r = new Ingestion.SwfRequest(file, common.cluster);
            return IngestCommand.run(door, common, (in, progress) -> door.show(in.swfOutcome(r, progress)));
        }
    }

    @Command(name = "slurm", mixinStandardHelpOptions = true,
            description = {"Runs sacct on this machine's Slurm and stores what it says, incrementally.",
                    "Without --since it starts where the last run stopped (7 days back the first time), and it always "
                            + "goes back far enough to re-read every job the ledger still holds as unfinished.",
                    "A job whose record does not read (its name holding the delimiter) is set aside with a note on "
                            + "standard error, the rest stored; the next run reads it on its own (sacct -j ID)."})
    static final class Slurm implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Common common;

        @Option(names = "--since", paramLabel = "TIME", description = "Start of the window (e.g. 7d, 2024-03-01).")
        String since;

        @Option(names = "--until", paramLabel = "TIME", description = "End of the window (default: now).")
        String until;

        @Option(names = "--clusters", paramLabel = "NAME[,NAME...]|all", split = ",",
                description = "Reads each of these clusters of this host's slurmdbd (sacct -M NAME), each "
                        + "incrementally from its own mark; all: every cluster sacctmgr lists. Default: this host's "
                        + "own cluster only.")
        List<String> clusters;

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            Ingestion.SlurmRequest r = new Ingestion.SlurmRequest(common.cluster, door.time(since, "--since"),
                    door.time(until, "--until"), clusters);
            return IngestCommand.run(door, common, (in, progress) -> door.show(in.slurmOutcome(r, progress)));
        }
    }
}
