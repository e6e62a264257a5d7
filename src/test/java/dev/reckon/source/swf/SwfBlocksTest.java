package dev.reckon.source.swf;

import dev.reckon.core.InputError;
import dev.reckon.model.Job;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A large trace read on every core gives exactly what reading it one line after another gives. */
class SwfBlocksTest {

    /** What a reading gave: the jobs in order, the error if any, the header after it. */
    private record Reading(List<Job> jobs, String error, SwfHeader header, long counted) {}

    private static Reading sequential(Path file) throws IOException {
        SwfReader r = new SwfReader(null);
        List<Job> jobs = new ArrayList<>();
        String error = null;
        try (Reader in = SwfReader.open(file)) {
            r.read(in, file.toString(), jobs::add);
        } catch (InputError e) {
            error = e.getMessage();
        }
        return new Reading(jobs, error, r.header(), r.jobsRead());
    }

    private static Reading inBlocks(Path file, int first, int block) throws IOException {
        SwfReader r = new SwfReader(null);
        List<Job> jobs = new ArrayList<>();
        String error = null;
        try {
            new SwfBlocks(r, file, first, block).read(jobs::add);
        } catch (InputError e) {
            error = e.getMessage();
        }
        return new Reading(jobs, error, r.header(), r.jobsRead());
    }

    private static void assertSame(Reading expected, Reading actual) {
        assertEquals(expected.error(), actual.error());
        assertEquals(expected.jobs().size(), actual.jobs().size());
        assertEquals(expected.jobs(), actual.jobs());
        assertEquals(expected.header(), actual.header());
        assertEquals(expected.counted(), actual.counted());
    }

    @Provide
    Arbitrary<String> line() {
        Arbitrary<String> plain = Arbitraries.integers().between(1, 99999).map(i ->
                i + " " + (i * 7 % 5000) + " " + (i % 300) + " " + (i % 900 + 1) + " " + (i % 64 + 1)
                        + " -1 -1 " + (i % 64 + 1) + " 3600 -1 1 " + (i % 17) + " " + (i % 5) + " -1 " + (i % 3)
                        + " -1 -1 -1");
        Arbitrary<String> extended = Arbitraries.integers().between(1, 99999).map(i ->
                i + " " + (1_400_000_000L + i * 13L) + " 5 60 2 1 1024 2 600 1000000 1 " + (i % 9) + " 1 -1 -1 -1 -1 -1"
                        + " {n" + (i % 4) + ",n" + (i % 4) + ",n" + (i % 7) + "} q\u00e9ue" + (i % 3) + " 1:ppn=2");
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(40, plain),
                net.jqwik.api.Tuple.of(10, extended),
                net.jqwik.api.Tuple.of(3, Arbitraries.of("", "   ", "\t")),
                net.jqwik.api.Tuple.of(2, Arbitraries.of("; a comment", "; MaxNodes: 64", "; UnixStartTime: 1000",
                        ";   continued note")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("1 2 3", "7 x 1 1 1 -1 -1 1 1 -1 1 1 1 -1 1 -1 -1 -1",
                        "9 1 1 1 1.5 -1 -1 1 1 -1 1 1 1 -1 1 -1 -1 -1")),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(300, 3000).map(k ->
                        "5 1 1 1 1 -1 -1 1 1 -1 1 1 1 -1 1 -1 -1 -1 {" + "n1,".repeat(k) + "n2} long")));
    }

    @Property(tries = 300)
    void blocksGiveTheJobsAndTheErrorOfOneLineAfterAnother(
            @ForAll @Size(min = 0, max = 120) List<@net.jqwik.api.From("line") String> lines,
            @ForAll @Size(min = 120, max = 120) List<@net.jqwik.api.From("ends") String> ends,
            @ForAll boolean header, @ForAll boolean finalEnd,
            @ForAll @IntRange(min = 16, max = 400) int block) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (header) b.writeBytes("; UnixStartTime: 1027839845\n; MaxNodes: 120\n; MaxProcs: 240\n".getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < lines.size(); i++) {
            b.writeBytes(lines.get(i).getBytes(StandardCharsets.ISO_8859_1));
            if (i < lines.size() - 1 || finalEnd) b.writeBytes(ends.get(i).getBytes(StandardCharsets.ISO_8859_1));
        }
        Path file = Files.createTempFile("blocks", ".swf");
        try {
            Files.write(file, b.toByteArray());
            assertSame(sequential(file), inBlocks(file, block / 2 + 1, block));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Provide
    Arbitrary<String> ends() {
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, Arbitraries.just("\n")),
                net.jqwik.api.Tuple.of(2, Arbitraries.just("\r\n")), net.jqwik.api.Tuple.of(1, Arbitraries.just("\r")));
    }

    @Test
    void aBadLineFarIntoALargeTraceIsReportedWithItsLineAsOneLineAfterAnotherReportsIt() throws IOException {
        StringBuilder t = new StringBuilder("; MaxNodes: 10\n; MaxProcs: 20\n");
        for (int i = 1; i <= 40_000; i++) {
            t.append(i == 31_234 ? "31234 1 1 1 1 -1 -1 1 1 -1 1 1 1 -1 1 -1 -1 zz" : i + " " + i + " 1 60 2 -1 -1 2 600 -1 1 3 1 -1 1 -1 -1 -1").append('\n');
        }
        Path file = Files.createTempFile("blocks", ".swf");
        try {
            Files.writeString(file, t, StandardCharsets.ISO_8859_1);
            assertTrue(SwfBlocks.worthIt(file) || Files.size(file) < SwfBlocks.MIN_SIZE);
            Reading one = sequential(file);
            Reading blocks = inBlocks(file, 1 << 10, 1 << 14);
            assertSame(one, blocks);
            assertTrue(blocks.error().contains(":31236:"), blocks.error());
            assertEquals(31_233, blocks.jobs().size());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
