package dev.reckon.source.sacct;

import dev.reckon.model.Job;
import dev.reckon.core.InputError;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whatever the input, the reader yields jobs or one located InputError, never another exception. */
class SacctReaderPropertiesTest {

    private static final List<String> FIXTURE = fixtureLines();

    private static List<String> fixtureLines() {
        try (InputStream in = SacctReaderPropertiesTest.class.getResourceAsStream("/sacct/slurm-22.05-parsable2.txt")) {
            return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void readOrLocatedError(String text) {
        List<Job> jobs = new ArrayList<>();
        try {
            new SacctReader(new SacctOptions("|", null, ZoneId.of("UTC"), null))
                    .read(new StringReader(text), "f.txt", jobs::add);
        } catch (InputError e) {
            assertTrue(e.line() >= 1, e.getMessage());
            assertTrue(e.getMessage().startsWith("f.txt:" + e.line() + ": "), e.getMessage());
            assertTrue(!e.problem().isEmpty());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        for (Job j : jobs) {
            if (j.peakMemBytes() != null) assertTrue(j.peakMemBytes() >= 0, j.jobId());
            if (j.allocMemBytes() != null) assertTrue(j.allocMemBytes() >= 0, j.jobId());
        }
    }

    @Property
    void mutatedFixtureLinesGiveJobsOrALocatedError(@ForAll("mutations") List<Mutation> mutations) {
        List<String> lines = new ArrayList<>(FIXTURE);
        for (Mutation m : mutations) m.apply(lines);
        readOrLocatedError(String.join("\n", lines) + "\n");
    }

    @Property
    void garbageAfterAHeaderGivesJobsOrALocatedError(@ForAll("garbage") String body) {
        readOrLocatedError(FIXTURE.get(0) + "\n" + body);
    }

    @Property
    void garbageAloneGivesJobsOrALocatedError(@ForAll("garbage") String body) {
        readOrLocatedError(body);
    }

    @Property
    void unknownStatesAreKeptAsTheirFirstWord(@ForAll("words") String word) {
        List<Job> jobs = new ArrayList<>();
        try {
            new SacctReader(SacctOptions.defaults()).read(new StringReader("JobID|State\n1|" + word + " by 5\n"),
                    "s", jobs::add);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertEquals(word.toUpperCase(java.util.Locale.ROOT), jobs.get(0).state());
    }

    @Provide
    Arbitrary<String> words() {
        return Arbitraries.strings().withCharRange('a', 'z').withChars('_').ofMinLength(1).ofMaxLength(12);
    }

    @Provide
    Arbitrary<String> garbage() {
        return Arbitraries.strings().withChars("0123456789|.:-_+[]%,=/ KMGTnc\nabcT\u00e9\uFEFF").ofMaxLength(400);
    }

    /** One change to the fixture: overwrite a field, drop or add a field, truncate a line, or swap lines. */
    record Mutation(int kind, int line, int field, String value) {
        void apply(List<String> lines) {
            int i = 1 + Math.floorMod(line, lines.size() - 1);
            String l = lines.get(i);
            String[] f = l.split("\\|", -1);
            int k = Math.floorMod(field, f.length);
            switch (kind) {
                case 0 -> {
                    f[k] = value;
                    lines.set(i, String.join("|", f));
                }
                case 1 -> lines.set(i, l.substring(0, Math.floorMod(field, l.length() + 1)));
                case 2 -> lines.set(i, l + "|" + value);
                case 3 -> {
                    int j = 1 + Math.floorMod(field, lines.size() - 1);
                    lines.set(i, lines.get(j));
                    lines.set(j, l);
                }
                default -> lines.add(i, value);
            }
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.of("99999999999999999999G", "8E", "-1", "", "UNLIMITED", "Unknown", "2023-02-30T00:00:00",
                        "1-2x:00", "cpu=4,mem=", "gres/gpu=99999999999", "CANCELLED+", "NOT_A_STATE", "x.y",
                        "123_[1-3", "123.", "0:0", "None", "4Gn", "2Gc", "mem=NONE", "\u00e9"),
                Arbitraries.strings().withChars("0123456789:.-GKMnc=,/").ofMaxLength(25));
        Arbitrary<Mutation> m = Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers(),
                Arbitraries.integers(), values).as(Mutation::new);
        return m.list().ofMinSize(1).ofMaxSize(4);
    }
}
