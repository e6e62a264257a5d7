package dev.reckon.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever bytes a user feeds {@code reckon ingest}, the command either stores the jobs (exit 0) or prints one line
 * naming file, line and field and exits 65 — never a stack trace — and a refused file leaves the ledger as it was.
 */
class BadInputEndToEndTest {
    private static Path dir;
    private static byte[] sacct;
    private static byte[] swf;

    @BeforeContainer
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("reckon-badinput-");
        try (InputStream in = BadInputEndToEndTest.class.getResourceAsStream("/sacct/slurm-22.05-parsable2.txt")) {
            sacct = in.readAllBytes();
        }
        swf = ("; UnixStartTime: 1000000000\n; MaxProcs: 64\n"
                + "1 0 10 100 4 90 2048 4 200 4096 1 3 1 -1 1 -1 -1 -1\n"
                + "2 5 20 50 2 -1 -1 2 100 -1 0 4 1 -1 1 -1 -1 -1\n"
                + "3 9 -1 -1 8 -1 -1 8 3600 -1 5 4 1 -1 2 -1 -1 -1\n").getBytes();
    }

    @AfterContainer
    static void tearDown() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** One damage done to a file's bytes. */
    record Damage(int kind, double where, int value) {
        byte[] apply(byte[] in) {
            int at = (int) (where * in.length);
            return switch (kind) {
                case 0 -> java.util.Arrays.copyOf(in, at); // truncated anywhere, even mid-character
                case 1 -> set(in, at, (byte) value); // any byte, including invalid UTF-8
                case 2 -> insert(in, at, "|".getBytes()); // a field too many
                case 3 -> insert(in, at, "99999999999999999999999".getBytes()); // a huge number
                case 4 -> insert(in, at, "\n".getBytes()); // a line cut in two
                case 5 -> remove(in, at, 1 + value % 40); // bytes lost
                default -> new byte[0]; // an empty file
            };
        }

        private static byte[] set(byte[] in, int at, byte b) {
            byte[] out = in.clone();
            if (at < out.length) out[at] = b;
            return out;
        }

        private static byte[] insert(byte[] in, int at, byte[] what) {
            byte[] out = new byte[in.length + what.length];
            System.arraycopy(in, 0, out, 0, at);
            System.arraycopy(what, 0, out, at, what.length);
            System.arraycopy(in, at, out, at + what.length, in.length - at);
            return out;
        }

        private static byte[] remove(byte[] in, int at, int n) {
            int end = Math.min(in.length, at + n);
            byte[] out = new byte[in.length - (end - at)];
            System.arraycopy(in, 0, out, 0, at);
            System.arraycopy(in, end, out, at, in.length - end);
            return out;
        }
    }

    @Provide
    Arbitrary<List<Damage>> damages() {
        Arbitrary<Damage> one = Combinators.combine(Arbitraries.integers().between(0, 6),
                Arbitraries.doubles().between(0, 0.999).ofScale(4), Arbitraries.integers().between(0, 255)).as(Damage::new);
        return one.list().ofMinSize(1).ofMaxSize(4);
    }

    private static long jobCount(Cli cli) throws IOException {
        Cli.Result r = cli.run("jobs", "--json");
        assertEquals(0, r.exit(), r.toString());
        return new ObjectMapper().readTree(r.out()).size();
    }

    private static void ingestOrCleanRefusal(String format, byte[] original, List<Damage> damages) throws IOException {
        byte[] bytes = original;
        for (Damage d : damages) bytes = d.apply(bytes);
        Path file = Files.createTempFile(dir, "input-", "." + format);
        Files.write(file, bytes);
        Cli cli = new Cli(dir);
        cli.env.put("RECKON_LEDGER", dir.resolve(format + "-ledger.db").toString());
        cli.withEmptyLedger();
        long before = jobCount(cli);
        Cli.Result r = cli.run("ingest", format, file.toString());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "a stack trace: " + r);
        if (r.exit() == 0) {
            assertTrue(jobCount(cli) >= before, r.toString());
        } else {
            assertEquals(65, r.exit(), r.toString());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r);
            assertTrue(r.err().startsWith("reckon: " + file + ":"), "names the file and line: " + r);
            assertEquals(before, jobCount(cli), "a refused file stores nothing");
        }
    }

    @Property(tries = 40)
    void damagedSacctOutputIsStoredOrCleanlyRefused(@ForAll("damages") List<Damage> damages) throws IOException {
        ingestOrCleanRefusal("sacct", sacct, damages);
    }

    @Property(tries = 40)
    void damagedSwfTracesAreStoredOrCleanlyRefused(@ForAll("damages") List<Damage> damages) throws IOException {
        ingestOrCleanRefusal("swf", swf, damages);
    }
}
