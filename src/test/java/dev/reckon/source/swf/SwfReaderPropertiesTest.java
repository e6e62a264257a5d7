package dev.reckon.source.swf;

import dev.reckon.model.Job;
import dev.reckon.core.InputError;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SwfReaderPropertiesTest {

    private static final String HEADER = "; UnixStartTime: 1027839845\n; MaxNodes: 120\n; MaxProcs: 240\n";

    @Provide
    Arbitrary<List<String>> validFields() {
        Arbitrary<String> unknownOrSmall = Arbitraries.oneOf(Arbitraries.just("-1"),
                Arbitraries.longs().between(0, 10_000_000).map(String::valueOf));
        Arbitrary<String> decimal = Arbitraries.oneOf(unknownOrSmall,
                Arbitraries.doubles().between(0, 1e6).ofScale(2).map(String::valueOf));
        Arbitrary<String> status = Arbitraries.of("-1", "0", "1", "2", "3", "4", "5");
        Arbitrary<String> procs = Arbitraries.oneOf(Arbitraries.just("-1"),
                Arbitraries.integers().between(0, 100_000).map(String::valueOf));
        Arbitrary<String> jobNo = Arbitraries.longs().between(0, 10_000_000).map(String::valueOf);
        return Combinators.combine(List.of(jobNo, decimal, decimal, decimal, procs, decimal, decimal, procs, decimal,
                decimal, status, unknownOrSmall, unknownOrSmall, unknownOrSmall, unknownOrSmall, unknownOrSmall,
                unknownOrSmall, decimal)).as(ArrayList::new);
    }

    @Property
    void validLinesAlwaysGiveAJob(@ForAll("validFields") List<String> fields) throws IOException {
        List<Job> jobs = read(String.join(" ", fields));
        assertEquals(1, jobs.size());
        assertEquals(fields.get(0), jobs.get(0).jobId());
    }

    @Provide
    Arbitrary<String> garbage() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMinLength(1).ofMaxLength(12).filter(s -> s.chars().allMatch(c -> c > ' ')),
                Arbitraries.strings().withChars("0123456789.eE+-").ofMinLength(1).ofMaxLength(30),
                Arbitraries.of("NaN", "Infinity", "-Infinity", "1e308", "-1e308", "1e-400", "9223372036854775808",
                        "-9223372036854775809", "99999999999999999999999", "2147483648", "0x7f", "{1,2}", "1_000"),
                Arbitraries.strings().numeric().ofMinLength(10).ofMaxLength(40));
    }

    @Property(tries = 2000)
    void corruptedLinesGiveAJobOrAnInputErrorNeverAnotherException(
            @ForAll("validFields") List<String> fields,
            @ForAll("garbage") String junk,
            @ForAll int where,
            @ForAll("corruption") int kind) {
        List<String> f = new ArrayList<>(fields);
        int i = Math.floorMod(where, f.size());
        String line;
        switch (kind) {
            case 0 -> line = String.join(" ", f.subList(0, i));               // drop trailing fields
            case 1 -> {                                                         // cut the text anywhere
                String whole = String.join(" ", f);
                line = whole.substring(0, Math.floorMod(where, whole.length() + 1));
            }
            case 2 -> {                                                         // one field becomes garbage
                f.set(i, junk);
                line = String.join(" ", f);
            }
            case 3 -> {                                                         // one more field
                f.add(i, junk);
                line = String.join(" ", f);
            }
            default -> {                                                        // garbage glued to a field
                f.set(i, f.get(i) + junk);
                line = String.join("\t", f);
            }
        }
        try {
            List<Job> jobs = read(line);
            assertTrue(jobs.size() <= 1);
        } catch (InputError e) {
            assertEquals(4, e.line(), e.getMessage());
            assertTrue(e.getMessage().startsWith("p.swf:4: "), e.getMessage());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Provide
    Arbitrary<Integer> corruption() {
        return Arbitraries.integers().between(0, 4);
    }

    private static List<Job> read(String line) throws IOException {
        List<Job> jobs = new ArrayList<>();
        new SwfReader(null).read(new StringReader(HEADER + line + "\n"), "p.swf", jobs::add);
        return jobs;
    }
}
