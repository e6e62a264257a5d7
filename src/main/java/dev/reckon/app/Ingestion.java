package dev.reckon.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reckon.core.BadRequest;
import dev.reckon.core.Json;
import dev.reckon.model.Job;
import dev.reckon.ledger.Ledger;
import dev.reckon.ledger.MetricSpool;
import dev.reckon.ledger.Ledger.IngestReport;
import dev.reckon.source.Inputs;
import dev.reckon.source.sacct.SacctOptions;
import dev.reckon.source.sacct.SacctReader;
import dev.reckon.source.slurm.SlurmCommandException;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
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
    /** The ledger mark of the jobs a Slurm ingest set aside: {@code slurm:set_aside:<cluster>}, a JSON list. */
    public static final String SET_ASIDE = "slurm:set_aside";
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
     * @param inserted  jobs new to the ledger ({@code new} in JSON, as in the text)
     * @param updated   jobs seen before in another state
     * @param unchanged jobs the ledger already held as they are
     * @param corrected values stored corrected, not as the input gave them (see {@link SacctReader.Correction})
     * @param warnings  what each correction was, {@code FILE:LINE: FIELD: job ID: what}: the first
     *                  {@value #MAX_WARNINGS} of them
     */
    public record Report(String source, String ledger, long read,
                         @com.fasterxml.jackson.annotation.JsonProperty("new") long inserted, long updated, long unchanged,
                         long corrected, List<String> warnings) {
        public Report {
            warnings = warnings == null ? List.of() : List.copyOf(warnings);
        }

        /** A report of an input that needed no correction. */
        public Report(String source, String ledger, long read, long inserted, long updated, long unchanged) {
            this(source, ledger, read, inserted, updated, unchanged, 0, List.of());
        }

        static Report of(String source, String ledger, IngestReport r, Warnings w) {
            return new Report(source, ledger, r.read(), r.inserted(), r.updated(), r.unchanged(), w.count, w.first);
        }
    }

    /** The most warnings a report keeps (the count counts them all). */
    public static final int MAX_WARNINGS = 100;

    /** The corrections an ingest heard: how many, and the first {@link #MAX_WARNINGS} as messages. */
    static final class Warnings implements Consumer<SacctReader.Correction> {
        long count;
        final List<String> first = new ArrayList<>();

        @Override
        public synchronized void accept(SacctReader.Correction c) {
            count++;
            if (first.size() < MAX_WARNINGS) first.add(c.message());
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
     * @param cluster  the cluster (null: Slurm's own name for it)
     * @param since    the window's start (null: where the last run stopped, less {@link #OVERLAP}; 7 days back the
     *                 first time); always early enough to re-read every job the ledger holds as unfinished
     * @param until    the window's end (null: now)
     * @param clusters the clusters to read, each with {@code sacct -M NAME} and its own mark; {@code all}: every
     *                 cluster of this host's slurmdbd; null or empty: this host's own cluster only (without -M)
     */
    public record SlurmRequest(String cluster, Instant since, Instant until, List<String> clusters) {
        public SlurmRequest {
            clusters = clusters == null ? List.of() : clusters.stream().map(String::strip).filter(s -> !s.isEmpty())
                    .distinct().toList();
            if (cluster != null && !clusters.isEmpty())
                throw new BadRequest("--cluster names the cluster of one ingest; with --clusters each cluster's jobs "
                        + "carry their own name: give one or the other");
            if (clusters.contains(ALL) && clusters.size() > 1)
                throw new BadRequest("--clusters: 'all' goes alone");
        }

        /** This host's own cluster. */
        public SlurmRequest(String cluster, Instant since, Instant until) {
            this(cluster, since, until, null);
        }
    }

    /** The word of {@link SlurmRequest#clusters} for every cluster of this host's slurmdbd. */
    public static final String ALL = "all";

    public Report sacct(SacctRequest r) throws IOException {
        return sacct(r, n -> {});
    }

    /** Ingests sacct output; {@code progress} hears the running count every {@link #PROGRESS_EVERY} jobs. */
    public Report sacct(SacctRequest r, LongConsumer progress) throws IOException {
        return sacctOutcome(r, progress).value();
    }

    /** As {@link #sacct}, with the notes: what the metric spool gave the ledger ({@link #collectSpool}). */
    public Outcome<Report> sacctOutcome(SacctRequest r, LongConsumer progress) throws IOException {
        String file = r.file();
        if (file == null || file.isBlank()) throw new BadRequest("FILE: give a file, or - for standard input");
        String delimiter = r.delimiter() == null ? "|" : r.delimiter();
        if (delimiter.isEmpty()) throw new BadRequest("--delimiter: must not be empty");
        List<String> fields = r.format() == null || r.format().isEmpty() ? null : r.format();
        ZoneId zone = r.zone() != null ? r.zone() : ctx.zone();
        String cluster = r.cluster() != null ? r.cluster() : ctx.config().cluster();
        Warnings warnings = new Warnings();
        SacctReader reader = new SacctReader(new SacctOptions(delimiter, fields, zone, cluster)).onCorrection(warnings);
        try (InputStream in = openBytes(file, r.stdin())) {
            return store("sacct:" + file, file, sink -> reader.read(in, file, sink), progress, warnings);
        }
    }

    public Report swf(SwfRequest r) throws IOException {
        return swf(r, n -> {});
    }

    /** Ingests an SWF trace, with the {@code FILE.machines} description beside it when there is one. */
    public Report swf(SwfRequest r, LongConsumer progress) throws IOException {
        return swfOutcome(r, progress).value();
    }

    /** As {@link #swf}, with the notes: what the metric spool gave the ledger ({@link #collectSpool}). */
    public Outcome<Report> swfOutcome(SwfRequest r, LongConsumer progress) throws IOException {
        String file = r.file();
        if (file == null || file.isBlank()) throw new BadRequest("FILE: give a trace file");
        SwfReader reader = new SwfReader(r.cluster());
        Path trace = Path.of(file);
        if (!Files.isRegularFile(trace)) throw new FileNotFoundException(file + ": no such file");
        return store("swf:" + file, file, sink -> reader.read(trace, sink), progress, new Warnings());
    }

    public Report slurm(SlurmRequest r) throws IOException {
        return slurm(r, n -> {});
    }

    /** As {@link #slurmOutcome}, without the notes. */
    public Report slurm(SlurmRequest r, LongConsumer progress) throws IOException {
        return slurmOutcome(r, progress).value();
    }

    /**
     * Runs sacct on this machine's Slurm for the window and stores what it says, with the comment (charter=ID) of
     * jobs still queued taken from the queue; the window's end becomes the mark the next run starts from.
     *
     * <p>One job cannot stop the window: a job a line of which does not read (its name holding the delimiter, a
     * value out of range) is set aside, remembered in the mark {@value #SET_ASIDE}{@code :<cluster>} (a JSON list),
     * and told in a note (job, file:line, field, why); the rest of the window is stored and the mark moves on. Each
     * later run first reads the jobs set aside before, one at a time ({@code sacct -j ID}), with delimiters of
     * control characters that free text rarely holds ({@link #RETRY_DELIMITERS}), stores those that read and drops
     * them from the list; a job that still does not read stays set aside, its reason in a note.
     */
    public Outcome<Report> slurmOutcome(SlurmRequest r, LongConsumer progress) throws IOException {
        SlurmCommands slurm = new SlurmCommands(SlurmCommands.DEFAULT_TIMEOUT, ctx.zone());
        if (r.clusters().isEmpty()) {
            return slurmCluster(slurm, r.cluster() != null ? r.cluster() : slurm.clusterName(), false, r, progress);
        }
        List<String> known = slurm.clusters();
        List<String> names = r.clusters().equals(List.of(ALL)) ? known : r.clusters();
        for (String n : names) {
            if (!known.contains(n)) throw new BadRequest("--clusters: \"" + n + "\" is not a cluster of this host's "
                    + "Slurm accounting (sacctmgr list cluster: " + String.join(", ", known) + ")");
        }
        if (names.isEmpty()) throw new BadRequest("--clusters all: this host's Slurm accounting lists no cluster");
        if (names.size() == 1) return slurmCluster(slurm, names.get(0), true, r, progress);
        // each cluster its own transaction and mark: one that cannot be read leaves the others stored
        List<String> sources = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        long read = 0, inserted = 0, updated = 0, unchanged = 0, corrected = 0;
        String ledgerAt = null;
        for (String n : names) {
            Outcome<Report> one = slurmCluster(slurm, n, true, r, progress);
            Report p = one.value();
            sources.add(p.source());
            read += p.read();
            inserted += p.inserted();
            updated += p.updated();
            unchanged += p.unchanged();
            corrected += p.corrected();
            ledgerAt = p.ledger();
            for (String w : p.warnings()) if (warnings.size() < MAX_WARNINGS) warnings.add(w);
            notes.add(String.format("cluster %s: %,d jobs read: %,d new, %,d updated, %,d unchanged", n, p.read(),
                    p.inserted(), p.updated(), p.unchanged()));
            for (String note : one.notes()) notes.add("cluster " + n + ": " + note);
        }
        return Outcome.of(new Report(String.join("; ", sources), ledgerAt, read, inserted, updated, unchanged, corrected,
                warnings), List.of(), notes);
    }

    /**
     * One cluster's incremental ingest, with its own marks ({@value #MARK}{@code :<cluster>}).
     *
     * @param remote read it with {@code -M cluster}; otherwise this host's own cluster, without -M
     */
    private Outcome<Report> slurmCluster(SlurmCommands slurm, String cluster, boolean remote, SlurmRequest r,
                                         LongConsumer progress) throws IOException {
        Instant now = ctx.now();
        Instant end = r.until() == null ? now : r.until();
        String m = remote ? cluster : null;
        try (Ledger ledger = ctx.openLedger()) {
            String markKey = MARK + ":" + cluster;
            String asideKey = SET_ASIDE + ":" + cluster;
            Instant start;
            if (r.since() != null) start = r.since();
            else start = ledger.mark(markKey).map(Instant::parse).map(t -> t.minus(OVERLAP))
                    .orElse(now.minus(Duration.ofDays(7)));
            Instant unfinished = ledger.earliestUnfinished(cluster).orElse(null);
            if (unfinished != null && unfinished.isBefore(start)) start = unfinished;
            if (!start.isBefore(end)) throw new BadRequest("--since: must be before --until");
            Instant from = start;
            Optional<String> asideBefore = ledger.mark(asideKey);
            Map<String, Aside> before = readAside(asideBefore.orElse(null));
            Warnings warnings = new Warnings();
            SacctReader reader = new SacctReader(new SacctOptions(DELIMITER, null, ctx.zone(), cluster))
                    .onCorrection(warnings).decodedLeniently();
            String name = "sacct " + (remote ? "-M " + cluster + " " : "") + "-S " + from + " -E " + end;
            // accounting has a job's comment (charter=<id>) only once it ends: take running ones' from the queue
            Map<String, String> queued = slurm.queueComments(m);
            List<String> notes = java.util.Collections.synchronizedList(new ArrayList<>());
            // the producer fills the set-aside mark; the ledger writes marks once the producer is done
            Map<String, String> marks = new ConcurrentHashMap<>(Map.of(markKey, end.toString()));
            IngestReport report = ledger.ingest("slurm", counting(sink -> {
                Consumer<Job> store = job -> {
                    String c = job.comment() == null ? queued.get(job.jobId()) : null;
                    sink.accept(c == null ? job : job.withComment(c));
                };
                Map<String, Aside> aside = new LinkedHashMap<>(before);
                Set<String> storedBefore = new HashSet<>();
                try (Reader in = slurm.sacct(from, end, SacctReader.RECKON_FORMAT, DELIMITER, m)) {
                    reader.read(in, "sacct", job -> {
                        if (before.containsKey(job.jobId())) storedBefore.add(job.jobId());
                        store.accept(job);
                    }, a -> {
                        if (a.jobId() == null) {
                            notes.add(a.error().getMessage() + ": this line names no job that can be read; skipped");
                        } else if (!before.containsKey(a.jobId())) {
                            aside.put(a.jobId(), new Aside(a.jobId(), a.error().getMessage(), now.toString()));
                            notes.add("job " + a.jobId() + " set aside: " + a.error().getMessage()
                                    + (a.split() ? " (its name or comment holds the delimiter \"" + DELIMITER + "\"?)" : "")
                                    + "; the rest of the window is stored, and the next run reads the job on its own");
                        }
                    });
                }
                for (String id : storedBefore) {
                    aside.remove(id);
                    notes.add("job " + id + ", set aside before, read and stored");
                }
                for (Aside a : before.values()) {
                    if (storedBefore.contains(a.jobId())) continue;
                    Retry got = retry(slurm, a.jobId(), cluster, m, warnings);
                    if (got.job() != null) {
                        store.accept(got.job());
                        aside.remove(a.jobId());
                        notes.add("job " + a.jobId() + ", set aside before, read on its own (sacct -j "
                                + a.jobId() + ") and stored");
                    } else {
                        aside.put(a.jobId(), new Aside(a.jobId(), got.reason(), a.since()));
                        notes.add("job " + a.jobId() + " is still set aside (since " + a.since() + "): " + got.reason());
                    }
                }
                if (!aside.isEmpty() || asideBefore.isPresent()) marks.put(asideKey, writeAside(aside.values()));
            }, progress), marks);
            notes.addAll(collectSpool(ledger));
            return Outcome.of(Report.of(name, ledger.location(), report, warnings), List.of(), notes);
        }
    }

    /**
     * Delimiters a set-aside job is read again with, in turn, until its lines split: the ASCII unit separator, then
     * record and unit separators together, then printable text.
     */
    static final List<String> RETRY_DELIMITERS = List.of("\u001f", "\u001e\u001f\u001e", "~^reckon-field^~");

    /** A job set aside: its id, why, and since when (the run that first set it aside). */
    record Aside(String jobId, String reason, String since) {}

    /** A set-aside job read again: the job, or why it still does not read. */
    private record Retry(Job job, String reason) {}

    private Retry retry(SlurmCommands slurm, String id, String cluster, String m, Warnings warnings) throws IOException {
        String reason = null;
        for (String d : RETRY_DELIMITERS) {
            SacctReader reader = new SacctReader(new SacctOptions(d, null, ctx.zone(), cluster))
                    .onCorrection(warnings).decodedLeniently();
            Job[] job = {null};
            SacctReader.SetAside[] bad = {null};
            String name = "sacct " + (m == null ? "" : "-M " + m + " ") + "-j " + id;
            try (Reader in = slurm.sacctJob(id, SacctReader.RECKON_FORMAT, d, m)) {
                reader.read(in, name, j -> {
                    if (j.jobId().equals(id)) job[0] = j;
                }, a -> {
                    if (id.equals(a.jobId())) bad[0] = a;
                });
            } catch (SlurmCommandException e) {
                return new Retry(null, name + " failed: " + e.getMessage());
            }
            if (bad[0] == null) {
                return job[0] != null ? new Retry(job[0], null)
                        : new Retry(null, name + " prints no record of it (yet); it is asked again next run");
            }
            reason = bad[0].error().getMessage();
            if (!bad[0].split()) return new Retry(null, reason);
        }
        return new Retry(null, reason + " (with every delimiter tried: its name or comment holds them all)");
    }

    /** The set-aside list of a mark: a JSON list of {job_id, reason, since}; unreadable text reads as empty. */
    static Map<String, Aside> readAside(String json) {
        Map<String, Aside> out = new LinkedHashMap<>();
        if (json == null || json.isBlank()) return out;
        try {
            JsonNode list = Json.mapper().readTree(json);
            if (list == null || !list.isArray()) return out;
            for (JsonNode e : list) {
                String id = e.path("job_id").asText(null);
                if (id == null || id.isBlank()) continue;
                out.put(id, new Aside(id, e.path("reason").asText(""), e.path("since").asText("")));
            }
        } catch (JsonProcessingException e) {
            return out;
        }
        return out;
    }

    static String writeAside(Collection<Aside> aside) {
        ArrayNode list = Json.mapper().createArrayNode();
        for (Aside a : aside) {
            ObjectNode o = list.addObject();
            o.put("job_id", a.jobId());
            o.put("reason", a.reason());
            o.put("since", a.since());
        }
        return list.toString();
    }

    /** Stores everything one input yields, in one transaction, and reports the counts. */
    private Outcome<Report> store(String source, String name, Ledger.Ingestion producer, LongConsumer progress, Warnings w) {
        try (Ledger ledger = ctx.openLedger()) {
            IngestReport r = ledger.ingest(source, counting(producer, progress), Map.of());
            return Outcome.of(Report.of(name, ledger.location(), r, w), List.of(), collectSpool(ledger));
        }
    }

    /**
     * Stores what {@code reckon metric} left in the site's metric spool (users who cannot write the ledger) and
     * removes it: every ingest does, so that cron's ingest carries jobs' metrics into the ledger. Returns the notes:
     * how many metrics it stored, and any spool file it could not read (kept, never stored in part).
     */
    List<String> collectSpool(Ledger ledger) {
        MetricSpool.Collected c = MetricSpool.collect(ctx.site().metricSpool(), ledger);
        List<String> notes = new ArrayList<>(c.problems());
        if (c.files() > 0) notes.add(0, "stored " + c.metrics() + " metric" + (c.metrics() == 1 ? "" : "s") + " from "
                + c.files() + " file" + (c.files() == 1 ? "" : "s") + " of the metric spool " + ctx.site().metricSpool());
        return notes;
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

    /** The bytes of a file (gunzipped when compressed) or of standard input ({@code -}). */
    private static InputStream openBytes(String file, InputStream stdin) throws IOException {
        if (file.equals("-")) return stdin == null ? InputStream.nullInputStream() : stdin;
        try {
            return Inputs.bytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new FileNotFoundException(file + ": no such file");
        }
    }

}
