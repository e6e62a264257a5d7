package dev.reckon.ledger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The rows of placement studies (table {@code study_rows}): one JSON document per study and cell. */
final class StudyStore {
    private final Connections db;

    StudyStore(Connections db) {
        this.db = db;
    }

    /** Stores or replaces the given cells' rows of one study, in one transaction. */
    void put(String study, String shard, List<Integer> cells, List<String> docs, long nowMs) {
        db.inTransaction("cannot store study " + study + " into", c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM study_rows WHERE study = ? AND cell = ?");
                 PreparedStatement ins = c.prepareStatement(
                         "INSERT INTO study_rows (study, cell, shard, doc, created_ms) VALUES (?, ?, ?, ?, ?)")) {
                for (int i = 0; i < cells.size(); i++) {
                    del.setString(1, study);
                    del.setInt(2, cells.get(i));
                    del.executeUpdate();
                    ins.setString(1, study);
                    ins.setInt(2, cells.get(i));
                    ins.setString(3, shard);
                    ins.setString(4, docs.get(i));
                    ins.setLong(5, nowMs);
                    ins.executeUpdate();
                }
            }
        });
    }

    /** The study's rows, in cell order. */
    List<String> rows(String study) {
        try {
            return db.call(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT doc FROM study_rows WHERE study = ? ORDER BY cell")) {
                    ps.setString(1, study);
                    List<String> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) out.add(rs.getString(1));
                    }
                    return out;
                }
            });
        } catch (SQLException e) {
            throw db.fail("cannot read study " + study + " from", e);
        }
    }
}
