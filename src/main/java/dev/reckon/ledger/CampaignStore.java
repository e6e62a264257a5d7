package dev.reckon.ledger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The state of optimisation campaigns (table {@code campaign_items}): numbered JSON documents per campaign. */
final class CampaignStore {
    private final Connections db;

    CampaignStore(Connections db) {
        this.db = db;
    }

    /** Stores or replaces one item, durably (its own transaction). */
    void put(String campaign, int item, String doc, long nowMs) {
        db.inTransaction("cannot store campaign " + campaign + " into", c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM campaign_items WHERE campaign = ? AND item = ?");
                 PreparedStatement ins = c.prepareStatement(
                         "INSERT INTO campaign_items (campaign, item, doc, updated_ms) VALUES (?, ?, ?, ?)")) {
                del.setString(1, campaign);
                del.setInt(2, item);
                del.executeUpdate();
                ins.setString(1, campaign);
                ins.setInt(2, item);
                ins.setString(3, doc);
                ins.setLong(4, nowMs);
                ins.executeUpdate();
            }
        });
    }

    /** The campaign's items, in item order. */
    List<String> items(String campaign) {
        try {
            return db.call(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT doc FROM campaign_items WHERE campaign = ? ORDER BY item")) {
                    ps.setString(1, campaign);
                    List<String> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) out.add(rs.getString(1));
                    }
                    return out;
                }
            });
        } catch (SQLException e) {
            throw db.fail("cannot read campaign " + campaign + " from", e);
        }
    }
}
