package dev.reckon.cli;

import dev.reckon.ledger.Ledger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Reading commands open the ledger read-only: they serve from a read-only file in a read-only directory, and a
 * mistyped {@code --ledger} is an error naming the path that creates nothing. Only writing commands create a ledger.
 */
class ReadOnlyLedgerTest {
    @TempDir
    Path dir;

    private Path locked;

    @AfterEach
    void unlock() throws Exception {
        if (locked == null) return;
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        try (Stream<Path> s = Files.list(locked)) {
            for (Path p : s.toList()) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        }
    }

    private static Path fixture(String name) throws Exception {
        return Path.of(ReadOnlyLedgerTest.class.getResource("/sacct/" + name).toURI());
    }

    @Test
    void readingCommandsWorkOnAReadOnlyLedgerInAReadOnlyDirectory() throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        Path ledger = store.resolve("ledger.db");
        Cli cli = new Cli(dir);
        cli.env.put("RECKON_LEDGER", ledger.toString());
        assertEquals(0, cli.run("ingest", "sacct", fixture("slurm-22.05-parsable2.txt").toString()).exit());
        String before = cli.run("jobs").out();

        Files.setPosixFilePermissions(ledger, PosixFilePermissions.fromString("r--r--r--"));
        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("r-xr-xr-x"));
        locked = store;
        byte[] bytes = Files.readAllBytes(ledger);

        Cli.Result jobs = cli.run("jobs");
        assertEquals(0, jobs.exit(), jobs.toString());
        assertEquals(before, jobs.out());
        for (String[] args : new String[][] {{"review", "--since", "2020-01-01"}, {"owners", "--since", "2020-01-01"},
                {"audit"}, {"exits"}, {"rightsize", "--since", "2020-01-01"}}) {
            Cli.Result r = cli.run(args);
            assertEquals(0, r.exit(), String.join(" ", args) + ": " + r);
        }
        try (Stream<Path> s = Files.list(store)) {
            assertEquals(1, s.count(), "nothing written beside the read-only ledger");
        }
        assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(ledger)), "the ledger file is unchanged");
        // root writes through file permissions: the refusal below needs an ordinary user
        assumeTrue(!Files.isWritable(ledger), "running as root: permissions are not enforced");

        Cli.Result ingest = cli.run("ingest", "sacct", fixture("slurm-22.05-parsable2.txt").toString());
        assertEquals(74, ingest.exit(), ingest.toString());
        assertTrue(ingest.err().contains(ledger.toString()), ingest.err());
    }

    @Test
    void aMistypedLedgerForAReadingCommandNamesThePathAndCreatesNothing() {
        Path nope = dir.resolve("nope").resolve("ledgr.db");
        for (String[] args : new String[][] {{"jobs"}, {"job", "1"}, {"review"}, {"audit"}, {"metrics", "x"},
                {"exits"}, {"owners"}}) {
            Cli cli = new Cli(dir);
            String[] full = Stream.concat(Stream.of("--ledger", nope.toString()), Stream.of(args)).toArray(String[]::new);
            Cli.Result r = cli.run(full);
            assertEquals(74, r.exit(), String.join(" ", args) + ": " + r);
            assertTrue(r.err().contains(nope.toString()), r.err());
            assertTrue(r.err().contains("no ledger"), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(Files.exists(nope), "created " + nope);
            assertFalse(Files.exists(nope.getParent()), "created " + nope.getParent());
        }
    }

    @Test
    void aDryRunReclaimWritesNothing() throws Exception {
        Path ledger = dir.resolve("ledger.db");
        Cli cli = new Cli(dir);
        assertEquals(0, cli.run("ingest", "sacct", fixture("slurm-22.05-parsable2.txt").toString()).exit());
        Files.setPosixFilePermissions(ledger, PosixFilePermissions.fromString("r--r--r--"));
        byte[] bytes = Files.readAllBytes(ledger);
        try {
            Cli.Result r = cli.run("reclaim");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(ledger)), "the ledger file is unchanged");
        } finally {
            Files.setPosixFilePermissions(ledger, PosixFilePermissions.fromString("rw-------"));
        }
    }

    @Test
    void aReadOnlyLedgerRefusesWritesEvenToRoot() throws Exception {
        Path ledger = dir.resolve("ledger.db");
        Ledger.open(ledger.toString()).close();
        byte[] bytes = Files.readAllBytes(ledger);
        try (Ledger l = Ledger.openReadOnly(ledger.toString())) {
            assertEquals(0, l.jobs(dev.reckon.ledger.JobQuery.all()).size());
            var e = org.junit.jupiter.api.Assertions.assertThrows(dev.reckon.ledger.LedgerException.class,
                    () -> l.audit(new dev.reckon.model.AuditEntry(java.time.Instant.EPOCH, "t", "notify", "c", "1",
                            null, true, "x")));
            assertTrue(e.getMessage().contains("readonly") || e.getMessage().contains("read-only")
                    || e.getMessage().contains("READONLY"), e.getMessage());
        }
        assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(ledger)), "the ledger file is unchanged");
    }

    @Test
    void aLedgerOlderThanThisBuildAsksForAnIngest() throws Exception {
        Path ledger = dir.resolve("old.db");
        Ledger.open(ledger.toString()).close();
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + ledger);
             var st = c.createStatement()) {
            st.execute("DELETE FROM flyway_schema_history WHERE version = (SELECT max(version) FROM flyway_schema_history)");
        }
        Cli cli = new Cli(dir);
        cli.env.put("RECKON_LEDGER", ledger.toString());
        Cli.Result r = cli.run("jobs");
        assertEquals(74, r.exit(), r.toString());
        assertTrue(r.err().contains("run reckon ingest to upgrade the ledger"), r.err());
    }

    @Test
    void anUnreachablePostgresExitsSixtyNineQuickly() {
        Cli cli = new Cli(dir);
        long t0 = System.nanoTime();
        Cli.Result r = cli.run("--ledger", "jdbc:postgresql://127.0.0.1:1/x?user=u&password=secret", "jobs");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(69, r.exit(), r.toString());
        assertTrue(r.err().contains("127.0.0.1:1"), r.err());
        assertFalse(r.err().contains("secret"), r.err());
        assertTrue(ms < 15_000, "took " + ms + " ms");
        Cli.Result ingest = cli.run("--ledger", "jdbc:postgresql://127.0.0.1:1/x", "ingest", "sacct", "/dev/null");
        assertEquals(69, ingest.exit(), ingest.toString());
    }
}
