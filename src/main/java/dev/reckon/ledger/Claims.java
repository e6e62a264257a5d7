package dev.reckon.ledger;

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
 * {@code claimed} (the run died between claiming and settling) is never taken again until it is marked failed.
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
        setState(cluster, jobId, action, charter, done ? DONE : FAILED, null);
    }

    /** Marks an unsettled claim failed, so that a later run may try it again; false when there is none. */
    boolean release(String cluster, String jobId, String action, String charter) {
        return setState(cluster, jobId, action, charter, FAILED, CLAIMED);
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

    /** Claims never settled (a run died between claiming and settling): cluster, job id, action, charter, actor, at. */
    List<String[]> unsettled() {
        try {
            return db.call(c -> {
                List<String[]> out = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT cluster, job_id, action, charter, actor, at_ms "
                        + "FROM claims WHERE state = '" + CLAIMED + "' ORDER BY at_ms");
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)).toString()});
                    }
                }
                return out;
            });
        } catch (SQLException e) {
            throw db.fail("cannot read the claims of", e);
        }
    }

    private boolean setState(String cluster, String jobId, String action, String charter, String state, String from) {
        String[] k = key(cluster, jobId, action, charter);
        int[] n = {0};
        db.inTransaction("cannot settle a claim in", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE claims SET state = ? WHERE cluster = ? AND job_id = ? "
                    + "AND action = ? AND charter = ?" + (from == null ? "" : " AND state = ?"))) {
                ps.setString(1, state);
                for (int i = 0; i < 4; i++) ps.setString(i + 2, k[i]);
                if (from != null) ps.setString(6, from);
                n[0] = ps.executeUpdate();
            }
        });
        return n[0] > 0;
    }

    private static String[] key(String cluster, String jobId, String action, String charter) {
        return new String[]{cluster == null ? "" : cluster, jobId == null ? "" : jobId, action,
                charter == null ? "" : charter};
    }
}
