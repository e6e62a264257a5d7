package dev.reckon.ledger;

import com.zaxxer.hikari.HikariDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where the rooms of a ledger get their database connection: each call borrows one for its duration. SQLite: the one
 * connection of the file, calls taking turns. PostgreSQL: a HikariCP pool, so that concurrent calls (a server's
 * requests) run at once, each on a connection of its own.
 */
abstract class Connections implements AutoCloseable {

    enum Dialect { SQLITE, POSTGRESQL }

    /** Work on a borrowed connection. */
    @FunctionalInterface
    interface Call<T> {
        T run(Connection c) throws SQLException;
    }

    /** Work without a result on a borrowed connection. */
    @FunctionalInterface
    interface Work {
        void run(Connection c) throws SQLException;
    }

    private final Dialect dialect;
    private final String location;

    private Connections(Dialect dialect, String location) {
        this.dialect = dialect;
        this.location = location;
    }

    static Connections single(Connection c, String location) {
        return new Single(c, location, false);
    }

    /** An SQLite file's one connection; a read-only one is closed without {@code PRAGMA optimize} (a write). */
    static Connections single(Connection c, String location, boolean readOnly) {
        return new Single(c, location, readOnly);
    }

    static Connections pooled(HikariDataSource pool, String location) {
        return new Pooled(pool, location);
    }

    final Dialect dialect() {
        return dialect;
    }

    /** Where the ledger is, for messages: the file path or the URL without its password. */
    final String location() {
        return location;
    }

    /** Runs the call on a connection in auto-commit mode, borrowed for its duration. */
    abstract <T> T call(Call<T> call) throws SQLException;

    /**
     * Runs the work in one transaction: committed whole, or rolled back and reported ({@code what} + the ledger's
     * location); a runtime exception or error of the work is rethrown unchanged after the rollback.
     */
    final void inTransaction(String what, Work work) {
        try {
            call(c -> {
                beginWrite(c);
                try {
                    work.run(c);
                    c.commit();
                } catch (SQLException | RuntimeException | Error e) {
                    rollback(c, e);
                    throw e;
                } finally {
                    restoreAutoCommit(c);
                }
                return null;
            });
        } catch (SQLException e) {
            throw fail(what, e);
        }
    }

    @Override
    public abstract void close();

    final LedgerException fail(String what, SQLException e) {
        return new LedgerException(what + " the ledger " + location + ": " + e.getMessage(), e);
    }

    /**
     * Starts a transaction that will write. On SQLite it is {@code BEGIN IMMEDIATE}: the write lock is taken at once,
     * waiting out another process's writer under the busy timeout. A deferred transaction that reads first and then
     * writes would instead fail with SQLITE_BUSY the moment it upgrades while another process writes, whatever the
     * timeout (SQLite cannot wait there without risking a deadlock).
     */
    static void beginWrite(Connection c) throws SQLException {
        if (c instanceof SQLiteConnection s) {
            s.getConnectionConfig().setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            try {
                c.setAutoCommit(false);
            } finally {
                // commit() begins the next transaction at once: deferred, so that it holds no lock
                s.getConnectionConfig().setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
            }
        } else {
            c.setAutoCommit(false);
        }
    }

    static void rollback(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            if (cause != null && cause != e) cause.addSuppressed(e);
        }
    }

    static void restoreAutoCommit(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // the connection is broken; the next call reports it
        }
    }

    /**
     * Waits until a helper thread has ended, even when interrupted meanwhile (it may still use the connection); the
     * interrupt is kept for the caller.
     */
    static void joinUninterruptibly(Thread t) {
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

    /** An SQLite file: one connection, which calls take in turns (a call may call again on its own thread). */
    private static final class Single extends Connections {
        private final Connection conn;
        private final ReentrantLock turn = new ReentrantLock();
        private final boolean readOnly;
        private boolean closed;

        Single(Connection conn, String location, boolean readOnly) {
            super(Dialect.SQLITE, location);
            this.conn = conn;
            this.readOnly = readOnly;
        }

        @Override
        <T> T call(Call<T> call) throws SQLException {
            turn.lock();
            try {
                if (closed) throw new SQLException("the ledger is closed");
                return call.run(conn);
            } finally {
                turn.unlock();
            }
        }

        @Override
        public void close() {
            turn.lock();
            try {
                if (closed) return;
                closed = true;
                if (!readOnly) {
                    try (Statement st = conn.createStatement()) {
                        st.execute("PRAGMA optimize");
                    }
                }
                conn.close();
            } catch (SQLException e) {
                throw fail("cannot close", e);
            } finally {
                turn.unlock();
            }
        }
    }

    /** A PostgreSQL database: a pool, each call on a connection of its own. */
    private static final class Pooled extends Connections {
        private final HikariDataSource pool;

        Pooled(HikariDataSource pool, String location) {
            super(Dialect.POSTGRESQL, location);
            this.pool = pool;
        }

        @Override
        <T> T call(Call<T> call) throws SQLException {
            try (Connection c = pool.getConnection()) {
                return call.run(c);
            }
        }

        @Override
        public void close() {
            pool.close();
        }
    }
}
