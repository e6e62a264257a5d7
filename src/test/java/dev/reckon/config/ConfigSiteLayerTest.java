package dev.reckon.config;

import dev.reckon.core.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The site layer: /etc/reckon/config.yaml below the user's file, its charters read by every user. */
class ConfigSiteLayerTest {
    @TempDir
    Path dir;

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.resolve("home").toString());
        env.put("RECKON_SITE_DIR", dir.resolve("site").toString());
        return env;
    }

    @Test
    void withoutASiteTheUsersDirectoryHoldsTheActiveCharters() {
        Config c = Config.load(env());
        assertFalse(c.site().present());
        assertEquals(dir.resolve("home/.config/reckon/charters"), c.charters());
        assertEquals(c.charters(), c.drafts());
    }

    @Test
    void aSiteGivesEveryUserItsChartersAndLedgerWhileTheUsersDirectoryHoldsDrafts() throws Exception {
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/config.yaml"), "ledger: /var/lib/reckon/ledger.db\ntimezone: Europe/Stockholm\n"
                + "proposals: spool/proposals\nmetric_spool: /var/spool/x\n");
        Config c = Config.load(env());
        assertTrue(c.site().present());
        assertEquals(dir.resolve("site/charters"), c.charters());
        assertEquals(dir.resolve("home/.config/reckon/charters"), c.drafts());
        assertEquals("/var/lib/reckon/ledger.db", c.ledger());
        assertEquals("Europe/Stockholm", c.zone().getId());
        assertEquals(dir.resolve("site/spool/proposals"), c.site().proposals());
        assertEquals(Path.of("/var/spool/x"), c.site().metricSpool());
        assertEquals(dir.resolve("site/templates"), c.site().templates());

        // the user's file overrides the site's ledger, not its charters
        Files.createDirectories(dir.resolve("home/.config/reckon"));
        Files.writeString(dir.resolve("home/.config/reckon/config.yaml"), "ledger: /tmp/mine.db\ncharters: mine\n");
        Config u = Config.load(env());
        assertEquals("/tmp/mine.db", u.ledger());
        assertEquals(dir.resolve("site/charters"), u.charters());
        assertEquals(dir.resolve("home/.config/reckon/mine"), u.drafts());

        // RECKON_CHARTERS (or --charters) chooses another directory, drafts and all
        Map<String, String> e = env();
        e.put("RECKON_CHARTERS", dir.resolve("elsewhere").toString());
        Config x = Config.load(e);
        assertEquals(dir.resolve("elsewhere"), x.charters());
        assertEquals(x.charters(), x.drafts());
        assertEquals(dir.resolve("other"), c.withCharters(dir.resolve("other")).drafts());
    }

    @Test
    void aSiteCharterDirectoryAloneIsASite() throws Exception {
        Files.createDirectories(dir.resolve("site/charters"));
        Config c = Config.load(env());
        assertTrue(c.site().present());
        assertEquals(dir.resolve("site/charters"), c.charters());
    }

    @Test
    void anUnknownSiteSettingNamesTheSiteFileAndTheKnownOnes() throws Exception {
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/config.yaml"), "ledger: /x.db\nmetrics_spool: /y\n");
        InputError e = assertThrows(InputError.class, () -> Config.load(env()));
        assertTrue(e.getMessage().startsWith(dir.resolve("site/config.yaml") + ":2:"), e.getMessage());
        assertTrue(e.getMessage().contains("metric_spool"), e.getMessage());
    }
}
