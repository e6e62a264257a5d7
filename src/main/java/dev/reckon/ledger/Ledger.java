package dev.reckon.ledger;

import dev.reckon.model.AuditEntry;
import dev.reckon.model.Job;
import dev.reckon.model.Metric;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The durable ledger of jobs, of the metrics efforts report, and of the audit log of what reckon did to jobs: an
 * embedded SQLite file by default, or a PostgreSQL database given by a {@code jdbc:postgresql:} URL. Opening migrates
 * the schema to this version's. Ingesting is one transaction and idempotent: a job (cluster + job id) is stored once,
 * updated in place when seen again with other contents.
 *
 * <p>Its methods may be called from several threads. On SQLite the ledger holds the file's one connection and calls
 * take turns; on PostgreSQL each call borrows a connection from a pool (at most {@value Schema#POOL_SIZE}), so that
 * concurrent reads run at once and are not held up by an ingest (they see what was committed before). Ingests into
 * one ledger object run one at a time. {@link #close()} closes the connection or the pool.
 *
 * <p>This class is the facade; the work is done by package-private rooms: {@link Schema} (opening, migrations,
 * connections: {@link Connections}), {@link Ingest}, {@link JobStore} (with the stored form, {@link JobCodec}),
 * {@link MetricStore}, {@link AuditLog} and {@link Marks}.
 */
public final class Ledger implements AutoCloseable {

    /** The newest schema version this build ships: the highest {@code V<n>__} migration of each database. */
    static final String SCHEMA_VERSION = Schema.VERSION;

    private final Connections db;
    private final Ingest ingest;
    private final JobStore jobs;
    private final MetricStore metrics;
    private final CampaignStore campaigns;
    private final AuditLog audit;
    private final Marks marks;
    private final Claims claims;
    private final StudyStore studies;

    private Ledger(Connections db) {
        this.db = db;
        this.ingest = new Ingest(db);
        this.jobs = new JobStore(db);
        this.metrics = new MetricStore(db);
        this.campaigns = new CampaignStore(db);
        this.audit = new AuditLog(db);
        this.marks = new Marks(db);
        this.claims = new Claims(db);
        this.studies = new StudyStore(db);
    }

    /**
     * Opens (creating where needed) and migrates a ledger.
     *
     * @param location a file path (an SQLite file; missing parent directories are created), a {@code jdbc:sqlite:}
     *                 URL, or a {@code jdbc:postgresql://} URL (user and password in the URL, or from the environment
     *                 variables {@code PGUSER} and {@code PGPASSWORD})
     * @throws LedgerException with a one-line message when the ledger cannot be opened: unreachable server,
     *                         unwritable file, not a ledger, or a schema newer than this version knows
     */
    public static Ledger open(String location) {
        return new Ledger(Schema.open(location));
    }

    /**
     * Opens an existing ledger for reading only: nothing is created, no migration runs, and a ledger on a read-only
     * file or directory (or a read-only database role) serves. Calls that write fail.
     *
     * @param location as for {@link #open}
     * @throws LedgerException naming the location when there is no ledger there (a mistyped path creates
     *                         nothing), when it is not a ledger, or when its schema is older ("run reckon ingest to
     *                         upgrade the ledger") or newer than this build's; {@link LedgerException.Kind#UNAVAILABLE}
     *                         when a PostgreSQL server cannot be reached
     */
    public static Ledger openReadOnly(String location) {
        return new Ledger(Schema.openReadOnly(location));
    }

    /** The URL with any password replaced by {@code ***}, fit for messages. */
    static String redact(String url) {
        return Schema.redact(url);
    }

    // ---------------------------------------------------------------------------------------------- ingest

    /** Produces the jobs of one ingest, handing each to the sink. */
    @FunctionalInterface
    public interface Ingestion {
        void run(Consumer<Job> sink) throws IOException;
    }

    /**
     * What an ingest did.
     *
     * @param read      jobs the producer emitted
     * @param inserted  jobs new to the ledger
     * @param updated   jobs already there whose contents changed (each job counted once)
     * @param unchanged the rest: {@code read - inserted - updated} (jobs already there with the same contents,
     *                  and repeats within the input)
     */
    public record IngestReport(long read, long inserted, long updated, long unchanged) {
    }

    /**
     * Stores every job the producer emits, in one transaction. If the producer throws (e.g. an {@code InputError}),
     * nothing is stored and the exception propagates unchanged (an {@link IOException} wrapped in an
     * {@link UncheckedIOException}). The marks are written in the same transaction. A job (cluster + job id) seen
     * again is updated in place if its contents differ; storing the same jobs twice changes nothing. Each job row
     * records {@code source} as the ingest that last changed it.
     *
     * @param source   what the jobs came from (a file name, a command), kept in the ledger
     * @param producer emits the jobs
     * @param marks    keys and values to remember alongside (e.g. how far a source has been read); may be empty
     * @throws LedgerException when the database refuses, or a job has no cluster or job id
     */
    public IngestReport ingest(String source, Ingestion producer, Map<String, String> marks) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(producer, "producer");
        return ingest.run(source, producer, marks == null ? Map.of() : marks);
    }

    // ---------------------------------------------------------------------------------------------- reading

    /** The jobs the query selects, in order (submit time, then job id). For many jobs prefer {@link #forEachJob}. */
    public List<Job> jobs(JobQuery q) {
        List<Job> out = new ArrayList<>();
        forEachJob(q, out::add);
        return out;
    }

    /** Hands each job the query selects to {@code each}, in order, reading as it goes (constant memory). */
    public void forEachJob(JobQuery q, Consumer<Job> each) {
        Objects.requireNonNull(q, "query");
        jobs.forEach(q, each);
    }

    /**
     * The job with this id, with its steps.
     *
     * @param cluster the cluster, or {@code null} for whichever holds the id
     * @throws LedgerException if the cluster is null and several clusters have a job with this id
     */
    public Optional<Job> job(String jobId, String cluster) {
        Objects.requireNonNull(jobId, "jobId");
        return jobs.job(jobId, cluster);
    }

    /**
     * The jobs that make up an array or heterogeneous job: {@code 123_1}, {@code 123_[5-9%2]}, {@code 123+0} ... for
     * {@code 123}, in listing order, without their steps. Empty when the id names no such job.
     *
     * @param cluster the cluster, or {@code null} for all
     */
    public List<Job> members(String jobId, String cluster) {
        Objects.requireNonNull(jobId, "jobId");
        return jobs.members(jobId, cluster);
    }

    /**
     * The earliest submit time of a job in that cluster that has not reached a final state (pending, running,
     * suspended, ...): where an incremental re-read of the scheduler's accounting must start. Empty if none.
     */
    public Optional<Instant> earliestUnfinished(String cluster) {
        Objects.requireNonNull(cluster, "cluster");
        return jobs.earliestUnfinished(cluster);
    }

    /** The value last stored for a mark by a successful ingest. */
    public Optional<String> mark(String key) {
        return marks.mark(key);
    }

    // ---------------------------------------------------------------------------------------------- campaigns

    /** Stores or replaces one numbered item (a JSON document) of an optimisation campaign's state, durably. */
    public void saveCampaignItem(String campaign, int item, String doc) {
        campaigns.put(Objects.requireNonNull(campaign, "campaign"), item, Objects.requireNonNull(doc, "doc"),
                System.currentTimeMillis());
    }

    /** An optimisation campaign's stored items, in item order; empty for a campaign never run. */
    public List<String> campaignItems(String campaign) {
        return campaigns.items(campaign);
    }

    // ---------------------------------------------------------------------------------------------- studies

    /**
     * Stores or replaces rows of a placement study (JSON documents, one per cell of its cross product), as the shard
     * named {@code shard} computed them; one transaction.
     */
    public void saveStudyRows(String study, String shard, List<Integer> cells, List<String> docs) {
        if (cells.size() != docs.size()) throw new IllegalArgumentException("one document per cell");
        studies.put(Objects.requireNonNull(study, "study"), Objects.requireNonNull(shard, "shard"), cells, docs,
                System.currentTimeMillis());
    }

    /** A placement study's stored rows, in cell order; empty for a study never stored. */
    public List<String> studyRows(String study) {
        return studies.rows(study);
    }

    // ---------------------------------------------------------------------------------------------- metrics

    /**
     * Stores the metrics, all or none (one transaction). Times are kept to the millisecond.
     *
     * @throws LedgerException when the database refuses
     */
    public void recordMetrics(List<Metric> metrics) {
        Objects.requireNonNull(metrics, "metrics");
        this.metrics.record(metrics);
    }

    /**
     * Stores a batch of metrics once: the metrics and the mark {@code batch} in one transaction, nothing when the mark
     * is there already (the batch was stored before, e.g. by a run that died before removing its spool file). True
     * when stored now.
     */
    public boolean recordMetricsOnce(String batch, List<Metric> metrics) {
        Objects.requireNonNull(batch, "batch");
        return this.metrics.recordOnce(batch, metrics);
    }

    /** The metrics reported for a charter, oldest first (in the order stored within one millisecond). */
    public List<Metric> metrics(String charter) {
        Objects.requireNonNull(charter, "charter");
        return metrics.of(charter);
    }

    // ---------------------------------------------------------------------------------------------- claims

    /**
     * Claims an action before it is carried out, in a transaction of its own: true when this caller now holds it
     * (it was never claimed, or its last claim was settled failed); false when another run holds it or it is done.
     * Of any number of processes claiming the same key at once, exactly one gets it. {@code jobId} or
     * {@code charter} may be null where they do not apply.
     */
    public boolean claim(String cluster, String jobId, String action, String charter, String actor, Instant at) {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(at, "at");
        return claims.claim(cluster, jobId, action, charter, actor, at);
    }

    /** Settles a claim this caller holds: done (never to be claimed again) or failed (to be tried again). */
    public void settleClaim(String cluster, String jobId, String action, String charter, boolean done) {
        claims.settle(cluster, jobId, action, charter, done);
    }

    /**
     * Marks a claim that was never settled (its run died between claiming and settling) as failed, so that a later
     * run tries the action again: for after an operator has checked it was not carried out (or wants it done again).
     * {@code record} is appended to the audit log in the same transaction. False, and nothing written, when there is
     * no such unsettled claim.
     */
    public boolean releaseClaim(String cluster, String jobId, String action, String charter, AuditEntry record) {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(record, "record");
        return claims.release(cluster, jobId, action, charter, record);
    }

    /** A claim's state ({@code claimed}, {@code done}, {@code failed}), or empty when it was never claimed. */
    public Optional<String> claimState(String cluster, String jobId, String action, String charter) {
        return Optional.ofNullable(claims.state(cluster, jobId, action, charter));
    }

    /**
     * A claim never settled: its key (cluster, job id, action, charter; job id and charter '' where they do not
     * apply), who took it and when.
     */
    public record Claim(String cluster, String jobId, String action, String charter, String actor, Instant at) {}

    /** Claims never settled (their run died between claiming and settling, or is still running), oldest first. */
    public List<Claim> unsettledClaims() {
        return claims.unsettled();
    }

    // ---------------------------------------------------------------------------------------------- audit

    /** Appends one entry to the audit log (its time kept to the millisecond). */
    public void audit(AuditEntry entry) {
        Objects.requireNonNull(entry, "entry");
        audit.append(entry);
    }

    /**
     * The audit log, oldest first (entries of the same millisecond in the order written).
     *
     * @param since from this time on (inclusive); null: from the start
     * @param until before this time (exclusive); null: no end
     * @param jobId only entries about this job (the id exactly as recorded); null: all
     */
    public List<AuditEntry> auditLog(Instant since, Instant until, String jobId) {
        return audit.log(since, until, jobId);
    }

    /** The audit log's entries about one charter (its own and its jobs'), oldest first. */
    public List<AuditEntry> auditLogOf(String charter) {
        Objects.requireNonNull(charter, "charter");
        return audit.of(charter);
    }

    /**
     * Whether the audit log holds this action on this job, carried out ({@code applied}): what keeps reckon from
     * notifying a job's user twice. An entry that was only proposed or that failed does not count, so a failed
     * notice is tried again.
     */
    public boolean audited(String cluster, String jobId, String action) {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(action, "action");
        return audit.holds(cluster, jobId, action);
    }

    // ---------------------------------------------------------------------------------------------- the rest

    /** Where the ledger is, for messages: the file path or the URL without its password. */
    public String location() {
        return db.location();
    }

    /** Closes the connection (SQLite) or the pool (PostgreSQL); calls in progress on other threads may fail. */
    @Override
    public void close() {
        db.close();
    }

    @Override
    public String toString() {
        return "Ledger[" + db.location() + "]";
    }
}
