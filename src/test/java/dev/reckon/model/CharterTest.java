package dev.reckon.model;

import dev.reckon.model.Charter.Condition;
import dev.reckon.model.Charter.Match;
import dev.reckon.model.Charter.UserJobs;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class CharterTest {
    public static Job job(String user, String name, String account, String wckey, String comment) {
        return new Job("c", "1", null, name, user, account, "p", null, wckey, comment, "COMPLETED", "0:0", null, null,
                null, 60L, null, null, null, 1, 1, null, null, null, null, null, List.of());
    }

    private static final Match RULES = new Match(List.of("llm"), List.of("nlp"), List.of(new UserJobs("alice", "ft-*")));

    @Test
    void aCharterOfSomeClustersClaimsOnlyTheJobsThere() {
        Job onC = job("x", "j", "a", null, "charter=llm-ft"); // cluster "c"
        Job onD = new Job("d", "1", null, "j", "x", "a", "p", null, null, "charter=llm-ft", "COMPLETED", "0:0", null,
                null, null, 60L, null, null, null, 1, 1, null, null, null, null, null, List.of());
        Charter c = new Charter("llm-ft", "t", "p", "alice", null, null, null, null, null, null, null, null, null, null,
                null, List.of("d"));
        assertFalse(c.matches(onC));
        assertTrue(c.matches(onD));
        Charter every = new Charter("llm-ft", "t", "p", "alice", null, null, null, null, null, null, null, null, null,
                null, null);
        assertTrue(every.matches(onC) && every.matches(onD), "no clusters named: every cluster");
        assertEquals(List.of("d"), c.closed(Charter.Status.SUCCEEDED,
                new Charter.StatusChange(java.time.LocalDate.of(2026, 1, 1), Charter.Status.SUCCEEDED, null)).clusters(),
                "closing keeps the clusters");
    }

    @Test
    void aCommentNamingTheCharterMatchesAnywhereInTheComment() {
        assertTrue(Match.NONE.matches("llm-ft", job("x", "j", "a", null, "charter=llm-ft")));
        assertTrue(Match.NONE.matches("llm-ft", job("x", "j", "a", null, "foo,charter=llm-ft")));
        assertTrue(Match.NONE.matches("llm-ft", job("x", "j", "a", null, "run 3 charter=llm-ft;seed=1")));
    }

    @Test
    void aCommentNamingALongerIdOrAnotherWordDoesNotMatch() {
        assertFalse(Match.NONE.matches("llm-ft", job("x", "j", "a", null, "charter=llm-ft2")));
        assertFalse(Match.NONE.matches("llm-ft", job("x", "j", "a", null, "mycharter=llm-ft")));
        assertFalse(Match.NONE.matches("llm-ft", job("x", "j", "a", null, "charter=llm")));
        assertFalse(Match.NONE.matches("llm-ft", job("x", "j", "a", null, null)));
    }

    @Test
    void wckeyAccountAndUserWithNameGlobEachMatch() {
        assertTrue(RULES.matches("id", job("bob", "x", "other", "llm", null)));
        assertTrue(RULES.matches("id", job("bob", "x", "nlp", null, null)));
        assertTrue(RULES.matches("id", job("alice", "ft-7b", "other", null, null)));
        assertFalse(RULES.matches("id", job("alice", "eval-7b", "other", null, null)), "name does not match the glob");
        assertFalse(RULES.matches("id", job("bob", "ft-7b", "other", null, null)), "another user's job of that name");
        assertFalse(RULES.matches("id", job("bob", "x", "other", "llm2", null)));
    }

    @Test
    void globsTakeStarAndQuestionMark() {
        assertTrue(Charter.glob("ft-*", "ft-"));
        assertTrue(Charter.glob("ft-?b", "ft-7b"));
        assertFalse(Charter.glob("ft-?b", "ft-70b"));
        assertTrue(Charter.glob("*-eval-*", "llm-eval-3"));
        assertTrue(Charter.glob("*", ""));
        assertFalse(Charter.glob("a*b", "acbd"));
    }

    @Property
    void aGlobWithoutWildcardsMatchesOnlyItself(@ForAll @AlphaChars @StringLength(max = 8) String a,
                                                @ForAll @AlphaChars @StringLength(max = 8) String b) {
        assertEquals(a.equals(b), Charter.glob(a, b));
        assertTrue(Charter.glob("*" + a + "*", b + a + b));
    }

    @Test
    void conditionsParseIntoTheirPartsAndPrintBack() {
        Condition c = Condition.parse("loss > 2.5 after 50 gpu_hours");
        assertEquals("loss", c.metric());
        assertEquals(Condition.Op.GT, c.op());
        assertEquals(2.5, c.value());
        assertEquals(50.0, c.afterAmount());
        assertEquals(Condition.Unit.GPU_HOURS, c.afterUnit());
        assertEquals("loss > 2.5 after 50 gpu_hours", c.toString());
        assertEquals("val_accuracy >= 0.92", Condition.parse("val_accuracy>=0.92").toString());
        assertEquals("f1 < 0.3 after 10 days", Condition.parse(" f1 <  0.3 after 10 days ").toString());
        assertEquals("x != 0", Condition.parse("x != 0").toString());
        assertTrue(Condition.parse("acc >= 0.9").holds(0.95));
    }

    @Property
    void everyConditionReadsBackFromItsText(@ForAll("ops") String op, @ForAll double value, @ForAll boolean after) {
        if (!Double.isFinite(value)) return;
        String text = "m " + op + " " + value + (after ? " after 3 cpu_hours" : "");
        Condition c = Condition.parse(text);
        assertEquals(c, Condition.parse(c.toString()));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> ops() {
        return net.jqwik.api.Arbitraries.of("<", "<=", ">", ">=", "==", "!=");
    }

    @Test
    void badConditionTextSaysWhatIsWrong() {
        assertTrue(message("val_accuracy").contains("no comparison"));
        assertTrue(message("acc >= high").contains("\"high\" is not a number"));
        assertTrue(message("acc = 0.9").contains("did you mean \"==\""));
        assertTrue(message("loss > 2 after 5 weeks").contains("\"weeks\" is not a unit"));
        assertTrue(message("loss > 2 after 5").contains("needs a unit"));
        assertTrue(message("loss > 2 before 5 days").contains("expected \"after\""));
        assertTrue(message("9loss > 2").contains("not a metric name"));
        assertTrue(message("").contains("empty"));
    }

    private static String message(String text) {
        return assertThrows(IllegalArgumentException.class, () -> Condition.parse(text)).getMessage();
    }
}
