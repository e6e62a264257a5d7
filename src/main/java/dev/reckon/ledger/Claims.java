package dev.reckon.ledger;

import dev.reckon.model.AuditEntry;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Claims (table {@code claims}): an action is claimed, in a transaction of its own, before it is carried out. The
 * key (cluster, job id, action, charter) is unique, so of two runs claiming the same action at once one gets it. A
 * claim is settled {@code done} or {@code failed}; only a failed one may be claimed again. A claim left
 * {@code claimed} (the run died between claiming and settling) is never taken again until it is released (marked
 * failed, audited, in one transaction): {@code reckon audit claims} lists such claims, {@code reckon audit release}
 * releases one.
 */
final class Claims {
    static final String CLAIMED = "claimed", DONE = "done", FAILED = "failed";

    private final Connections db;

    Claims(Connections db) {
        this.db = db;
    }

    /** Takes the claim: a new one, or one settled failed; false when another run holds it or it is done. */
    boolean claim(String cluster, String jobId, String action, String charter, String actor, Instant at) {
        String[] k = key(cluster, jobId, action, charter);
        boolean[] won = {false};
        db.inTransaction("cannot claim " + action + " of " + k[1] + " in", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO claims (cluster, job_id, action, charter, "
                    + "state, actor, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (cluster, job_id, action, charter) "
                    + "DO UPDATE SET state = excluded.state, actor = excluded.actor, at_ms = excluded.at_ms "
                    + "WHERE claims.state = '" + FAILED + "'")) {
                for (int i = 0; i < 4; i++) ps.setString(i + 1, k[i]);
                ps.setString(5, CLAIMED);
                ps.setString(6, actor == null ? "" : actor);
                ps.setLong(7, at.toEpochMilli());
                won[0] = ps.executeUpdate() == 1;
            }
        });
        return won[0];
    }

    /** Settles a claim as done or failed. */
    void settle(String cluster, String jobId, String action, String charter, boolean done) {
        setState(cluster, jobId, action, charter, done ? DONE : FAILED);
    }

    /**
     * Marks an unsettled claim failed, so that a later run may try it again, and appends {@code record} to the audit
     * log in the same transaction; false (and nothing written) when there is no such unsettled claim.
     */
    boolean release(String cluster, String jobId, String action, String charter, AuditEntry record) {
        String[] k = key(cluster, jobId, action, charter);
        boolean[] released = {false};
        db.inTransaction("cannot release a claim in", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE claims SET state = ? WHERE cluster = ? AND job_id = ? "
                    + "AND action = ? AND charter = ? AND state = ?")) {
                ps.setString(1, FAILED);
                for (int i = 0; i < 4; i++) ps.setString(i + 2, k[i]);
                ps.setString(6, CLAIMED);
                released[0] = ps.executeUpdate() > 0;
            }
            if (released[0]) AuditLog.insert(c, record);
        });
        return released[0];
    }

    /** The state of a claim ({@code claimed}, {@code done}, {@code failed}), or null when it was never claimed. */
    String state(String cluster, String jobId, String action, String charter) {
        String[] k = key(cluster, jobId, action, charter);
        try {
            return db.call(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT state FROM claims WHERE cluster = ? AND job_id = ? "
                        + "AND action = ? AND charter = ?")) {
                    for (int i = 0; i < 4; i++) ps.setString(i + 1, k[i]);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getString(1) : null;
                    }
                }
            });
        } catch (SQLException e) {
            throw db.fail("cannot read the claims of", e);
        }
    }

    /** Claims never settled (a run died between claiming and settling, or one is still running), oldest first. */
    List<Ledger.Claim> unsettled() {
        try {
            return db.call(c -> {
                List<Ledger.Claim> out = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT cluster, job_id, action, charter, actor, at_ms "
                        + "FROM claims WHERE state = '" + CLAIMED + "' ORDER BY at_ms, cluster, job_id, action, charter");
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Ledger.Claim(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), Instant.ofEpochMilli(rs.getLong(6))));
                    }
                }
                return out;
            });
        } catch (SQLException e) {
            throw db.fail("cannot read the claims of", e);
        }
    }

    private void setState(String cluster, String jobId, String action, String charter, String state) {
        String[] k = key(cluster, jobId, action, charter);
        db.inTransaction("cannot settle a claim in", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE claims SET state = ? WHERE cluster = ? AND job_id = ? "
                    + "AND action = ? AND charter = ?")) {
                ps.setString(1, state);
                for (int i = 0; i < 4; i++) ps.setString(i + 2, k[i]);
                ps.executeUpdate();
            }
        });
    }

    private static String[] key(String cluster, String jobId, String action, String charter) {
        return new String[]{cluster == null ? "" : cluster, jobId == null ? "" : jobId, action,
                charter == null ? "" : charter};
    }
}
