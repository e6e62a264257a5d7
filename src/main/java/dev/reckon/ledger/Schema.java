package dev.reckon.ledger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.reckon.ledger.Connections.Dialect;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Properties;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Opening a ledger: where it is (a file, a {@code jdbc:sqlite:} or {@code jdbc:postgresql:} URL), its connection (one
 * for SQLite, a pool for PostgreSQL), and its schema, migrated by Flyway to this build's version.
 */
final class Schema {

    /** The newest schema version this build ships: the highest {@code V<n>__} migration of each database. */
    static final String VERSION = "5";

    /** How long an SQLite call waits for another process's write to finish before failing with SQLITE_BUSY. */
    static final int BUSY_TIMEOUT_MS = 60_000;

    /** The most connections a PostgreSQL ledger holds at once. */
    static final int POOL_SIZE = 8;

    private Schema() {
    }

    /** Opens (creating where needed) and migrates a ledger: see {@link Ledger#open}. */
    static Connections open(String location) {
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

    /**
     * Opens an existing ledger for reading only: see {@link Ledger#openReadOnly}. Nothing is created and no
     * migration runs; a missing file, a ledger that is not one, or one whose schema is not this build's is refused
     * with a message saying what to do.
     */
    static Connections openReadOnly(String location) {
        Objects.requireNonNull(location, "location");
        String loc = location.strip();
        if (loc.isEmpty()) throw new LedgerException("no ledger location given");
        if (loc.startsWith("jdbc:postgresql:")) return openPostgres(loc, true);
        if (loc.startsWith("jdbc:")) {
            if (!loc.startsWith("jdbc:sqlite:")) {
                throw new LedgerException("unsupported ledger URL " + redact(loc)
                        + ": give a file path, a jdbc:sqlite: URL or a jdbc:postgresql: URL");
            }
            loc = loc.substring("jdbc:sqlite:".length());
        }
        int q = loc.indexOf('?');
        String file = q >= 0 ? loc.substring(0, q) : loc;
        if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
            throw new LedgerException("cannot read the ledger " + location + ": give the ledger's file path");
        }
        Path path = Path.of(file);
        if (Files.isDirectory(path)) throw new LedgerException("cannot use " + file + " as a ledger: it is a directory");
        if (!Files.exists(path)) {
            throw new LedgerException("no ledger at " + file + ": check --ledger (or RECKON_LEDGER), or run "
                    + "reckon ingest to create it");
        }
        if (!Files.isReadable(path)) throw new LedgerException("cannot read the ledger " + file + ": permission denied");
        org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(10_000);
        Connection c;
        try {
            c = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + file, config.toProperties());
        } catch (SQLException e) {
            throw new LedgerException("cannot open ledger " + file + ": " + e.getMessage(), e);
        }
        try {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA cache_size = -65536");
                st.execute("PRAGMA temp_store = MEMORY");
            }
            if (!schemaIsCurrent(c, Dialect.SQLITE)) refuseStale(c, Dialect.SQLITE, file);
            return Connections.single(c, file, true);
        } catch (SQLException e) {
            closeQuietly(c);
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (m.contains("SQLITE_NOTADB")) throw new LedgerException(file + " is not a ledger (not an SQLite file)", e);
            throw new LedgerException("cannot read ledger " + file + ": " + m, e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /**
     * Refuses, for reading, a ledger whose schema is not this build's: none at all (not a ledger, or never
     * ingested into), older (ingest upgrades it), newer (a newer reckon wrote it) or with a failed migration.
     */
    private static void refuseStale(Connection c, Dialect dialect, String shown) throws SQLException {
        if (!hasHistory(c, dialect)) {
            throw new LedgerException(shown + " holds no reckon ledger: check --ledger (or RECKON_LEDGER), "
                    + "or run reckon ingest to create one");
        }
        MigrationVersion current = MigrationVersion.fromVersion(VERSION);
        MigrationVersion highest = null;
        boolean failed = false;
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT version, success FROM flyway_schema_history")) {
                while (rs.next()) {
                    String v = rs.getString(1);
                    if (!rs.getBoolean(2)) failed = true;
                    if (v == null) continue;
                    MigrationVersion mv = MigrationVersion.fromVersion(v);
                    if (highest == null || mv.compareTo(highest) > 0) highest = mv;
                }
            }
        }
        if (highest != null && highest.compareTo(current) > 0) {
            throw new LedgerException("the ledger " + shown + " has schema version " + highest.getVersion()
                    + ", newer than this reckon knows (" + VERSION + "): use a newer reckon");
        }
        if (failed) {
            throw new LedgerException("the ledger " + shown + " has a failed schema migration: run reckon ingest "
                    + "to repair and upgrade the ledger");
        }
        throw new LedgerException("the ledger " + shown + " has schema version "
                + (highest == null ? "none" : highest.getVersion()) + ", older than this reckon's (" + VERSION
                + "): run reckon ingest to upgrade the ledger");
    }

    private static Connections openSqlite(String url, String pathPart) {
        int q = pathPart.indexOf('?');
        String file = q >= 0 ? pathPart.substring(0, q) : pathPart;
        String shown = file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:") ? url : file;
        if (!file.isEmpty() && !file.startsWith(":memory:") && !file.startsWith("file:")) {
            prepareFile(Path.of(file));
        }
        Connection c;
        try {
            // The busy timeout through the driver's configuration: the driver applies its own (3 s) otherwise.
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(BUSY_TIMEOUT_MS);
            // straight to SQLite's driver: DriverManager would load and initialise every driver in the jar first
            c = org.sqlite.JDBC.createConnection(url, config.toProperties());
        } catch (SQLException e) {
            throw new LedgerException("cannot open ledger " + shown + ": " + e.getMessage(), e);
        }
        try {
            try (Statement st = c.createStatement()) {
                // A rollback journal, not WAL: a bulk ingest runs about 40% faster (WAL writes every page twice and
                // indexes every frame); readers and writers in other processes wait (up to BUSY_TIMEOUT_MS) while an
                // ingest writes; write transactions begin IMMEDIATE (Connections.beginWrite), so waiting works.
                // 16 KiB pages for a new ledger (an existing one keeps its own): a million jobs ingest with a quarter
                // of the write calls and about 8% less time (10.3 s -> 9.5 s, three runs each alternating, the same
                // peak memory), and read as fast (jobs --json, review)
                st.execute("PRAGMA page_size = 16384");
                st.execute("PRAGMA journal_mode = DELETE");
                st.execute("PRAGMA synchronous = NORMAL");
                st.execute("PRAGMA cache_size = -65536");
                st.execute("PRAGMA temp_store = MEMORY");
            }
            // Two processes opening a new ledger at once both migrate; SQLite refuses one of them at once (its lock
            // upgrade would deadlock, so no busy timeout helps): that one waits a moment and looks again.
            for (int attempt = 1; !schemaIsCurrent(c, Dialect.SQLITE); attempt++) {
                try {
                    migrate(Flyway.configure().dataSource(new OneConnection(c)), "sqlite", shown, !hasHistory(c, Dialect.SQLITE));
                    break;
                } catch (LedgerException e) {
                    if (attempt >= 50 || !String.valueOf(e.getMessage()).contains("SQLITE_BUSY")) throw e;
                    try {
                        if (!c.getAutoCommit()) c.rollback();
                    } catch (SQLException ignored) {
                        // nothing was written
                    }
                    try {
                        Thread.sleep(100L + 10L * attempt);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
            c.setAutoCommit(true);
            return Connections.single(c, shown);
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

    private static Connections openPostgres(String url) {
        return openPostgres(url, false);
    }

    private static Connections openPostgres(String url, boolean readOnly) {
        String shown = redact(url);
        Properties props = new Properties();
        if (!hasParam(url, "user") && System.getenv("PGUSER") != null) {
            props.setProperty("user", System.getenv("PGUSER"));
        }
        if (!hasParam(url, "password") && System.getenv("PGPASSWORD") != null) {
            props.setProperty("password", System.getenv("PGPASSWORD"));
        }
        if (!hasParam(url, "reWriteBatchedInserts")) props.setProperty("reWriteBatchedInserts", "true");
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url);
        cfg.setDriverClassName("org.postgresql.Driver");
        cfg.setDataSourceProperties(props);
        cfg.setPoolName("reckon-ledger");
        cfg.setMaximumPoolSize(POOL_SIZE);
        // A command opens one connection; a server's pool grows with its concurrent requests.
        cfg.setMinimumIdle(1);
        cfg.setAutoCommit(true);
        cfg.setReadOnly(readOnly);
        // Try once at start, so that an unreachable server is reported at once, with the driver's reason.
        cfg.setInitializationFailTimeout(1);
        cfg.setConnectionTimeout(30_000);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(cfg);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable why = e.getCause() == null ? e : e.getCause();
            throw new LedgerException(LedgerException.Kind.UNAVAILABLE, "cannot connect to the ledger " + shown + ": "
                    + LedgerException.oneLine(why.getMessage()), e);
        } catch (RuntimeException e) {
            throw new LedgerException(LedgerException.Kind.UNAVAILABLE, "cannot connect to the ledger " + shown + ": "
                    + LedgerException.oneLine(e.getMessage()), e);
        }
        try {
            boolean current;
            try (Connection c = pool.getConnection()) {
                current = schemaIsCurrent(c, Dialect.POSTGRESQL);
            }
            if (!current) {
                if (readOnly) {
                    try (Connection c = pool.getConnection()) {
                        refuseStale(c, Dialect.POSTGRESQL, shown);
                    }
                } else {
                    migrate(Flyway.configure().dataSource(pool), "postgresql", shown, false);
                }
            }
            return Connections.pooled(pool, shown);
        } catch (SQLException e) {
            pool.close();
            throw new LedgerException("cannot open the ledger " + shown + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static boolean hasParam(String url, String name) {
        return Pattern.compile("[?&]" + Pattern.quote(name) + "=", Pattern.CASE_INSENSITIVE).matcher(url).find();
    }

    /** The URL with any password replaced by {@code ***}, fit for messages. */
    static String redact(String url) {
        return url.replaceAll("(?i)([?&;]password=)[^&;]*", "$1***")
                .replaceAll("(//[^/@:]*:)[^/@]*@", "$1***@");
    }

    /**
     * Whether the ledger's schema history says every migration succeeded and the newest is {@link #VERSION}:
     * then opening needs no Flyway, which costs about a second of start-up. Anything else (a new database, a
     * failed or a newer migration) goes through Flyway, which migrates or refuses.
     */
    private static boolean schemaIsCurrent(Connection c, Dialect dialect) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (!hasHistory(c, dialect)) return false;
            MigrationVersion current = MigrationVersion.fromVersion(VERSION);
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

    /** Whether the database holds Flyway's history table (a ledger, or one being made). */
    private static boolean hasHistory(Connection c, Dialect dialect) throws SQLException {
        String exists = dialect == Dialect.SQLITE
                ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'flyway_schema_history'"
                : "SELECT count(*) FROM (SELECT to_regclass('flyway_schema_history') AS t) x WHERE t IS NOT NULL";
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(exists)) {
            return rs.next() && rs.getLong(1) > 0;
        }
    }

    /**
     * Brings the schema to this build's version. {@code fresh}: the database has no migration history, so none can
     * be newer than this build's, and the look for them (a fifth of a new ledger's start) is skipped.
     */
    private static void migrate(org.flywaydb.core.api.configuration.FluentConfiguration cfg, String vendor,
                                String shown, boolean fresh) {
        try {
            Flyway flyway = cfg.locations("classpath:db/migration/" + vendor)
                    .cleanDisabled(true)
                    .load();
            String known = null;
            String newer = null;
            for (MigrationInfo mi : fresh ? new MigrationInfo[0] : flyway.info().all()) {
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
