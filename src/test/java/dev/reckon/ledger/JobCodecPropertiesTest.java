package dev.reckon.ledger;

import dev.reckon.model.Step;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The steps text the ledger stores gives back exactly the steps it was made from, whatever they hold. */
class JobCodecPropertiesTest {

    @Property(tries = 300)
    void stepsSurviveTheirTextUnchanged(@ForAll("stepLists") List<Step> steps) {
        assertEquals(steps, JobCodec.decodeSteps(JobCodec.encodeSteps(steps), "c", "1"));
    }

    /** A real number (a step's CPU time here) is stored as Double.toString writes it: its text, and so its hash. */
    @Property(tries = 1000)
    void aRealNumberIsStoredAsDoubleToStringWritesIt(@ForAll("reals") double v) {
        Step s = new Step("0", null, null, null, null, null, null, null, null, null, v, null, null, null, null);
        String shown = Double.isNaN(v) || Double.isInfinite(v) ? "null" : Double.toString(v);
        assertEquals("[1,[\"0\",null,null,null,null,null,null,null,null,null," + shown + ",null,null,null,null]]",
                JobCodec.encodeSteps(List.of(s)));
    }

    /**
     * A text hashes as it did without its version element ({@code [1,X} as {@code [X}): what a ledger stored before
     * keeps its hash, whatever the text holds (wide characters included).
     */
    @Property(tries = 500)
    void aTextHashesAsItsVersionZeroFormDid(@ForAll("bodies") String doc, @ForAll("bodies") String steps,
                                            @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 12) int version) {
        long v0 = JobCodec.hash("[" + doc, "[" + steps);
        assertEquals(v0, JobCodec.hash("[" + version + "," + doc, "[" + version + "," + steps));
    }

    @Provide
    Arbitrary<String> bodies() {
        return Arbitraries.strings().all().ofMaxLength(40)
                .filter(b -> b.isEmpty() || b.charAt(0) < '0' || b.charAt(0) > '9');
    }

    @Provide
    Arbitrary<Double> reals() {
        return Arbitraries.oneOf(Arbitraries.doubles(),
                Arbitraries.longs().between(0, 20_000_000).map(Long::doubleValue),
                Arbitraries.longs().between(0, 20_000_000).map(n -> n / 1000.0),
                Arbitraries.of(0.0, -0.0, 1.0, 9_999_999.0, 1e7, 1e7 + 1, -1.0, 0.5, Double.MIN_VALUE, Double.NaN,
                        Double.POSITIVE_INFINITY, 1e300));
    }

    @Provide
    Arbitrary<List<Step>> stepLists() {
        Arbitrary<String> text = Arbitraries.strings().all().ofMaxLength(12).injectNull(0.2);
        Arbitrary<Instant> when = Arbitraries.longs().between(-2_000_000_000L, 4_000_000_000L)
                .map(Instant::ofEpochSecond).injectNull(0.2);
        Arbitrary<Long> big = Arbitraries.longs().injectNull(0.2);
        Arbitrary<Integer> small = Arbitraries.integers().injectNull(0.2);
        Arbitrary<Double> real = Arbitraries.doubles().injectNull(0.2);
        Arbitrary<Step> step = Combinators.combine(
                Combinators.combine(text, text, text, text, when, when, big, small).as(
                        (a, b, c, d, e, f, g, h) -> new Object[]{a, b, c, d, e, f, g, h}),
                Combinators.combine(small, small, real, big, big, big, text).as(
                        (i, j, k, l, m, n, o) -> new Object[]{i, j, k, l, m, n, o}))
                .as((x, y) -> new Step((String) x[0], (String) x[1], (String) x[2], (String) x[3], (Instant) x[4],
                        (Instant) x[5], (Long) x[6], (Integer) x[7], (Integer) y[0], (Integer) y[1], (Double) y[2],
                        (Long) y[3], (Long) y[4], (Long) y[5], (String) y[6]));
        return step.list().ofMaxSize(5);
    }
}
