package dev.reckon.report;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Numbers read as what they are: a small value is never shown as 0.0, nothing is ever -0.0, and a chart's axis
 * never repeats a tick (issue 12: a 0.01 budget shown as 0.0, ticks 0.02, 0.01, 0.01, 0).
 */
class FormatPropertiesTest {

    @Property(tries = 2000)
    void aNumberIsNeverMinusZeroAndStaysCloseToItsValue(@ForAll @DoubleRange(min = -1e9, max = 1e9) double v) {
        String s = Format.number(v);
        assertFalse(s.matches("-0(\\.0*)?"), v + " -> " + s);
        double shown = Double.parseDouble(s.replace(",", ""));
        double a = Math.abs(v);
        double tolerance = a >= 99.95 ? 0.5 : a >= 0.995 ? 0.05 : a * 0.05 + 1e-300;
        assertTrue(Math.abs(shown - v) <= tolerance + 1e-12, v + " -> " + s);
    }

    @Property(tries = 1000)
    void aSmallValueIsNotShownAsZero(@ForAll @DoubleRange(min = 1, max = 9.99) double mantissa,
                                     @ForAll @IntRange(min = 1, max = 12) int exponent, @ForAll boolean negative) {
        double v = mantissa * Math.pow(10, -exponent) * (negative ? -1 : 1);
        String s = Format.number(v);
        assertEquals(v / Math.abs(v), Math.signum(Double.parseDouble(s)), v + " -> " + s);
        assertTrue(Math.abs(Double.parseDouble(s) - v) <= Math.abs(v) * 0.05, v + " -> " + s);
        v = Math.abs(v);
        s = Format.number(v);
        assertTrue(Double.parseDouble(s) > 0, v + " -> " + s);
        assertTrue(Double.parseDouble(Format.percent(v / 100).replace("%", "")) > 0, v + "% -> " + Format.percent(v / 100));
    }

    @Property(tries = 1000)
    void ticksIncreaseFromZeroCoverTheMaximumAndReadDistinct(@ForAll @DoubleRange(min = 1, max = 9.99) double mantissa,
                                                            @ForAll @IntRange(min = -9, max = 12) int exponent,
                                                            @ForAll @IntRange(min = 1, max = 10) int count) {
        double max = mantissa * Math.pow(10, exponent);
        Format.Ticks t = Format.ticks(max, count);
        double[] v = t.values();
        assertEquals(0.0, v[0]);
        assertTrue(t.max() >= max * (1 - 1e-9), max + " -> " + t.max());
        assertTrue(v.length >= 2 && v.length <= 4 * count + 2, max + "/" + count + " -> " + v.length + " ticks");
        Set<String> labels = new HashSet<>();
        for (int i = 0; i < v.length; i++) {
            if (i > 0) assertTrue(v[i] > v[i - 1], "strictly increasing: " + java.util.Arrays.toString(v));
            assertTrue(labels.add(t.labels()[i]), "distinct labels: " + List.of(t.labels()));
            assertFalse(t.labels()[i].startsWith("-"), t.labels()[i]);
            assertEquals(v[i], Double.parseDouble(t.labels()[i].replace(",", "")), Math.abs(v[i]) * 1e-9,
                    "a label says its value: " + List.of(t.labels()));
        }
    }

    @Example
    void aHundredthIsAHundredthAndTicksAreNice() {
        assertEquals("0.01", Format.number(0.01));
        assertEquals("0.0", Format.number(-0.0));
        assertEquals("0.0", Format.number(-0.04 * 0));
        assertEquals("-0.02", Format.number(-0.02));
        assertEquals("0.0012", Format.number(0.00123));
        assertEquals("45.2", Format.number(45.2));
        assertEquals("1,235", Format.number(1234.6));
        assertEquals("0.0%", Format.percent(-0.0));
        assertEquals("0.05%", Format.percent(0.0005));
        assertEquals("45.2%", Format.percent(0.452));
        assertEquals(List.of("0", "0.005", "0.01", "0.015", "0.02"), List.of(Format.ticks(0.02, 4).labels()));
        assertEquals(List.of("0", "500", "1,000", "1,500"), List.of(Format.ticks(1400, 3).labels()));
        assertEquals(List.of("0", "0.25", "0.5", "0.75", "1"), List.of(Format.ticks(1, 4).labels()));
    }

    @Example
    void aMakespanReadsAsADuration() {
        assertEquals("45 s", Format.roughly(45));
        assertEquals("3.5 h", Format.roughly(3.5 * 3600));
        assertEquals("61.1 days", Format.roughly(5_282_045));
    }
}
