package dev.reckon.app;

import dev.reckon.core.InputError;
import dev.reckon.optimise.Campaign;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimisingTest {
    @TempDir
    Path home;

    @Test
    void loadReadsACampaignAndNotesAMissingCharter() throws IOException {
        Doors d = new Doors(home);
        Optimising o = new Optimising(d.context());
        Outcome<Campaign> c = o.load(Path.of("examples/optimise/asr-pipeline.campaign.yaml"));
        assertEquals(5, c.value().stages().size());
        assertEquals(1, c.notes().size());
        assertTrue(c.notes().get(0).startsWith("no valid charter asr-2026 in "), c.notes().toString());
    }

    @Test
    void loadThrowsTheFirstProblemAndCountsTheOthers() throws IOException {
        Path f = Files.writeString(home.resolve("bad.yaml"), "name: a\nverison: 1\nstages: []\n");
        Optimising o = new Optimising(new Doors(home).context());
        InputError e = assertThrows(InputError.class, () -> o.load(f));
        assertEquals(f + ":1: field charter: missing: name the charter the campaign charges; its budget limits the "
                + "campaign (and 2 more problems in the file)", e.getMessage());
        assertEquals(3, o.check(f).size());
    }

    @Test
    void createWritesNothingWhenAnythingIsWrongAndNamesTheDefaultFile() throws IOException {
        Optimising o = new Optimising(new Doors(home).context());
        Optimising.Created c = o.create(new Optimising.NewCampaign("asr", "asr-2026", List.of("prep:400:4:16G:1:2h"),
                Map.of("eval", "x"), null));
        assertFalse(c.written());
        assertEquals(Path.of("asr.campaign.yaml"), c.file());
        assertEquals("stages.eval.command", c.problems().get(0).field());
        assertFalse(Files.exists(c.file()));
    }
}
