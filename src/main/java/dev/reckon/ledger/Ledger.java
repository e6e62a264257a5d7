package dev.reckon.ledger;

import dev.reckon.model.AuditEntry;
import dev.reckon.model.Job;
import dev.reckon.model.JobState;
import dev.reckon.model.Metric;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.MigrationState;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The durable ledger of jobs, of the metrics efforts report, and of the audit log of what reckon did to jobs: an
 * embedded SQLite file by default, or a PostgreSQL database given by a {@code jdbc:postgresql:} URL. Opening migrates the schema to this version's. Ingesting is one transaction and
 * idempotent: a job (cluster + job id) is stored once, updated in place when seen again with other contents.
 * One ledger object holds one database connection; its methods may be called from several threads (they take turns).
 */
public final class Ledger implements AutoCloseable {

    /** The newest schema version this build ships: the highest {@code V<n>__} migration of each database. */
    static final String SCHEMA_VERSION = "2";

    /** Jobs bound per executeBatch during an ingest. */
    private static final int CHUNK = 5_000;

    private enum Dialect { SQLITE, POSTGRESQL }

    private final Connection conn;
    private final Dialect dialect;
    private final String location;

    private Ledger(Connection conn, Dialect dialect, String location) {
        this.conn = conn;
        this.dialect = dialect;
        this.location = location;
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
        Objects.requireNonNull(location, "location");
        String loc = location.strip();
        if (loc.isEmpty()) throw new LedgerException("no ledger location given");
        if (loc.startsWith("jdbc:postgresql:")) return openPostgres(loc);
        if (loc.startsWith("jdbc:sqlite:")) return openSqlite(loc, loc.substring("jdbc:sqlite:".length()));
        if (loc.startsWith("jdbc:")) {
            throw new LedgerException("unsupported ledger URL " + redact(loc)
                    + ": give a file path, a jdbc:sqlite: URL or a jdbc:postgresql: URL");
        }
        return openSqlite("jdbc:sqlite:" + loc, loc);
    }

    private static Ledger openSqlite(String url, String pathPart) {
        int q = pathPart.indexOf('?');
        String file = q >= 0 ? pathPart.substring(0, q) : pathPart;
        String shown = file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:") ? url : file;
        if (!file.isEmpty() && !file.startsWith(":memory:") && !file.startsWith("file:")) {
            prepareFile(Path.of(file));
        }
        Connection c;
        try {
            c = DriverManager.getConnection(url);
        } catch (SQLException e) {
            throw new LedgerException("cannot open ledger " + shown + ": " + e.getMessage(), e);
        }
        try {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout = 10000");
                // A rollback journal, not WAL: a bulk ingest runs about 40% faster (WAL writes every page twice and
                // indexes every frame); readers in other processes wait while an ingest commits.
                st.execute("PRAGMA journal_mode = DELETE");
                st.execute("PRAGMA synchronous = NORMAL");
                st.execute("PRAGMA cache_size = -65536");
                st.execute("PRAGMA temp_store = MEMORY");
            }
            if (!schemaIsCurrent(c, Dialect.SQLITE)) {
                migrate(Flyway.configure().dataSource(new OneConnection(c)), "sqlite", shown);
            }
            c.setAutoCommit(true);
            return new Ledger(c, Dialect.SQLITE, shown);
        } catch (SQLException e) {
            closeQuietly(c);
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (m.contains("SQLITE_NOTADB")) throw new LedgerException(shown + " is not a ledger (not an SQLite file)", e);
            throw new LedgerException("cannot open ledger " + shown + ": " + m, e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /** Creates the parent directories of a ledger file and checks the file can be written, with plain messages. */
    private static void prepareFile(Path file) {
        Path abs = file.toAbsolutePath();
        if (Files.isDirectory(abs)) throw new LedgerException("cannot use " + file + " as a ledger: it is a directory");
        Path parent = abs.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            try {
                Files.createDirectories(parent);
            } catch (FileAlreadyExistsException e) {
                throw new LedgerException("cannot create the ledger " + file + ": " + e.getFile()
                        + " exists and is not a directory");
            } catch (IOException e) {
                throw new LedgerException("cannot create the directory " + parent + " for the ledger " + file + ": "
                        + reason(e));
            }
        }
        if (Files.exists(abs) ? !Files.isWritable(abs) : parent != null && !Files.isWritable(parent)) {
            throw new LedgerException("cannot write the ledger " + file + ": permission denied");
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        return String.valueOf(e.getMessage());
    }

    private static Ledger openPostgres(String url) {
        String shown = redact(url);
        Properties props = new Properties();
        String user = null;
        String password = null;
        if (!hasParam(url, "user") && System.getenv("PGUSER") != null) {
            user = System.getenv("PGUSER");
            props.setProperty("user", user);
        }
        if (!hasParam(url, "password") && System.getenv("PGPASSWORD") != null) {
            password = System.getenv("PGPASSWORD");
            props.setProperty("password", password);
        }
        if (!hasParam(url, "reWriteBatchedInserts")) props.setProperty("reWriteBatchedInserts", "true");
        Connection c;
        try {
            c = DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            throw new LedgerException("cannot connect to the ledger " + shown + ": " + e.getMessage(), e);
        }
        try {
            if (!schemaIsCurrent(c, Dialect.POSTGRESQL)) {
                migrate(Flyway.configure().dataSource(url, user, password), "postgresql", shown);
            }
            c.setAutoCommit(true);
            return new Ledger(c, Dialect.POSTGRESQL, shown);
        } catch (SQLException e) {
            closeQuietly(c);
            throw new LedgerException("cannot open the ledger " + shown + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static boolean hasParam(String url, String name) {
        return Pattern.compile("[?&]" + Pattern.quote(name) + "=", Pattern.CASE_INSENSITIVE).matcher(url).find();
    }

    /**
     * Waits until a helper thread has ended, even when interrupted meanwhile (it may still hold the connection);
     * the interrupt is kept for the caller.
     */
    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** The URL with any password replaced by {@code ***}, fit for messages. */
    static String redact(String url) {
        return url.replaceAll("(?i)([?&;]password=)[^&;]*", "$1***")
                .replaceAll("(//[^/@:]*:)[^/@]*@", "$1***@");
    }

    /**
     * Whether the ledger's schema history says every migration succeeded and the newest is {@link #SCHEMA_VERSION}:
     * then opening needs no Flyway, which costs about a second of start-up. Anything else (a new database, a
     * failed or a newer migration) goes through Flyway, which migrates or refuses.
     */
    private static boolean schemaIsCurrent(Connection c, Dialect dialect) throws SQLException {
        String exists = dialect == Dialect.SQLITE
                ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'flyway_schema_history'"
                : "SELECT count(*) FROM (SELECT to_regclass('flyway_schema_history') AS t) x WHERE t IS NOT NULL";
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery(exists)) {
                if (!rs.next() || rs.getLong(1) == 0) return false;
            }
            MigrationVersion current = MigrationVersion.fromVersion(SCHEMA_VERSION);
            boolean seen = false;
            try (ResultSet rs = st.executeQuery("SELECT version, success FROM flyway_schema_history")) {
                while (rs.next()) {
                    String v = rs.getString(1);
                    if (!rs.getBoolean(2)) return false;
                    if (v == null) continue;
                    int cmp = MigrationVersion.fromVersion(v).compareTo(current);
                    if (cmp > 0) return false;
                    if (cmp == 0) seen = true;
                }
            }
            return seen;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void migrate(org.flywaydb.core.api.configuration.FluentConfiguration cfg, String vendor,
                                String shown) {
        try {
            Flyway flyway = cfg.locations("classpath:db/migration/" + vendor)
                    .cleanDisabled(true)
                    .load();
            String known = null;
            String newer = null;
            for (MigrationInfo mi : flyway.info().all()) {
                MigrationState s = mi.getState();
                if (s == MigrationState.FUTURE_SUCCESS || s == MigrationState.FUTURE_FAILED) {
                    newer = mi.getVersion() == null ? mi.getDescription() : mi.getVersion().getVersion();
                } else if (mi.getVersion() != null && s.isResolved()) {
                    known = mi.getVersion().getVersion();
                }
            }
            if (newer != null) {
                throw new LedgerException("the ledger " + shown + " has schema version " + newer
                        + ", newer than this reckon knows (" + known + "): use a newer reckon");
            }
            flyway.migrate();
        } catch (FlywayException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (m.contains("non-empty schema")) {
                throw new LedgerException(shown + " holds other tables and no reckon ledger: give an empty "
                        + "database or a new file", e);
            }
            throw new LedgerException("cannot prepare the ledger " + shown + ": " + m, e);
        }
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
     * Stores every job the producer emits, in one transaction. If the producer throws (e.g.
     * {@link dev.reckon.core.InputError}), nothing is stored and the exception propagates unchanged (an
     * {@link IOException} wrapped in an {@link UncheckedIOException}). The marks are written in the same
     * transaction. A job (cluster + job id) seen again is updated in place if its contents differ; storing the
     * same jobs twice changes nothing. Each job row records {@code source} as the ingest that last changed it.
     *
     * @param source   what the jobs came from (a file name, a command), kept in the ledger
     * @param producer emits the jobs
     * @param marks    keys and values to remember alongside (e.g. how far a source has been read); may be empty
     * @throws LedgerException when the database refuses, or a job has no cluster or job id
     */
    public synchronized IngestReport ingest(String source, Ingestion producer, Map<String, String> marks) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(producer, "producer");
        try {
            conn.setAutoCommit(false);
        } catch (SQLException e) {
            throw fail("cannot start an ingest into", e);
        }
        try {
            IngestReport r = ingestInTransaction(source, producer, marks == null ? Map.of() : marks);
            conn.commit();
            return r;
        } catch (DatabaseFailure e) {
            rollback(e.getCause());
            throw fail("cannot store jobs into", e.getCause());
        } catch (SQLException e) {
            rollback(e);
            throw fail("cannot store jobs into", e);
        } catch (IOException e) {
            rollback(e);
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            rollback(e);
            throw e;
        } finally {
            try {
                conn.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the connection is broken; the next call reports it
            }
        }
    }

    private IngestReport ingestInTransaction(String source, Ingestion producer, Map<String, String> marks)
            throws SQLException, IOException {
        long started = Instant.now().getEpochSecond();
        long before = count("SELECT count(*) FROM jobs");
        long ingestId;
        try (PreparedStatement ps = conn.prepareStatement(
                "INSERT INTO ingests (source, started_s) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, source);
            ps.setLong(2, started);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                ingestId = keys.getLong(1);
            }
        }
        // Into an empty SQLite ledger, rows go in faster without the secondary indexes, built once at the end (a
        // million jobs: about 2 s less writing, 0.4 s more to build); all within the ingest's transaction.
        List<String> rebuild = dialect == Dialect.SQLITE && before == 0 ? dropSecondaryIndexes() : List.of();
        Batcher batcher;
        // On SQLite the source and ingest id go into the statement as literals: two values fewer to bind per job.
        boolean literals = dialect == Dialect.SQLITE && source.indexOf('\u0000') < 0;
        try (PreparedStatement up = conn.prepareStatement(upsertSql(literals ? source : null, ingestId))) {
            batcher = new Batcher(up, literals ? null : source, ingestId);
            try {
                producer.run(batcher);
                batcher.finish();
            } finally {
                batcher.stop();
            }
        }
        try (Statement st = conn.createStatement()) {
            for (String ddl : rebuild) st.execute(ddl);
        }
        long after = count("SELECT count(*) FROM jobs");
        // Rows inserted or changed: the sum of the upsert's counts (one that changes nothing counts 0), exact unless
        // the driver gives no counts or a job may have come twice in different chunks (it would count twice).
        long touched = batcher.countsExact() ? batcher.touched
                : count("SELECT count(*) FROM jobs WHERE ingest_id = " + ingestId);
        long inserted = after - before;
        long updated = touched - inserted;
        long unchanged = batcher.read - touched;
        try (PreparedStatement ps = conn.prepareStatement("UPDATE ingests SET finished_s = ?, read_count = ?, "
                + "inserted_count = ?, updated_count = ?, unchanged_count = ? WHERE id = ?")) {
            ps.setLong(1, Instant.now().getEpochSecond());
            ps.setLong(2, batcher.read);
            ps.setLong(3, inserted);
            ps.setLong(4, updated);
            ps.setLong(5, unchanged);
            ps.setLong(6, ingestId);
            ps.executeUpdate();
        }
        if (!marks.isEmpty()) {
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO marks (mark_key, mark_value) VALUES (?, ?) "
                    + "ON CONFLICT (mark_key) DO UPDATE SET mark_value = excluded.mark_value")) {
                for (Map.Entry<String, String> m : marks.entrySet()) {
                    ps.setString(1, Objects.requireNonNull(m.getKey(), "mark key"));
                    ps.setString(2, Objects.requireNonNull(m.getValue(), "mark value"));
                    ps.executeUpdate();
                }
            }
        }
        return new IngestReport(batcher.read, inserted, updated, unchanged);
    }

    /** Drops the indexes on jobs other than its key; returns the statements that create them again. */
    private List<String> dropSecondaryIndexes() throws SQLException {
        Map<String, String> indexes = new HashMap<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT name, sql FROM sqlite_master "
                + "WHERE type = 'index' AND tbl_name = 'jobs' AND sql IS NOT NULL")) {
            while (rs.next()) indexes.put(rs.getString(1), rs.getString(2));
        }
        try (Statement st = conn.createStatement()) {
            for (String name : indexes.keySet()) st.execute("DROP INDEX \"" + name.replace("\"", "\"\"") + "\"");
        }
        return new ArrayList<>(indexes.values());
    }

    private static final List<JobCodec.Encoded> END = List.of();

    /**
     * Takes the producer's jobs and writes them in chunks of JDBC batches (PostgreSQL's driver rewrites them into
     * multi-row inserts). The producer's thread checks and encodes each job while one writer thread binds and
     * executes the previous chunk: the two cores parse and write at once, and at most three chunks are in memory.
     * A job repeated within a chunk is written once, as last seen (PostgreSQL refuses to upsert one row twice in
     * one statement).
     */
    private final class Batcher implements Consumer<Job> {
        private final PreparedStatement up;
        /** The source to bind with each job, or null where the upsert holds it (and the ingest id) as literals. */
        private final String source;
        private final long ingestId;
        private final BlockingQueue<List<JobCodec.Encoded>> handoff = new ArrayBlockingQueue<>(1);
        private final Thread writer;
        private volatile SQLException failure;
        private volatile boolean stopping;
        private List<JobCodec.Encoded> chunk = new ArrayList<>(CHUNK);
        private final Map<String, Integer> positions = new HashMap<>(CHUNK * 2);
        /** The key hashes of the jobs handed to the writer so far. */
        private final LongSet handed = new LongSet();
        /** Whether a job may have come in two different chunks (its key hash was handed before). */
        private boolean maybeRepeated;
        /** Whether the driver gave no row counts for some batch. */
        private volatile boolean countsUnknown;
        long read;
        /** The sum of the upsert's row counts (written by the writer thread, read after it ended). */
        volatile long touched;

        Batcher(PreparedStatement up, String source, long ingestId) {
            this.up = up;
            this.source = source;
            this.ingestId = ingestId;
            this.writer = new Thread(this::write, "reckon-ledger-writer");
            writer.setDaemon(true);
            writer.start();
        }

        @Override
        public void accept(Job j) {
            if (j == null) throw new LedgerException("cannot store a missing job (null)");
            if (j.cluster() == null || j.cluster().isBlank() || j.jobId() == null || j.jobId().isBlank()) {
                throw new LedgerException("cannot store job " + j.jobId() + " of cluster " + j.cluster()
                        + ": a job needs a cluster and a job id");
            }
            read++;
            JobCodec.Encoded r = JobCodec.encode(j);
            Integer at = positions.putIfAbsent(j.cluster() + '\u0000' + j.jobId(), chunk.size());
            if (at != null) {
                chunk.set(at, r);
            } else {
                if (!handed.add(JobCodec.keyHash(j.cluster(), j.jobId()))) maybeRepeated = true;
                chunk.add(r);
                if (chunk.size() >= CHUNK) hand(false);
            }
        }

        /** Hands the remaining jobs over and waits until everything is written. */
        void finish() throws SQLException {
            hand(true);
            join();
            if (failure != null) throw failure;
        }

        /** Whether {@link #touched} counts each job inserted or changed exactly once (valid after finish). */
        boolean countsExact() {
            return !maybeRepeated && !countsUnknown;
        }

        /** Ends the writer, whatever state the ingest is in; waits until it no longer uses the connection. */
        void stop() {
            if (!writer.isAlive()) return;
            stopping = true;
            handoff.clear();
            handoff.offer(END);
            join();
        }

        private void hand(boolean last) {
            List<JobCodec.Encoded> out = chunk;
            chunk = new ArrayList<>(CHUNK);
            positions.clear();
            try {
                if (!out.isEmpty()) put(out);
                if (last) put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LedgerException("ingest into the ledger " + location + " interrupted");
            }
        }

        private void put(List<JobCodec.Encoded> rows) throws InterruptedException {
            while (!handoff.offer(rows, 50, TimeUnit.MILLISECONDS)) {
                if (failure != null || !writer.isAlive()) break;
            }
            if (failure != null) throw new DatabaseFailure(failure);
        }

        private void join() {
            joinUninterruptibly(writer);
        }

        /** The writer thread: binds and executes each chunk until the end mark. */
        private void write() {
            try {
                while (!stopping) {
                    List<JobCodec.Encoded> rows = handoff.take();
                    if (rows == END || stopping) return;
                    for (JobCodec.Encoded r : rows) {
                        JobCodec.bind(up, r, source, ingestId);
                        up.addBatch();
                    }
                    long sum = touched;
                    for (int n : up.executeBatch()) {
                        if (n >= 0) sum += n; else countsUnknown = true;
                    }
                    touched = sum;
                }
            } catch (SQLException e) {
                failure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure = new SQLException(e.toString(), e);
            }
        }
    }

    /** A database failure inside the sink, carried out of the producer to {@link #ingest}. */
    private static final class DatabaseFailure extends RuntimeException {
        DatabaseFailure(SQLException cause) {
            super(cause.getMessage(), cause, false, false);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    /**
     * The upsert of one job. With a source, the source and ingest id are written into it as literals; without, they
     * are parameters like the other columns (see {@link JobCodec#bind}).
     */
    private static String upsertSql(String literalSource, long ingestId) {
        List<String> cols = List.of(JobCodec.COLUMNS);
        StringJoiner names = new StringJoiner(", ");
        StringJoiner marks = new StringJoiner(", ");
        StringJoiner sets = new StringJoiner(", ");
        for (String c : cols) {
            names.add(c);
            if (literalSource != null && c.equals("source")) {
                marks.add("'" + literalSource.replace("'", "''") + "'");
            } else if (literalSource != null && c.equals("ingest_id")) {
                marks.add(Long.toString(ingestId));
            } else {
                marks.add("?");
            }
            if (!c.equals("cluster") && !c.equals("job_id")) sets.add(c + " = excluded." + c);
        }
        return "INSERT INTO jobs (" + names + ") VALUES (" + marks + ") ON CONFLICT (cluster, job_id) DO UPDATE SET " + sets
                + " WHERE jobs.content_hash <> excluded.content_hash";
    }

    private void rollback(Throwable cause) {
        try {
            conn.rollback();
        } catch (SQLException e) {
            if (cause != null && cause != e) cause.addSuppressed(e);
        }
    }

    // ---------------------------------------------------------------------------------------------- reading

    /** The jobs the query selects, in order (submit time, then job id). For many jobs prefer {@link #forEachJob}. */
    public List<Job> jobs(JobQuery q) {
        List<Job> out = new ArrayList<>();
        forEachJob(q, out::add);
        return out;
    }

    /** Hands each job the query selects to {@code each}, in order, reading as it goes (constant memory). */
    public synchronized void forEachJob(JobQuery q, Consumer<Job> each) {
        Objects.requireNonNull(q, "query");
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT ").append(selectList(q.withSteps())).append(" FROM jobs");
        String where = where(q, args);
        if (!where.isEmpty()) sql.append(" WHERE ").append(where);
        sql.append(" ORDER BY ").append(order());
        if (q.limit() != null) {
            sql.append(" LIMIT ?");
            args.add((long) q.limit());
        }
        boolean cursor = dialect == Dialect.POSTGRESQL;
        try {
            if (cursor) conn.setAutoCommit(false);
            try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
                if (cursor) ps.setFetchSize(2_000);
                for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
                try (ResultSet rs = ps.executeQuery()) {
                    if (dialect == Dialect.SQLITE && (q.limit() == null || q.limit() > ROWS_READ_INLINE)) {
                        readAhead(rs, q.withSteps(), each);
                    } else {
                        while (rs.next()) each.accept(read(rs));
                    }
                }
            } finally {
                if (cursor) {
                    conn.rollback();
                    conn.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw fail("cannot read jobs from", e);
        }
    }

    /** Up to this many rows, a read is done on the caller's thread alone. */
    private static final int ROWS_READ_INLINE = 10_000;

    /** Rows a read-ahead thread hands over at a time. */
    private static final int READ_CHUNK = 1_000;

    private static final String[] NO_MORE_ROWS = new String[0];

    /**
     * Reads the rows' texts (doc and steps) on a second thread while the caller's thread decodes them and hands the jobs
     * on: fetching the texts from SQLite and decoding them take about as long each. At most a few chunks of texts are
     * in memory. The caller's thread returns only once the reader no longer uses the connection.
     */
    private static void readAhead(ResultSet rs, boolean withSteps, Consumer<Job> each) throws SQLException {
        // Each chunk is either texts (String[], doc and steps by turns) for the caller to decode, or jobs (Job[])
        // the reader decoded itself because the caller was behind: the two threads share the decoding.
        BlockingQueue<Object[]> queue = new ArrayBlockingQueue<>(4);
        Exception[] failure = new Exception[1];
        boolean[] stop = new boolean[1];
        Thread reader = new Thread(() -> {
            try {
                boolean more = true;
                while (more && !stopped(stop)) {
                    String[] texts = new String[2 * READ_CHUNK];
                    int n = 0;
                    while (n < texts.length && (more = rs.next())) {
                        texts[n++] = rs.getString(1);
                        texts[n++] = withSteps ? rs.getString(2) : null;
                    }
                    if (n == 0) break;
                    if (queue.size() >= 2) {
                        Job[] jobs = new Job[n / 2];
                        for (int i = 0; i < n; i += 2) jobs[i / 2] = JobCodec.decode(texts[i], texts[i + 1]);
                        offer(queue, jobs, stop);
                    } else {
                        offer(queue, n == texts.length ? texts : java.util.Arrays.copyOf(texts, n), stop);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                synchronized (failure) {
                    failure[0] = e;
                }
            } finally {
                offer(queue, NO_MORE_ROWS, stop);
            }
        }, "reckon-ledger-reader");
        reader.setDaemon(true);
        reader.start();
        boolean done = false;
        try {
            while (true) {
                Object[] chunk = queue.take();
                if (chunk == NO_MORE_ROWS) break;
                if (chunk instanceof Job[] jobs) {
                    for (Job j : jobs) each.accept(j);
                } else {
                    String[] texts = (String[]) chunk;
                    for (int i = 0; i < texts.length; i += 2) each.accept(JobCodec.decode(texts[i], texts[i + 1]));
                }
            }
            done = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerException("reading the ledger interrupted");
        } finally {
            if (!done) {
                synchronized (stop) {
                    stop[0] = true;
                }
                queue.clear();
            }
            joinUninterruptibly(reader);
        }
        synchronized (failure) {
            if (failure[0] instanceof SQLException e) throw e;
            if (failure[0] instanceof RuntimeException e) throw e;
        }
    }

    private static boolean stopped(boolean[] stop) {
        synchronized (stop) {
            return stop[0];
        }
    }

    /** Puts the texts on the queue, waiting for room unless the read was stopped. */
    private static void offer(BlockingQueue<Object[]> queue, Object[] texts, boolean[] stop) {
        try {
            while (!queue.offer(texts, 20, TimeUnit.MILLISECONDS)) {
                if (stopped(stop)) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String selectList(boolean withSteps) {
        return JobCodec.selectList(withSteps);
    }

    private Job read(ResultSet rs) throws SQLException {
        return JobCodec.read(rs);
    }

    private String order() {
        // Unknown submit times sort first on both databases (SQLite's own order), so that SQLite walks the
        // submit index and sorts only jobs submitted in the same second by the rest.
        String text = dialect == Dialect.POSTGRESQL ? " COLLATE \"C\"" : "";
        String nulls = dialect == Dialect.POSTGRESQL ? " NULLS FIRST" : "";
        return "submit_s" + nulls + ", id_num" + nulls + ", length(job_id), job_id" + text + ", cluster" + text;
    }

    private static String where(JobQuery q, List<Object> args) {
        List<String> clauses = new ArrayList<>();
        in(clauses, args, "user_name", words(q.user(), false));
        in(clauses, args, "account", words(q.account(), false));
        in(clauses, args, "partition_name", words(q.partition(), false));
        in(clauses, args, "cluster", words(q.cluster(), false));
        in(clauses, args, "upper(state)", words(q.state(), true));
        if (q.until() != null) {
            clauses.add("(submit_s IS NULL OR submit_s < ?)");
            args.add(q.until().getEpochSecond());
        }
        if (q.since() != null) {
            clauses.add("(end_s IS NULL OR end_s >= ?)");
            args.add(q.since().getEpochSecond());
        }
        return String.join(" AND ", clauses);
    }

    private static void in(List<String> clauses, List<Object> args, String column, Set<String> values) {
        if (values == null) return;
        if (values.size() == 1) {
            clauses.add(column + " = ?");
        } else {
            clauses.add(column + " IN (" + String.join(", ", java.util.Collections.nCopies(values.size(), "?")) + ")");
        }
        args.addAll(values);
    }

    /** The names of a comma list; for states also the full name an abbreviation stands for. Null: no filter. */
    private static Set<String> words(String list, boolean states) {
        if (list == null || list.isBlank()) return null;
        Set<String> out = new LinkedHashSet<>();
        for (String w : list.split(",")) {
            String t = w.strip();
            if (t.isEmpty()) continue;
            if (states) {
                t = t.toUpperCase(Locale.ROOT);
                out.add(t);
                JobState s = JobState.of(t);
                if (s != JobState.OTHER) out.add(s.name());
            } else {
                out.add(t);
            }
        }
        return out.isEmpty() ? null : out;
    }

    /**
     * The job with this id, with its steps.
     *
     * @param cluster the cluster, or {@code null} for whichever holds the id
     * @throws LedgerException if the cluster is null and several clusters have a job with this id
     */
    public synchronized Optional<Job> job(String jobId, String cluster) {
        Objects.requireNonNull(jobId, "jobId");
        String sql = "SELECT " + selectList(true) + " FROM jobs WHERE job_id = ?"
                + (cluster == null ? "" : " AND cluster = ?") + " ORDER BY cluster";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, jobId);
            if (cluster != null) ps.setString(2, cluster);
            List<Job> found = new ArrayList<>(1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) found.add(read(rs));
            }
            if (found.size() > 1) {
                StringJoiner names = new StringJoiner(", ");
                for (Job j : found) names.add(j.cluster());
                throw new LedgerException("job " + jobId + " is in several clusters (" + names
                        + "): name the cluster");
            }
            return found.stream().findFirst();
        } catch (SQLException e) {
            throw fail("cannot read job " + jobId + " from", e);
        }
    }

    /**
     * The jobs that make up an array or heterogeneous job: {@code 123_1}, {@code 123_[5-9%2]}, {@code 123+0} ... for
     * {@code 123}, in listing order, without their steps. Empty when the id names no such job.
     *
     * @param cluster the cluster, or {@code null} for all
     */
    public synchronized List<Job> members(String jobId, String cluster) {
        Objects.requireNonNull(jobId, "jobId");
        long number;
        try {
            number = Long.parseLong(jobId);
        } catch (NumberFormatException e) {
            return List.of();
        }
        String sql = "SELECT " + selectList(false) + " FROM jobs WHERE id_num = ?"
                + (cluster == null ? "" : " AND cluster = ?");
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setLong(1, number);
            if (cluster != null) ps.setString(2, cluster);
            List<Job> found = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Job j = read(rs);
                    if (j.jobId().startsWith(jobId + "_") || j.jobId().startsWith(jobId + "+")) found.add(j);
                }
            }
            found.sort(Comparator.comparing(Job::cluster).thenComparing(Job::jobId, Ledger::naturalOrder));
            return found;
        } catch (SQLException e) {
            throw fail("cannot read the members of job " + jobId + " from", e);
        }
    }

    /** Job ids with their numbers compared as numbers: {@code 9_2 < 9_10}. */
    private static int naturalOrder(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) i++;
                while (j < b.length() && Character.isDigit(b.charAt(j))) j++;
                int c = Integer.compare(i - si, j - sj);
                if (c == 0) c = a.substring(si, i).compareTo(b.substring(sj, j));
                if (c != 0) return c;
            } else {
                if (x != y) return Character.compare(x, y);
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    // ---------------------------------------------------------------------------------------------- metrics

    /**
     * Stores the metrics, all or none (one transaction). Times are kept to the millisecond.
     *
     * @throws LedgerException when the database refuses
     */
    public synchronized void recordMetrics(List<Metric> metrics) {
        Objects.requireNonNull(metrics, "metrics");
        if (metrics.isEmpty()) return;
        inTransaction("cannot store metrics into", () -> {
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO metrics "
                    + "(charter, name, value, at_ms, job_id, cluster, source) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (Metric m : metrics) {
                    ps.setString(1, m.charter());
                    ps.setString(2, m.name());
                    ps.setDouble(3, m.value());
                    ps.setLong(4, m.at().toEpochMilli());
                    ps.setString(5, m.jobId());
                    ps.setString(6, m.cluster());
                    ps.setString(7, m.source());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    /** The metrics reported for a charter, oldest first (in the order stored within one millisecond). */
    public synchronized List<Metric> metrics(String charter) {
        Objects.requireNonNull(charter, "charter");
        try (PreparedStatement ps = conn.prepareStatement("SELECT charter, name, value, at_ms, job_id, cluster, source "
                + "FROM metrics WHERE charter = ? ORDER BY at_ms, id")) {
            ps.setString(1, charter);
            List<Metric> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Metric(rs.getString(1), rs.getString(2), rs.getDouble(3),
                            Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw fail("cannot read the metrics of " + charter + " from", e);
        }
    }

    // ---------------------------------------------------------------------------------------------- audit

    /** Appends one entry to the audit log (its time kept to the millisecond). */
    public synchronized void audit(AuditEntry entry) {
        Objects.requireNonNull(entry, "entry");
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO audit "
                + "(at_ms, actor, action, cluster, job_id, charter, applied, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, entry.at().toEpochMilli());
            ps.setString(2, entry.actor());
            ps.setString(3, entry.action());
            ps.setString(4, entry.cluster());
            ps.setString(5, entry.jobId());
            ps.setString(6, entry.charter());
            ps.setInt(7, entry.applied() ? 1 : 0);
            ps.setString(8, entry.detail());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw fail("cannot write the audit log of", e);
        }
    }

    /**
     * The audit log, oldest first (entries of the same millisecond in the order written).
     *
     * @param since from this time on (inclusive); null: from the start
     * @param until before this time (exclusive); null: no end
     * @param jobId only entries about this job (the id exactly as recorded); null: all
     */
    public synchronized List<AuditEntry> auditLog(Instant since, Instant until, String jobId) {
        List<String> clauses = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        if (since != null) {
            clauses.add("at_ms >= ?");
            args.add(since.toEpochMilli());
        }
        if (until != null) {
            clauses.add("at_ms < ?");
            args.add(until.toEpochMilli());
        }
        if (jobId != null) {
            clauses.add("job_id = ?");
            args.add(jobId);
        }
        String sql = "SELECT at_ms, actor, action, cluster, job_id, charter, applied, detail FROM audit"
                + (clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses)) + " ORDER BY at_ms, id";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
            return auditRows(ps);
        } catch (SQLException e) {
            throw fail("cannot read the audit log of", e);
        }
    }

    private static List<AuditEntry> auditRows(PreparedStatement ps) throws SQLException {
        List<AuditEntry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new AuditEntry(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getInt(7) != 0, rs.getString(8)));
            }
        }
        return out;
    }

    /** The audit log's entries about one charter (its own and its jobs'), oldest first. */
    public synchronized List<AuditEntry> auditLogOf(String charter) {
        Objects.requireNonNull(charter, "charter");
        try (PreparedStatement ps = conn.prepareStatement("SELECT at_ms, actor, action, cluster, job_id, charter, "
                + "applied, detail FROM audit WHERE charter = ? ORDER BY at_ms, id")) {
            ps.setString(1, charter);
            return auditRows(ps);
        } catch (SQLException e) {
            throw fail("cannot read the audit log of", e);
        }
    }

    /**
     * Whether the audit log holds this action on this job, carried out ({@code applied}): what keeps reckon from
     * notifying a job's user twice. An entry that was only proposed or that failed does not count, so a failed
     * notice is tried again.
     */
    public synchronized boolean audited(String cluster, String jobId, String action) {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(action, "action");
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT 1 FROM audit WHERE job_id = ? AND cluster = ? AND action = ? AND applied = 1 LIMIT 1")) {
            ps.setString(1, jobId);
            ps.setString(2, cluster);
            ps.setString(3, action);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw fail("cannot read the audit log of", e);
        }
    }

    @FunctionalInterface
    private interface Work {
        void run() throws SQLException;
    }

    /** Runs the work in one transaction: committed whole, or rolled back and reported. */
    private void inTransaction(String what, Work work) {
        try {
            conn.setAutoCommit(false);
            work.run();
            conn.commit();
        } catch (SQLException e) {
            rollback(e);
            throw fail(what, e);
        } catch (RuntimeException | Error e) {
            rollback(e);
            throw e;
        } finally {
            try {
                conn.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the connection is broken; the next call reports it
            }
        }
    }

    /** The value last stored for a mark by a successful ingest. */
    public synchronized Optional<String> mark(String key) {
        try (PreparedStatement ps = conn.prepareStatement("SELECT mark_value FROM marks WHERE mark_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw fail("cannot read mark " + key + " from", e);
        }
    }

    /**
     * The earliest submit time of a job in that cluster that has not reached a final state (pending, running,
     * suspended, ...): where an incremental re-read of the scheduler's accounting must start. Empty if none.
     */
    public synchronized Optional<Instant> earliestUnfinished(String cluster) {
        Objects.requireNonNull(cluster, "cluster");
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT min(submit_s) FROM jobs WHERE cluster = ? AND is_final = 0")) {
            ps.setString(1, cluster);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                long v = rs.getLong(1);
                return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochSecond(v));
            }
        } catch (SQLException e) {
            throw fail("cannot read from", e);
        }
    }

    /** Where the ledger is, for messages: the file path or the URL without its password. */
    public String location() {
        return location;
    }

    @Override
    public synchronized void close() {
        try {
            if (dialect == Dialect.SQLITE) {
                try (Statement st = conn.createStatement()) {
                    st.execute("PRAGMA optimize");
                }
            }
            conn.close();
        } catch (SQLException e) {
            throw fail("cannot close", e);
        }
    }

    @Override
    public String toString() {
        return "Ledger[" + location + "]";
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private long count(String sql) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private LedgerException fail(String what, SQLException e) {
        return new LedgerException(what + " the ledger " + location + ": " + e.getMessage(), e);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // already failing; the first error is the one to report
        }
    }

    /** A data source that always hands out the one open connection and never closes it (for Flyway on SQLite). */
    private static final class OneConnection implements DataSource {
        private final Connection proxy;

        OneConnection(Connection c) {
            this.proxy = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[]{Connection.class}, (p, m, a) -> {
                        if (m.getName().equals("close") && m.getParameterCount() == 0) return null;
                        try {
                            return m.invoke(c, a);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public Connection getConnection() {
            return proxy;
        }

        @Override
        public Connection getConnection(String username, String password) {
            return proxy;
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
