package dev.reckon.core;

import dev.reckon.model.Tres;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Round trips: what Slurm prints for a value reads back as that value; anything else fails only as IAE. */
class SlurmSyntaxPropertiesTest {

    /** sacct's _elapsed_time: D-HH:MM:SS, HH:MM:SS, MM:SS.mmm (below an hour, with millis), 00:MM:SS. */
    static String sacctElapsed(long secs, int millis) {
        long d = secs / 86400, h = secs / 3600 % 24, m = secs / 60 % 60, s = secs % 60;
        if (d > 0) return String.format("%d-%02d:%02d:%02d", d, h, m, s);
        if (h > 0) return String.format("%02d:%02d:%02d", h, m, s);
        if (millis > 0) return String.format("%02d:%02d.%03d", m, s, millis);
        return String.format("00:%02d:%02d", m, s);
    }

    @Property
    void durationsRoundTrip(@ForAll @LongRange(min = 0, max = 100_000_000_000L) long secs,
                            @ForAll @IntRange(min = 0, max = 999) int millis) {
        String text = sacctElapsed(secs, millis);
        boolean keepsMillis = secs < 3600 && millis > 0;
        double exact = secs + (keepsMillis ? millis / 1000.0 : 0);
        assertEquals(exact, SlurmSyntax.durationSecondsExact(text), 1e-6, text);
        assertEquals(keepsMillis && millis >= 500 ? secs + 1 : secs, SlurmSyntax.durationSeconds(text), text);
    }

    /** The fixed forms read at their places (HH:MM:SS, D-HH:MM:SS, DD-HH:MM:SS, MM:SS.mmm), any digits in them. */
    @Property
    void theFixedFormsSacctPrintsReadAsTheirFiguresWhateverTheirDigits(
            @ForAll @IntRange(min = 0, max = 99) int d, @ForAll @IntRange(min = 0, max = 99) int h,
            @ForAll @IntRange(min = 0, max = 99) int m, @ForAll @IntRange(min = 0, max = 99) int s,
            @ForAll @IntRange(min = 0, max = 999) int ms) {
        long hms = h * 3600L + m * 60L + s;
        assertEquals(hms, SlurmSyntax.durationSeconds(String.format("%02d:%02d:%02d", h, m, s)));
        assertEquals(d % 10 * 86400L + hms, SlurmSyntax.durationSeconds(String.format("%d-%02d:%02d:%02d", d % 10, h, m, s)));
        assertEquals(d * 86400L + hms, SlurmSyntax.durationSeconds(String.format("%02d-%02d:%02d:%02d", d, h, m, s)));
        String mmss = String.format("%02d:%02d.%03d", m, s, ms);
        assertEquals(m * 60L + s + ms / 1000.0, SlurmSyntax.durationSecondsExact(mmss), 1e-9, mmss);
    }

    /** A fixed form with anything but a digit in one of its digits' places is read the general way: refused. */
    @Property
    void aFixedFormWithAnotherCharacterWhereADigitBelongsIsRefused(
            @ForAll("fixedForms") String form, @ForAll @IntRange(min = 0, max = 10) int place,
            @ForAll("notDigits") char other) {
        int[] digits = form.chars().map(c -> c).toArray();
        int seen = -1, at = -1;
        for (int k = 0; k < digits.length && at < 0; k++) if (Character.isDigit(digits[k]) && ++seen == place % 6) at = k;
        String text = form.substring(0, at) + other + form.substring(at + 1);
        assertThrows(IllegalArgumentException.class, () -> SlurmSyntax.durationSecondsExact(text), text);
    }

    @Provide
    Arbitrary<String> fixedForms() {
        return Arbitraries.of("12:34:56", "1-23:45:06", "12-34:56:07", "12:34.567");
    }

    @Provide
    Arbitrary<Character> notDigits() {
        return Arbitraries.of('a', ' ', ':', '-', '.', '/', '+', '\u00e9', '\u0663', 'Z');
    }

    @Property
    void sizesRoundTrip(@ForAll @LongRange(min = 0, max = 1L << 40) long n, @ForAll("units") char unit) {
        int shift = "BKMGTP".indexOf(unit) * 10;
        if (n > (Long.MAX_VALUE >> shift)) return;
        String text = unit == 'B' ? Long.toString(n) : n + String.valueOf(unit);
        assertEquals(n << shift, SlurmSyntax.sizeBytes(text, 'B'), text);
    }

    @Property
    void fractionalSizesRoundToTheNearestByte(@ForAll @IntRange(min = 0, max = 1_000_000) int hundredths,
                                              @ForAll("units") char unit) {
        if (unit == 'B') return;
        int shift = "BKMGTP".indexOf(unit) * 10;
        String text = String.format("%d.%02d%c", hundredths / 100, hundredths % 100, unit);
        double exact = hundredths / 100.0 * Math.pow(2, shift);
        if (exact >= 0x1p63) {
            assertThrows(IllegalArgumentException.class, () -> SlurmSyntax.sizeBytes(text, 'B'), text);
            return;
        }
        assertEquals(Math.round(exact), SlurmSyntax.sizeBytes(text, 'B'), 1.0, text);
    }

    @Provide
    Arbitrary<Character> units() {
        return Arbitraries.of('B', 'K', 'M', 'G', 'T', 'P');
    }

    @Property
    void tresRoundTrips(@ForAll @IntRange(min = 0, max = 100000) int cpu, @ForAll @IntRange(min = 0, max = 1 << 20) int memMiB,
                        @ForAll @IntRange(min = 0, max = 64) int gpus, @ForAll boolean typed,
                        @ForAll boolean untyped, @ForAll @IntRange(min = 1, max = 5000) int nodes) {
        StringBuilder b = new StringBuilder("billing=").append(cpu).append(",cpu=").append(cpu);
        if (untyped) b.append(",gres/gpu=").append(gpus);
        if (typed) b.append(",gres/gpu:a100=").append(gpus).append(",gres/gpumem=").append(memMiB);
        b.append(",mem=").append(memMiB).append("M,node=").append(nodes);
        Tres t = SlurmSyntax.tres(b.toString(), false);
        assertEquals(cpu, t.cpu());
        assertEquals((long) memMiB << 20, t.memBytes());
        assertEquals(nodes, t.nodes());
        assertEquals(typed || untyped ? Integer.valueOf(gpus) : null, t.gpus());
        assertEquals(SlurmSyntax.tresGpus(b.toString()), t.gpus());
    }

    @Property
    void timesRoundTrip(@ForAll @LongRange(min = 0, max = 253402300799L) long epoch) {
        String text = LocalDateTime.ofEpochSecond(epoch, 0, ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        if (text.length() != 19) return; // ISO prints no seconds when they are zero? (it always does; guard anyway)
        assertEquals(Instant.ofEpochSecond(epoch), SlurmSyntax.time(text, ZoneOffset.UTC));
        assertEquals(Instant.ofEpochSecond(epoch), SlurmSyntax.time(Long.toString(epoch), ZoneOffset.UTC));
    }

    @Property
    void anyTextEitherParsesOrIsRefusedWithIllegalArgument(@ForAll("slurmish") String s) {
        check(() -> SlurmSyntax.durationSeconds(s));
        check(() -> SlurmSyntax.durationSecondsExact(s));
        check(() -> SlurmSyntax.sizeBytes(s, 'M'));
        check(() -> SlurmSyntax.reqMem(s));
        check(() -> SlurmSyntax.tres(s, true));
        check(() -> SlurmSyntax.tres(s, false));
        check(() -> SlurmSyntax.time(s, ZoneOffset.UTC));
        check(() -> SlurmSyntax.exitCode(s));
        check(() -> SlurmSyntax.count(s));
    }

    @Provide
    Arbitrary<String> slurmish() {
        return Arbitraries.strings().withChars("0123456789:-.,=/+_[]%KMGTPEnc TxgpuemZ\u00e9").ofMaxLength(30);
    }

    private static void check(Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && e.getMessage().startsWith("\""), e.getMessage());
        }
    }
}
