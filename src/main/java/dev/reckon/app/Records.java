package dev.reckon.app;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reckon.charter.Charters;
import dev.reckon.core.BadRequest;
import dev.reckon.core.InputError;
import dev.reckon.ledger.JobQuery;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.AuditEntry;
import dev.reckon.model.Charter;
import dev.reckon.model.Job;
import dev.reckon.model.Metric;
import dev.reckon.ledger.LedgerException;
import dev.reckon.ledger.MetricSpool;
import dev.reckon.report.Format;
import dev.reckon.report.JsonVocabulary;
import dev.reckon.report.JobView;
import dev.reckon.source.Inputs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the ledger holds, read and written: jobs (streamed), one job, the audit log, and the metrics efforts report
 * for their charters' conditions.
 */
public final class Records {
    /** A plain decimal number, as a person or a script writes it. */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    /** A charter's id, as far as a metric needs to know. */
    public static final Pattern CHARTER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    private static final Set<String> FIELDS = Set.of("charter", "name", "value", "at", "job_id", "cluster");

    private final Context ctx;

    public Records(Context ctx) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
    }

    // ------------------------------------------------------------------------------------------------ jobs

    /**
     * Which jobs: every criterion optional (null: any). Names are exact, a comma list means any of them; states
     * case-insensitive; a job is in the window when it was pending or running at some time in it.
     */
    public record JobsRequest(String user, String account, String partition, String state, Instant since,
                              Instant until, String cluster, Integer limit, String charter, String name) {
        /** Without the charter and name filters. */
        public JobsRequest(String user, String account, String partition, String state, Instant since, Instant until,
                           String cluster, Integer limit) {
            this(user, account, partition, state, since, until, cluster, limit, null, null);
        }

        public static JobsRequest all() {
            return new JobsRequest(null, null, null, null, null, null, null, null);
        }
    }

    /** Thrown to end a reading once the limit of jobs kept by the charter and name filters is reached. */
    private static final class Enough extends RuntimeException {
        Enough() {
            super(null, null, false, false);
        }
    }

    /** After the jobs were handed over: how many, and from which ledger. */
    public record Listing(long count, String ledger) {}

    /**
     * Hands each job of the request to {@code each}, in submit order, while reading: a million jobs need no more
     * memory than one. {@code each} runs with the ledger open; what it throws ends the reading.
     */
    public Listing jobs(JobsRequest r, Consumer<Job> each) {
        if (r.limit() != null && r.limit() < 0) throw new BadRequest("--limit: must be 0 or more");
        java.util.function.Predicate<Job> keep = j -> true;
        if (r.charter() != null) {
            dev.reckon.model.Charter ch = Chartering.load(ctx).value().all().stream()
                    .filter(x -> x.id().equals(r.charter())).findFirst()
                    .orElseThrow(() -> new BadRequest("--charter: no valid charter " + r.charter()
                            + " (reckon charter list shows them)"));
            keep = keep.and(ch::matches);
        }
        if (r.name() != null) {
            keep = keep.and(j -> j.name() != null && dev.reckon.model.Charter.glob(r.name(), j.name()));
        }
        boolean filtered = r.charter() != null || r.name() != null;
        java.util.function.Predicate<Job> kept = keep;
        // the ledger applies the limit itself unless jobs are kept here after it reads them
        JobQuery q = new JobQuery(r.user(), r.account(), r.partition(), r.state(), r.since(), r.until(), r.cluster(),
                filtered ? null : r.limit(), false);
        long[] n = {0};
        try (Ledger ledger = ctx.readLedger()) {
            try {
                if (filtered && r.limit() != null && r.limit() == 0) throw new Enough();
                ledger.forEachJob(q, j -> {
                    if (!kept.test(j)) return;
                    n[0]++;
                    each.accept(j);
                    if (filtered && r.limit() != null && n[0] >= r.limit()) throw new Enough();
                });
            } catch (Enough done) {
                // the limit was reached
            }
            return new Listing(n[0], ledger.location());
        }
    }

    // ------------------------------------------------------------------------------------------------ job

    /** One job by its id as sacct prints it ({@code 123}, {@code 123_4}, {@code 123+0}); cluster optional. */
    public record JobRequest(String jobId, String cluster) {}

    /**
     * One job in full with its steps ({@code job}); or, for an array or heterogeneous job's id, its members (in
     * natural order, without steps); or neither. As JSON: the job's {@link JobView} with steps, or the members' views.
     */
    public record Found(String jobId, String cluster, Job job, List<Job> members, String ledger, ZoneId zone) {
        public Found {
            members = List.copyOf(members);
        }

        public boolean found() {
            return job != null || !members.isEmpty();
        }

        @JsonValue
        public Object json() {
            if (job != null) return JobView.of(job, zone, true);
            return members.stream().map(m -> JobView.of(m, zone, false)).toList();
        }
    }

    public Found job(JobRequest r) {
        if (r.jobId() == null || r.jobId().isBlank()) throw new BadRequest("JOBID: give a job id");
        try (Ledger ledger = ctx.readLedger()) {
            Job j = ledger.job(r.jobId(), r.cluster()).orElse(null);
            List<Job> members = j == null ? ledger.members(r.jobId(), r.cluster()) : List.of();
            return new Found(r.jobId(), r.cluster(), j, members, ledger.location(), ctx.zone());
        }
    }

    // ------------------------------------------------------------------------------------------------ audit

    /** Audit entries from {@code since} (null: the start) to before {@code until} (null: no end), of one job or all. */
    public record AuditRequest(Instant since, Instant until, String jobId) {}

    /** An audit entry as JSON shows it: the time ISO-8601 in UTC. */
    public record AuditView(String at, String actor, String action, String cluster, String jobId, String charter,
                            boolean applied, String detail) {}

    /** The audit log's entries, oldest first; as JSON, their {@link AuditView}s. */
    public record AuditLog(List<AuditEntry> entries, ZoneId zone) {
        public AuditLog {
            entries = List.copyOf(entries);
        }

        @JsonValue
        public List<AuditView> json() {
            return entries.stream().map(e -> new AuditView(JsonVocabulary.instant(e.at()), e.actor(), e.action(),
                    e.cluster(), e.jobId(), e.charter(), e.applied(), e.detail())).toList();
        }
    }

    public AuditLog audit(AuditRequest r) {
        try (Ledger ledger = ctx.readLedger()) {
            return new AuditLog(ledger.auditLog(r.since(), r.until(), r.jobId()), ctx.zone());
        }
    }

    // ------------------------------------------------------------------------------------------------ claims

    /** The audit action of a released claim. */
    public static final String RELEASE_ACTION = "release-claim";

    /**
     * A claim never settled, as {@code audit claims} shows it: its id (what {@code audit release} takes), its key,
     * who took it, when (ISO-8601 in the display zone) and how long ago, in whole seconds.
     */
    public record ClaimView(String id, String cluster, String jobId, String action, String charter, String actor,
                            String at, long ageSeconds) {}

    /** The claims never settled, oldest first, at {@code now}; as JSON, their {@link ClaimView}s. */
    public record Unsettled(List<Ledger.Claim> claims, Instant now, ZoneId zone) {
        public Unsettled {
            claims = List.copyOf(claims);
        }

        @JsonValue
        public List<ClaimView> json() {
            return claims.stream().map(c -> view(c, now, zone)).toList();
        }

        /** When each claim was taken, in the order of {@link #json()}. */
        public List<Instant> times() {
            return claims.stream().map(Ledger.Claim::at).toList();
        }
    }

    static ClaimView view(Ledger.Claim c, Instant now, ZoneId zone) {
        return new ClaimView(claimId(c), c.cluster(), c.jobId(), c.action(), c.charter(), c.actor(),
                Format.isoTime(c.at(), zone), Math.max(0, java.time.Duration.between(c.at(), now).toSeconds()));
    }

    /**
     * A claim's id: {@code CLUSTER/JOBID/ACTION/CHARTER}, {@code -} for a job id or charter that does not apply
     * ({@code home/500/notify/-}, {@code -/-/close/ex-tiny}). No part can hold a slash.
     */
    public static String claimId(Ledger.Claim c) {
        return c.cluster() + "/" + (c.jobId().isEmpty() ? "-" : c.jobId()) + "/" + c.action() + "/"
                + (c.charter().isEmpty() ? "-" : c.charter());
    }

    /** Whether the claim has this id. */
    private static boolean hasId(Ledger.Claim c, String id) {
        return claimId(c).equals(id);
    }

    /** The claims taken before an action and never settled: left by a run that died, or by one still running. */
    public Unsettled claims() {
        try (Ledger ledger = ctx.readLedger()) {
            return new Unsettled(ledger.unsettledClaims(), ctx.now(), ctx.zone());
        }
    }

    /** What a release did: the claim released (null when no unsettled claim had the id), and the id asked for. */
    public record Released(String id, ClaimView claim) {
        public boolean released() {
            return claim != null;
        }
    }

    /**
     * Releases an unsettled claim by its id ({@link #claimId}): marks it failed, so that the next run may carry out
     * its action (again, if the run that died had carried it out before dying), and audits the release (action
     * {@value #RELEASE_ACTION}, applied, naming who took the claim and when) in the same transaction. A claim of a
     * run still in progress must not be released: the listing's age tells them apart.
     */
    public Released release(String id) {
        if (id == null || id.split("/", -1).length != 4 || id.chars().anyMatch(Character::isISOControl)) {
            throw new BadRequest(dev.reckon.core.InputText.problem("CLAIM: not a claim id (CLUSTER/JOBID/ACTION/CHARTER, "
                    + "as 'reckon audit claims' prints it): " + (id == null ? "none given" : "\"" + id + "\"")));
        }
        Ledger.Claim found;
        try (Ledger ledger = ctx.readLedger()) {
            found = ledger.unsettledClaims().stream().filter(c -> hasId(c, id)).findFirst().orElse(null);
        }
        if (found == null) return new Released(id, null);
        Instant now = ctx.now();
        ClaimView v = view(found, now, ctx.zone());
        AuditEntry record = new AuditEntry(now, ctx.actor(), RELEASE_ACTION, found.cluster(),
                found.jobId().isEmpty() ? null : found.jobId(), found.charter().isEmpty() ? null : found.charter(),
                true, "released the claim on " + found.action() + " taken by " + found.actor() + " at " + found.at()
                + " (" + v.ageSeconds() + " s before) and never settled; the next run may carry it out");
        try (Ledger ledger = ctx.openLedger()) {
            if (!ledger.releaseClaim(found.cluster(), found.jobId(), found.action(), found.charter(), record)) {
                return new Released(id, null); // settled or released by another process meanwhile
            }
        }
        return new Released(id, v);
    }

    // ------------------------------------------------------------------------------------------------ metrics

    /** A metric as JSON shows it: the time ISO-8601 in UTC. */
    public record MetricView(String charter, String name, double value, String at, String jobId, String cluster,
                             String source) {}

    /** A charter's metrics, oldest first; as JSON, their {@link MetricView}s. */
    public record MetricLog(String charter, List<Metric> metrics, ZoneId zone) {
        public MetricLog {
            metrics = List.copyOf(metrics);
        }

        @JsonValue
        public List<MetricView> json() {
            return metrics.stream().map(m -> new MetricView(m.charter(), m.name(), m.value(),
                    JsonVocabulary.instant(m.at()), m.jobId(), m.cluster(), m.source())).toList();
        }
    }

    public MetricLog metrics(String charter) {
        if (charter == null || charter.isBlank()) throw new BadRequest("CHARTER: give a charter id");
        try (Ledger ledger = ctx.readLedger()) {
            return new MetricLog(charter, ledger.metrics(charter), ctx.zone());
        }
    }

    /** One reported value: a metric name and its value as written ({@code 0.93}, {@code 1e-5}). */
    public record Reading(String name, String value) {}

    /**
     * Metrics reported for one charter, now: by the job {@code jobId} on {@code cluster} when the report comes from a
     * job (both null otherwise; a job without a cluster gets the configured one).
     */
    public record MetricReport(String charter, List<Reading> readings, String jobId, String cluster) {
        public MetricReport {
            readings = readings == null ? List.of() : List.copyOf(readings);
        }
    }

    /**
     * What was recorded: how many metrics, for which charter (null from a file) and job, or from which file;
     * {@code spooled} the spool file they were appended to when the ledger was not writable (null: in the ledger), and
     * {@code why} why not.
     */
    public record Recorded(int count, String charter, String jobId, String file, Path spooled, String why) {
        public Recorded(int count, String charter, String jobId, String file) {
            this(count, charter, jobId, file, null, null);
        }
    }

    /** Records a job's (or a person's) report; every value is checked before anything is stored. */
    public Recorded record(MetricReport r) {
        String charter = r.charter();
        if (charter == null || !CHARTER.matcher(charter).matches()) {
            throw new BadRequest("\"" + charter + "\" is not a charter id");
        }
        if (r.readings().isEmpty()) throw new BadRequest("give at least one NAME=VALUE for charter " + charter);
        String jobId = blankToNull(r.jobId());
        String cluster = blankToNull(r.cluster());
        if (cluster == null && jobId != null) cluster = ctx.config().cluster();
        Instant now = ctx.now();
        List<Metric> out = new ArrayList<>(r.readings().size());
        for (Reading m : r.readings()) {
            String pair = m.name() + "=" + m.value();
            if (!Metric.isName(m.name())) {
                throw new BadRequest("\"" + pair + "\": \"" + m.name() + "\" is not a metric name (" + Metric.NAME_RULE + ")");
            }
            if (m.value() == null || !NUMBER.matcher(m.value()).matches()) {
                throw new BadRequest("\"" + pair + "\": \"" + m.value() + "\" is not a number");
            }
            out.add(new Metric(charter, m.name(), Double.parseDouble(m.value()), now, jobId == null ? null : jobId.strip(),
                    cluster, "command line"));
        }
        Recorded where = store(out, null);
        return new Recorded(out.size(), charter, out.get(0).jobId(), null, where.spooled(), where.why());
    }

    /**
     * A JSON-lines file of metrics, one object a line ({@code charter}, {@code name}, {@code value}; optional
     * {@code at}, {@code job_id}, {@code cluster}): {@code file} names it, {@code -} for {@code stdin}.
     */
    public record MetricFile(String file, InputStream stdin) {}

    /** Records a file of metrics whole: a bad line stores nothing of it. */
    public Recorded record(MetricFile f) throws IOException {
        List<Metric> metrics = readFile(f);
        Recorded where = store(metrics, f.file());
        return new Recorded(metrics.size(), null, null, f.file(), where.spooled(), where.why());
    }

    /**
     * Stores the metrics in the ledger; when the ledger is not writable by this user (a file without write access, a
     * database that refuses) and the site has a metric spool, appends them there instead for the next ingest.
     */
    private Recorded store(List<Metric> metrics, String file) {
        requireCharters(metrics, file);
        Path spool = ctx.site().metricSpool();
        String why = unwritable(ctx.config().ledger());
        if (why == null || !Files.isDirectory(spool)) {
            try (Ledger ledger = ctx.openLedger()) {
                ledger.recordMetrics(metrics);
                return new Recorded(metrics.size(), null, null, file);
            } catch (LedgerException e) {
                if (e.kind() == LedgerException.Kind.UNAVAILABLE || !Files.isDirectory(spool)) {
                    if (!Files.isDirectory(spool) && e.kind() != LedgerException.Kind.UNAVAILABLE)
                        throw new LedgerException(e.kind(), e.getMessage() + " (no metric spool " + spool
                                + " to leave them in instead: see docs/site.md)", e);
                    throw e;
                }
                why = e.getMessage();
            }
        }
        try {
            Path spooled = MetricSpool.append(spool, ctx.actor(), metrics);
            return new Recorded(metrics.size(), null, null, file, spooled, why);
        } catch (IOException e) {
            throw new LedgerException("the ledger is not writable (" + why + ") and the metric spool " + spool
                    + " refused them too: " + e.getMessage(), e);
        }
    }

    /** Why this user cannot write the ledger file, seen before trying; null when it may (or it is a database URL). */
    private static String unwritable(String ledger) {
        if (ledger == null || ledger.startsWith("jdbc:postgresql:")) return null;
        Path p = Path.of(ledger.startsWith("jdbc:sqlite:") ? ledger.substring("jdbc:sqlite:".length()) : ledger);
        Path dir = p.toAbsolutePath().getParent();
        if (Files.exists(p) && !Files.isWritable(p)) return p + " is not writable by you";
        if (dir != null && Files.isDirectory(dir) && !Files.isWritable(dir)) return dir + " is not writable by you";
        return null;
    }

    /** A result for a charter nobody wrote is a typo or an effort without a charter: refused, naming the known ones. */
    private void requireCharters(List<Metric> metrics, String file) {
        Charters known = ctx.loadCharters();
        Path dir = known.dir();
        for (Metric m : metrics) {
            if (known.byId(m.charter()).isEmpty()) {
                String ids = known.all().stream().map(Charter::id).sorted().collect(Collectors.joining(", "));
                String why = !ids.isEmpty() ? "known: " + ids
                        : Chartering.noneValid(known).orElse("it has none: reckon charter new");
                throw new InputError(file != null ? file : dir.toString(), 0, "charter", "no charter \"" + m.charter()
                        + "\" in " + dir + " (" + why + ")");
            }
        }
    }

    /** Reads every line first: a bad one stops the command before anything is stored. */
    private List<Metric> readFile(MetricFile f) throws IOException {
        String file = f.file();
        if (file == null || file.isBlank()) throw new BadRequest("--file: give a file, or - for standard input");
        String shown = file.equals("-") ? "-" : file;
        Instant now = ctx.now();
        ObjectMapper json = new ObjectMapper();
        List<Metric> out = new ArrayList<>();
        Reader raw;
        try {
            raw = file.equals("-") ? Inputs.strictUtf8(f.stdin() == null ? InputStream.nullInputStream() : f.stdin())
                    : Inputs.open(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new IOException("cannot read " + file + ": no such file", e);
        }
        try (BufferedReader r = new BufferedReader(raw)) {
            String line;
            long n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                JsonNode node;
                try {
                    node = json.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new InputError(shown, n, null, "not JSON: " + e.getOriginalMessage());
                }
                if (node == null || !node.isObject()) throw new InputError(shown, n, null, "not a JSON object");
                out.add(metric(node, shown, n, now));
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InputError(shown, 0, null, "not UTF-8 text");
        }
        if (out.isEmpty()) throw new InputError(shown, 0, null, "holds no metrics");
        return out;
    }

    private static Metric metric(JsonNode node, String file, long line, Instant now) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new InputError(file, line, f, "unknown field (known: charter, name, value, at, job_id, cluster)");
            }
        }
        String charter = text(node, "charter", file, line, true);
        if (!CHARTER.matcher(charter).matches()) {
            throw new InputError(file, line, "charter", "\"" + charter + "\" is not a charter id");
        }
        String name = text(node, "name", file, line, true);
        if (!Metric.isName(name)) {
            throw new InputError(file, line, "name", "\"" + name + "\" is not a metric name (" + Metric.NAME_RULE + ")");
        }
        JsonNode v = node.get("value");
        if (v == null || v.isNull()) throw new InputError(file, line, "value", "missing");
        if (!v.isNumber()) throw new InputError(file, line, "value", v + " is not a number");
        double value = v.asDouble();
        if (!Double.isFinite(value)) throw new InputError(file, line, "value", v + " is out of range");
        String atText = text(node, "at", file, line, false);
        Instant at = now;
        if (atText != null) {
            try {
                at = OffsetDateTime.parse(atText).toInstant();
            } catch (DateTimeParseException e) {
                throw new InputError(file, line, "at", "\"" + atText
                        + "\" is not an ISO-8601 time with offset (e.g. 2026-11-01T10:00:00Z)");
            }
        }
        String jobId = text(node, "job_id", file, line, false);
        String cluster = text(node, "cluster", file, line, false);
        return new Metric(charter, name, value, at, jobId, cluster, file);
    }

    /** A text field (a job id may be given as a number); missing or null is an error only where required. */
    private static String text(JsonNode node, String field, String file, long line, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new InputError(file, line, field, "missing");
            return null;
        }
        if (v.isTextual() || (field.equals("job_id") && v.isIntegralNumber())) {
            String s = v.asText().strip();
            if (s.isEmpty()) {
                if (required) throw new InputError(file, line, field, "empty");
                return null;
            }
            return s;
        }
        throw new InputError(file, line, field, v + " is not text");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
