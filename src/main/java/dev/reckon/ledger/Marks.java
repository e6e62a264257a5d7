package dev.reckon.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Marks: keys and values an ingest remembers (how far a source has been read), written with its jobs. */
final class Marks {
    private final Connections db;

    Marks(Connections db) {
        this.db = db;
    }

    /** The value last stored for a mark by a successful ingest. */
    Optional<String> mark(String key) {
        try {
            return db.call(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT mark_value FROM marks WHERE mark_key = ?")) {
                    ps.setString(1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
                    }
                }
            });
        } catch (SQLException e) {
            throw db.fail("cannot read mark " + key + " from", e);
        }
    }

    /** Stores the marks, replacing earlier values, within the caller's transaction. */
    static void write(Connection c, Map<String, String> marks) throws SQLException {
        if (marks.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO marks (mark_key, mark_value) VALUES (?, ?) "
                + "ON CONFLICT (mark_key) DO UPDATE SET mark_value = excluded.mark_value")) {
            for (Map.Entry<String, String> m : marks.entrySet()) {
                ps.setString(1, Objects.requireNonNull(m.getKey(), "mark key"));
                ps.setString(2, Objects.requireNonNull(m.getValue(), "mark value"));
                ps.executeUpdate();
            }
        }
    }
}
