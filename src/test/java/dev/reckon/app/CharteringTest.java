package dev.reckon.app;

import dev.reckon.charter.Charters;
import dev.reckon.cli.Cli;
import dev.reckon.model.Charter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CharteringTest {
    @TempDir
    Path dir;

    @Test
    void whenEveryCharterFileIsInvalidTheOutcomeSaysHowManyAndThatNoneIs() throws IOException {
        Doors d = new Doors(dir);
        Path cs = d.charters();
        Files.writeString(cs.resolve("a.yaml"), "id: a\n");
        Files.writeString(cs.resolve("b.yaml"), "id: b\nowner: [x\n");
        Files.writeString(cs.resolve("c.yml"), "purpose: nothing else\n");
        Outcome<Charters> o = Chartering.load(d.context());
        assertTrue(o.value().all().isEmpty());
        assertFalse(o.problems().isEmpty());
        assertEquals(List.of("3 charter files in " + cs + ", none valid: run reckon charter check"), o.notes());

        Cli.Result list = d.run(65, "charter", "list");
        assertTrue(list.err().contains("reckon: 3 charter files in " + cs + ", none valid: run reckon charter check"),
                list.err());
        assertFalse(list.err().contains("no valid charters"), list.err());
    }

    @Test
    void anEmptyOrMissingDirectoryHasNoNoteAndAValidOneNeither() throws IOException {
        Doors d = new Doors(dir);
        assertEquals(List.of(), Chartering.load(d.context()).notes());
        assertTrue(d.run(0, "charter", "list").err().contains("no valid charters in"));
        d.charter("vision");
        Files.writeString(d.charters().resolve("bad.yaml"), "id: bad\n");
        Outcome<Charters> o = Chartering.load(d.context());
        assertEquals(List.of(), o.notes());
        assertEquals(1, o.value().all().size());
    }

    @Test
    void listAndShowAreTheSameThroughBothDoors() throws IOException {
        Doors d = new Doors(dir);
        d.charter("vision");
        d.charter("speech");
        Chartering c = new Chartering(d.context());
        assertEquals(Doors.tree(d.run(0, "charter", "list", "--json").out()), Doors.asJson(c.list().value()));
        Chartering.Shown s = c.show("vision");
        assertTrue(s.found());
        assertEquals(Doors.tree(d.run(0, "charter", "show", "vision", "--json").out()), Doors.asJson(s));
        assertFalse(c.show("nope").found());
        assertTrue(c.show("nope").problems().isEmpty());
    }

    @Test
    void theRosterRefusedChartersAreReviewableButNotValid() throws IOException {
        Doors d = new Doors(dir);
        d.charter("vision", "alice");
        d.charter("rogue", "mallory");
        Files.writeString(d.charters().resolve("roster.txt"), "alice\n");
        Chartering c = new Chartering(d.context());
        Charters cs = c.load().value();
        assertEquals(List.of("vision"), cs.all().stream().map(Charter::id).toList());
        assertEquals(List.of("vision", "rogue"), c.reviewable(cs).stream().map(Charter::id).toList());
        assertEquals(c.reviewable(cs), Chartering.reviewable(cs, d.context().zone()));
    }

    @Test
    void aNewCharterIsWrittenOnceAndRefusedWithItsFieldsWhenIncomplete() throws IOException {
        Doors d = new Doors(dir);
        Chartering c = new Chartering(d.context());
        Chartering.NewCharter n = new Chartering.NewCharter("llm-ft", null, "Fine-tune the model on our tickets.",
                "alice", List.of(), List.of(), List.of(), List.of(), List.of(), "500", "4000", null, null, "2030-06-30",
                List.of("val_accuracy >= 0.92"), List.of("loss > 2.5 after 50 gpu_hours"), null);
        Chartering.Created w = c.create(n);
        assertTrue(w.written(), w.toString());
        assertEquals(d.charters().resolve("llm-ft.yaml"), w.file());
        assertTrue(Files.readString(w.file()).contains("start: 2026-11-10"));
        d.run(0, "charter", "check");
        Chartering.Created again = c.create(n);
        assertFalse(again.written());
        assertEquals("id", again.problems().get(0).field());
        Chartering.Created incomplete = c.create(new Chartering.NewCharter("x", null, null, "alice", null, null, null,
                null, null, null, null, null, null, null, null, null, null));
        assertTrue(incomplete.problems().stream().anyMatch(p -> "purpose".equals(p.field())), incomplete.toString());
        assertFalse(Files.exists(d.charters().resolve("x.yaml")));
    }

    @Test
    void applyingACharterThatIsNotThereCarriesTheDirectorysProblems() throws IOException {
        Doors d = new Doors(dir);
        Files.writeString(d.charters().resolve("a.yaml"), "id: a\n");
        Outcome<Chartering.Applied> o = new Chartering(d.context()).apply(new Chartering.ApplyRequest("a", true));
        assertNull(o.value().charter());
        assertFalse(o.problems().isEmpty());
        assertTrue(o.notes().get(0).contains("none valid"));
        Cli.Result r = d.run(1, "charter", "apply", "a", "--dry-run");
        assertTrue(r.err().contains("reckon: no valid charter a in "), r.err());
    }
}
