package dev.reckon.ledger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A campaign's state survives the process: items replace by number and read back in number order. */
class CampaignStateTest {
    @TempDir
    Path dir;

    @Test
    void itemsAreReplacedByNumberAndReadInOrderAfterReopening() {
        String db = dir.resolve("l.db").toString();
        try (Ledger l = Ledger.open(db)) {
            l.saveCampaignItem("asr", 2, "{\"n\":2}");
            l.saveCampaignItem("asr", 1, "{\"n\":1,\"v\":\"planned\"}");
            l.saveCampaignItem("asr", 1, "{\"n\":1,\"v\":\"done\"}");
            l.saveCampaignItem("other", 1, "{}");
        }
        try (Ledger l = Ledger.open(db)) {
            assertEquals(List.of("{\"n\":1,\"v\":\"done\"}", "{\"n\":2}"), l.campaignItems("asr"));
            assertEquals(List.of(), l.campaignItems("never"));
        }
    }
}
