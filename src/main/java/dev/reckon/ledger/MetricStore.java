package dev.reckon.ledger;

import dev.reckon.model.Metric;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The metrics efforts report (table {@code metrics}). */
final class MetricStore {
    private final Connections db;

    MetricStore(Connections db) {
        this.db = db;
    }

    /** Stores the metrics, all or none (one transaction). Times are kept to the millisecond. */
    void record(List<Metric> metrics) {
        if (metrics.isEmpty()) return;
        db.inTransaction("cannot store metrics into", c -> insert(c, metrics));
    }

    /**
     * Stores the metrics and a mark of the batch in one transaction, unless the mark is there already (the batch was
     * stored before): true when stored now.
     */
    boolean recordOnce(String batch, List<Metric> metrics) {
        boolean[] stored = {false};
        db.inTransaction("cannot store metrics into", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM marks WHERE mark_key = ?")) {
                ps.setString(1, batch);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) return;
                }
            }
            insert(c, metrics);
            Marks.write(c, java.util.Map.of(batch, Instant.now().toString()));
            stored[0] = true;
        });
        return stored[0];
    }

    private static void insert(java.sql.Connection c, List<Metric> metrics) throws SQLException {
        if (metrics.isEmpty()) return;
        {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO metrics "
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
        }
    }

    /** The metrics reported for a charter, oldest first (in the order stored within one millisecond). */
    List<Metric> of(String charter) {
        try {
            return db.call(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT charter, name, value, at_ms, job_id, cluster, "
                        + "source FROM metrics WHERE charter = ? ORDER BY at_ms, id")) {
                    ps.setString(1, charter);
                    List<Metric> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(new Metric(rs.getString(1), rs.getString(2), rs.getDouble(3),
                                    Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5), rs.getString(6),
                                    rs.getString(7)));
                        }
                    }
                    return out;
                }
            });
        } catch (SQLException e) {
            throw db.fail("cannot read the metrics of " + charter + " from", e);
        }
    }
}
