package dev.reckon.ledger;

import dev.reckon.model.AuditEntry;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The audit log of what reckon did or proposed to jobs (table {@code audit}). */
final class AuditLog {
    private static final String COLUMNS = "at_ms, actor, action, cluster, job_id, charter, applied, detail";

    private final Connections db;

    AuditLog(Connections db) {
        this.db = db;
    }

    /** Appends one entry (its time kept to the millisecond). */
    void append(AuditEntry entry) {
        try {
            db.call(c -> insert(c, entry));
        } catch (SQLException e) {
            throw db.fail("cannot write the audit log of", e);
        }
    }

    /** Appends one entry on a connection the caller holds (in its transaction). */
    static int insert(java.sql.Connection c, AuditEntry entry) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, entry.at().toEpochMilli());
            ps.setString(2, entry.actor());
            ps.setString(3, entry.action());
            ps.setString(4, entry.cluster());
            ps.setString(5, entry.jobId());
            ps.setString(6, entry.charter());
            ps.setInt(7, entry.applied() ? 1 : 0);
            ps.setString(8, entry.detail());
            return ps.executeUpdate();
        }
    }

    /** The entries in a window, about one job or all, oldest first: see {@link Ledger#auditLog}. */
    List<AuditEntry> log(Instant since, Instant until, String jobId) {
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
        return entries("SELECT " + COLUMNS + " FROM audit"
                + (clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses)) + " ORDER BY at_ms, id", args);
    }

    /** The entries about one charter (its own and its jobs'), oldest first. */
    List<AuditEntry> of(String charter) {
        return entries("SELECT " + COLUMNS + " FROM audit WHERE charter = ? ORDER BY at_ms, id", List.of(charter));
    }

    /** Whether the log holds this action on this job, carried out: see {@link Ledger#audited}. */
    boolean holds(String cluster, String jobId, String action) {
        try {
            return db.call(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM audit "
                        + "WHERE job_id = ? AND cluster = ? AND action = ? AND applied = 1 LIMIT 1")) {
                    ps.setString(1, jobId);
                    ps.setString(2, cluster);
                    ps.setString(3, action);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next();
                    }
                }
            });
        } catch (SQLException e) {
            throw db.fail("cannot read the audit log of", e);
        }
    }

    private List<AuditEntry> entries(String sql, List<Object> args) {
        try {
            return db.call(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
                    List<AuditEntry> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(new AuditEntry(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2),
                                    rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                                    rs.getInt(7) != 0, rs.getString(8)));
                        }
                    }
                    return out;
                }
            });
        } catch (SQLException e) {
            throw db.fail("cannot read the audit log of", e);
        }
    }
}
