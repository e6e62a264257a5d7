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
