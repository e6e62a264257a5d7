package dev.reckon.app;

import dev.reckon.core.BadRequest;
import dev.reckon.ledger.Ledger;
import dev.reckon.ledger.Ledger.IngestReport;
import dev.reckon.source.Inputs;
import dev.reckon.source.sacct.SacctOptions;
import dev.reckon.source.sacct.SacctReader;
import dev.reckon.source.slurm.SlurmCommands;
import dev.reckon.source.swf.SwfReader;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Reads job accounting into the ledger: what sacct printed, a Standard Workload Format trace, or this machine's
 * Slurm directly. Each input is stored whole or not at all; ingest is idempotent.
 */
public final class Ingestion {
    /** The ledger mark where the last Slurm ingest of a cluster stopped: {@code slurm:until:<cluster>}. */
    public static final String MARK = "slurm:until";
    /** How far before the last mark a Slurm ingest starts again, for jobs accounting learned of late. */
    public static final Duration OVERLAP = Duration.ofMinutes(5);
    /** sacct does not escape job names; no job name holds this. */
    static final String DELIMITER = "^|^";
    /** How often a progress listener hears the count. */
    public static final long PROGRESS_EVERY = 100_000;

    private final Context ctx;

    public Ingestion(Context ctx) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
    }

    /**
     * What an ingest reports: where from, where to, and the counts.
     *
     * @param source    the input as named ({@code jobs.txt}, {@code -}, or the sacct command line run)
     * @param ledger    the ledger written
     * @param read      jobs read
     * @param inserted  jobs new to the ledger
     * @param updated   jobs seen before in another state
     * @param unchanged jobs the ledger already held as they are
     */
    public record Report(String source, String ledger, long read, long inserted, long updated, long unchanged) {
        static Report of(String source, String ledger, IngestReport r) {
            return new Report(source, ledger, r.read(), r.inserted(), r.updated(), r.unchanged());
        }
    }

    /**
     * What sacct printed ({@code --parsable2} or {@code --parsable}): {@code file}, or {@code -} for {@code stdin}.
     *
     * @param delimiter the field delimiter as given to sacct (null: {@code |})
     * @param format    the field list as given to sacct --format, for output without a header line; null or empty
     *                  when the output has its header
     * @param zone      the zone of sacct's local timestamps (null: the configured one)
     * @param cluster   the cluster of jobs whose input names none (null: the configured one)
     */
    public record SacctRequest(String file, InputStream stdin, String delimiter, List<String> format, ZoneId zone,
                               String cluster) {}

    /** A Standard Workload Format trace ({@code .gz} read transparently); cluster null: the reader's default. */
    public record SwfRequest(String file, String cluster) {}

    /**
     * This machine's Slurm, through sacct.
     *
     * @param cluster the cluster (null: Slurm's own name for it)
     * @param since   the window's start (null: where the last run stopped, less {@link #OVERLAP}; 7 days back the
     *                first time); always early enough to re-read every job the ledger holds as unfinished
     * @param until   the window's end (null: now)
     */
    public record SlurmRequest(String cluster, Instant since, Instant until) {}

    public Report sacct(SacctRequest r) throws IOException {
        return sacct(r, n -> {});
    }

    /** Ingests sacct output; {@code progress} hears the running count every {@link #PROGRESS_EVERY} jobs. */
    public Report sacct(SacctRequest r, LongConsumer progress) throws IOException {
        String file = r.file();
        if (file == null || file.isBlank()) throw new BadRequest("FILE: give a file, or - for standard input");
        String delimiter = r.delimiter() == null ? "|" : r.delimiter();
        if (delimiter.isEmpty()) throw new BadRequest("--delimiter: must not be empty");
        List<String> fields = r.format() == null || r.format().isEmpty() ? null : r.format();
        ZoneId zone = r.zone() != null ? r.zone() : ctx.zone();
        String cluster = r.cluster() != null ? r.cluster() : ctx.config().cluster();
        SacctReader reader = new SacctReader(new SacctOptions(delimiter, fields, zone, cluster));
        try (Reader in = open(file, r.stdin())) {
            return store("sacct:" + file, file, sink -> reader.read(in, file, sink), progress);
        }
    }

    public Report swf(SwfRequest r) throws IOException {
        return swf(r, n -> {});
    }

    /** Ingests an SWF trace, with the {@code FILE.machines} description beside it when there is one. */
    public Report swf(SwfRequest r, LongConsumer progress) throws IOException {
        String file = r.file();
        if (file == null || file.isBlank()) throw new BadRequest("FILE: give a trace file");
        SwfReader reader = new SwfReader(r.cluster());
        Path trace = Path.of(file);
        if (!Files.isRegularFile(trace)) throw new FileNotFoundException(file + ": no such file");
        return store("swf:" + file, file, sink -> reader.read(trace, sink), progress);
    }

    public Report slurm(SlurmRequest r) throws IOException {
        return slurm(r, n -> {});
    }

    /**
     * Runs sacct on this machine's Slurm for the window and stores what it says, with the comment (charter=ID) of
     * jobs still queued taken from the queue; the window's end becomes the mark the next run starts from.
     */
    public Report slurm(SlurmRequest r, LongConsumer progress) throws IOException {
        Instant now = ctx.now();
        Instant end = r.until() == null ? now : r.until();
        SlurmCommands slurm = new SlurmCommands(SlurmCommands.DEFAULT_TIMEOUT, ctx.zone());
        String cluster = r.cluster() != null ? r.cluster() : slurm.clusterName();
        try (Ledger ledger = ctx.openLedger()) {
            String markKey = MARK + ":" + cluster;
            Instant start;
            if (r.since() != null) start = r.since();
            else start = ledger.mark(markKey).map(Instant::parse).map(t -> t.minus(OVERLAP))
                    .orElse(now.minus(Duration.ofDays(7)));
            Instant unfinished = ledger.earliestUnfinished(cluster).orElse(null);
            if (unfinished != null && unfinished.isBefore(start)) start = unfinished;
            if (!start.isBefore(end)) throw new BadRequest("--since: must be before --until");
            Instant from = start;
            SacctReader reader = new SacctReader(new SacctOptions(DELIMITER, null, ctx.zone(), cluster));
            String name = "sacct -S " + from + " -E " + end;
            // accounting has a job's comment (charter=<id>) only once it ends: take running ones' from the queue
            Map<String, String> queued = slurm.queueComments();
            IngestReport report = ledger.ingest("slurm", counting(sink -> {
                try (Reader in = slurm.sacct(from, end, SacctReader.RECKON_FORMAT, DELIMITER)) {
                    reader.read(in, "sacct", job -> {
                        String c = job.comment() == null ? queued.get(job.jobId()) : null;
                        sink.accept(c == null ? job : job.withComment(c));
                    });
                }
            }, progress), Map.of(markKey, end.toString()));
            return Report.of(name, ledger.location(), report);
        }
    }

    /** Stores everything one input yields, in one transaction, and reports the counts. */
    private Report store(String source, String name, Ledger.Ingestion producer, LongConsumer progress) {
        try (Ledger ledger = ctx.openLedger()) {
            IngestReport r = ledger.ingest(source, counting(producer, progress), Map.of());
            return Report.of(name, ledger.location(), r);
        }
    }

    private static Ledger.Ingestion counting(Ledger.Ingestion producer, LongConsumer progress) {
        return sink -> {
            long[] n = {0};
            producer.run(job -> {
                sink.accept(job);
                if (++n[0] % PROGRESS_EVERY == 0) progress.accept(n[0]);
            });
        };
    }

    private static Reader open(String file, InputStream stdin) throws IOException {
        if (file.equals("-")) return Inputs.strictUtf8(stdin == null ? InputStream.nullInputStream() : stdin);
        try {
            return Inputs.open(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new FileNotFoundException(file + ": no such file");
        }
    }
}
