package dev.reckon.charter;

import dev.reckon.model.CharterTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartersTest {
    @TempDir
    Path dir;

    static String charter(String id, String owner) {
        return CharterFileTest.VALID.replace("id: llm-ft", "id: " + id).replace("owner: alice", "owner: " + owner)
                .replace("wckeys: [llm-ft]", "wckeys: [" + id + "]").replace("accounts: [nlp-ft]", "accounts: [" + id + "-acct]");
    }

    @Test
    void everyBadFileIsReportedAndTheGoodOnesAreKept() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), charter("a", "alice"));
        Files.writeString(dir.resolve("b.yaml"), charter("b", "[alice, bob]"));
        Files.writeString(dir.resolve("c.yml"), charter("c", "carol").replace("budget:", "budgte:"));
        Files.writeString(dir.resolve("notes.txt"), "not a charter");
        Charters cs = Charters.load(dir, ZoneOffset.UTC);
        assertEquals(List.of("a"), cs.all().stream().map(c -> c.id()).toList());
        assertEquals(3, cs.files().size());
        assertEquals(2, cs.badFiles());
        assertTrue(cs.errors().stream().anyMatch(e -> e.file().endsWith("b.yaml") && "owner".equals(e.field())));
        assertTrue(cs.errors().stream().anyMatch(e -> e.file().endsWith("c.yml") && "budgte".equals(e.field())));
    }

    @Test
    void aRosterRefusesOwnersNotOnIt() throws IOException {
        Files.writeString(dir.resolve("roster.txt"), "# who may own charters\nalice  Alice A.\nbob\n");
        Files.writeString(dir.resolve("a.yaml"), charter("a", "alice"));
        Files.writeString(dir.resolve("m.yaml"), charter("m", "mallory"));
        Charters cs = Charters.load(dir, ZoneOffset.UTC);
        assertEquals(List.of("a"), cs.all().stream().map(c -> c.id()).toList());
        assertEquals(1, cs.errors().size());
        assertEquals("owner", cs.errors().get(0).field());
        assertEquals(5, cs.errors().get(0).line());
        assertTrue(cs.errors().get(0).problem().contains("not on the roster"), cs.errors().get(0).getMessage());
    }

    @Test
    void aYamlRosterIsAListOfNames() throws IOException {
        Files.writeString(dir.resolve("roster.yaml"), "- alice\n- bob\n");
        Files.writeString(dir.resolve("b.yaml"), charter("b", "bob"));
        Charters cs = Charters.load(dir, ZoneOffset.UTC);
        assertTrue(cs.errors().isEmpty(), cs.errors().toString());
        assertTrue(cs.roster().orElseThrow().contains("alice"));
    }

    @Test
    void withoutARosterAnyOwnerWill() throws IOException {
        Files.writeString(dir.resolve("m.yaml"), charter("m", "mallory"));
        assertTrue(Charters.load(dir, ZoneOffset.UTC).errors().isEmpty());
    }

    @Test
    void aMissingDirectoryHoldsNoCharters() {
        Charters cs = Charters.load(dir.resolve("none"), ZoneOffset.UTC);
        assertTrue(cs.all().isEmpty() && cs.errors().isEmpty());
    }

    @Test
    void jobsAreMatchedToTheirCharters() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), charter("a", "alice"));
        Files.writeString(dir.resolve("b.yaml"), charter("b", "bob"));
        Charters cs = Charters.load(dir, ZoneOffset.UTC);
        assertEquals(List.of("b"), cs.matching(CharterTest.job("zed", "x", "other", null, "seed=1,charter=b")).stream().map(c -> c.id()).toList());
        assertEquals(List.of("a"), cs.matching(CharterTest.job("zed", "x", "a-acct", null, null)).stream().map(c -> c.id()).toList());
        assertTrue(cs.matching(CharterTest.job("zed", "x", "other", null, null)).isEmpty());
    }
}
