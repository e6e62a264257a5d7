package dev.reckon.act;

import dev.reckon.model.Charter;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CharterQosTest {
    private static Charter charter(List<String> members, List<String> accounts, Charter.Budget budget) {
        return new Charter("LLM-ft", "LLM fine-tune", "Fine-tune it.", "alice", members, accounts, null, budget,
                new Charter.Window(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-12-31T00:00:00Z")),
                List.of(Charter.Condition.parse("acc >= 0.9")), List.of(Charter.Condition.parse("loss > 2")), null,
                Charter.Status.ACTIVE, List.of());
    }

    @Test
    void theBudgetBecomesTresMinutesRoundedUp() {
        assertEquals("cpu=60,gres/gpu=6", CharterQos.limits(new Charter.Budget(0.1, 1, null)));
        assertEquals("cpu=1,gres/gpu=0,mem=61440", CharterQos.limits(new Charter.Budget(0, 0.01, 1.0)));
    }

    @Test
    void aNewQosIsCreatedLimitedAndTiedToThePeoplesAssociationsInTheCharterAccounts() {
        Charter c = charter(List.of("bob"), List.of("research"), new Charter.Budget(10, 100, null));
        CharterQos.Plan p = CharterQos.plan(c, "reckon", new CharterQos.Current(null, Map.of(
                "alice|research", "normal", "alice|ops", "normal", "bob|research", "normal,llm-ft", "carol|research", "normal")));
        assertEquals("llm-ft", p.qos());
        assertEquals(List.of("sacctmgr", "-i", "add", "qos", "llm-ft"), p.commands().get(0));
        assertTrue(p.commands().get(1).containsAll(List.of("GrpTRESMins=cpu=6000,gres/gpu=600", "Flags=NoDecay")));
        assertEquals(List.of(List.of("sacctmgr", "-i", "modify", "user", "where", "name=alice", "account=research",
                "cluster=reckon", "set", "qos+=llm-ft")), p.commands().subList(2, p.commands().size()),
                "alice in research only; bob already has it; carol is not the charter's");
    }

    @Test
    void aQosReckonDidNotMakeIsLeftAlone() {
        Charter c = charter(List.of(), List.of(), new Charter.Budget(1, 1, null));
        assertThrows(CharterQos.Refused.class, () -> CharterQos.plan(c, "reckon",
                new CharterQos.Current("site QOS for llm", Map.of("alice|research", "normal"))));
    }

    @Test
    void nobodyToTieItToIsRefused() {
        Charter c = charter(List.of(), List.of("ops"), new Charter.Budget(1, 1, null));
        CharterQos.Refused r = assertThrows(CharterQos.Refused.class, () -> CharterQos.plan(c, "reckon",
                new CharterQos.Current(null, Map.of("alice|research", "normal"))));
        assertTrue(r.getMessage().contains("alice has no Slurm association in ops"), r.getMessage());
    }
}
