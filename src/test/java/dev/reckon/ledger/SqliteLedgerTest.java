package dev.reckon.ledger;

import dev.reckon.model.Job;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ledger contract on an embedded SQLite file, plus what only a file-backed ledger has. */
class SqliteLedgerTest extends LedgerContract {

    @TempDir
    Path dir;
    private Path file;

    @BeforeEach
    void pickFile() {
        file = dir.resolve("nested/deeper/ledger.db");
    }

    @Override
    String location() {
        return file.toString();
    }

    @Override
    Connection raw() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file);
    }

    @Test
    void openingCreatesMissingDirectoriesAndTheFile() {
        try (Ledger l = Ledger.open(location())) {
            assertEquals(location(), l.location());
        }
        assertTrue(Files.isRegularFile(file));
    }

    @Test
    void aJdbcSqliteUrlOpensTheSameLedgerAsItsPath() {
        try (Ledger l = Ledger.open(location())) {
            l.ingest("a", emitting(List.of(job("c", "1", "COMPLETED", at(0), at(1)))), Map.of());
        }
        try (Ledger l = Ledger.open("jdbc:sqlite:" + file)) {
            assertEquals(List.of("1"), ids(l.jobs(JobQuery.all())));
        }
    }

    @Test
    void aPathUnderARegularFileGivesAClearOneLineError() throws IOException {
        Path blocker = dir.resolve("not-a-dir");
        Files.writeString(blocker, "x");
        LedgerException e = assertThrows(LedgerException.class,
                () -> Ledger.open(blocker.resolve("sub/ledger.db").toString()));
        assertTrue(e.getMessage().contains(blocker.toString()), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("not a directory"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void aDirectoryIsNotALedgerFile() {
        LedgerException e = assertThrows(LedgerException.class, () -> Ledger.open(dir.toString()));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    @Test
    void aFileThatIsNotADatabaseIsRefusedAndLeftAlone() throws IOException {
        Path text = dir.resolve("notes.txt");
        String content = "these are my notes, not a database\n".repeat(200);
        Files.writeString(text, content);
        LedgerException e = assertThrows(LedgerException.class, () -> Ledger.open(text.toString()));
        assertTrue(e.getMessage().contains("not a ledger"), e.getMessage());
        assertEquals(content, Files.readString(text));
    }

    @Test
    void aDatabaseWithOtherTablesIsRefused() throws SQLException {
        Path other = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other)) {
            c.createStatement().execute("CREATE TABLE invoices (id INTEGER)");
        }
        LedgerException e = assertThrows(LedgerException.class, () -> Ledger.open(other.toString()));
        assertTrue(e.getMessage().contains("no reckon ledger"), e.getMessage());
    }

    @Test
    void anInMemoryLedgerWorksForItsLifetime() {
        try (Ledger l = Ledger.open("jdbc:sqlite::memory:")) {
            Job j = job("c", "1", "COMPLETED", at(0), at(1));
            l.ingest("a", emitting(List.of(j)), Map.of());
            assertEquals(List.of(j), l.jobs(JobQuery.all()));
        }
    }

    @Test
    void theSchemaVersionThisBuildKnowsIsItsNewestMigration() throws IOException {
        for (String vendor : List.of("sqlite", "postgresql")) {
            Path migrations = Path.of("src/main/resources/db/migration", vendor);
            int newest;
            try (var files = Files.list(migrations)) {
                newest = files.map(f -> f.getFileName().toString())
                        .filter(n -> n.matches("V\\d+__.*\\.sql"))
                        .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
                        .max().orElseThrow();
            }
            assertEquals(Ledger.SCHEMA_VERSION, Integer.toString(newest), vendor);
        }
    }

    @Test
    void theIndexesOfTheJobsSurviveAFirstIngestAndAFailedOne() throws SQLException {
        try (Ledger l = Ledger.open(location())) {
            assertThrows(IllegalStateException.class, () -> l.ingest("bad", sink -> {
                sink.accept(job("c", "1", "COMPLETED", at(0), at(1)));
                throw new IllegalStateException("broken input");
            }, Map.of()));
            assertEquals(List.of("jobs_by_submit"), jobIndexes());
            l.ingest("good", emitting(List.of(job("c", "1", "COMPLETED", at(0), at(1)))), Map.of());
            assertEquals(List.of("jobs_by_submit"), jobIndexes());
        }
    }

    private List<String> jobIndexes() throws SQLException {
        try (Connection c = raw(); var rs = c.createStatement().executeQuery("SELECT name FROM sqlite_master "
                + "WHERE type = 'index' AND tbl_name = 'jobs' AND sql IS NOT NULL ORDER BY name")) {
            List<String> names = new java.util.ArrayList<>();
            while (rs.next()) names.add(rs.getString(1));
            return names;
        }
    }
}
