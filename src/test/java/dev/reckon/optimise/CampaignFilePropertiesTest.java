package dev.reckon.optimise;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Random valid campaigns written by {@link CampaignFile#write} read back equal. */
class CampaignFilePropertiesTest {

    @Property(tries = 300)
    void randomValidCampaignsRoundTrip(@ForAll("campaigns") Campaign c) {
        String text = CampaignFile.write(c);
        CampaignFile.Result r = CampaignFile.parse("c.yaml", text);
        assertTrue(r.ok(), () -> r.errors() + "\n" + text);
        assertEquals(c, r.campaign(), text);
    }

    @Provide
    Arbitrary<Campaign> campaigns() {
        Arbitrary<String> name = Arbitraries.strings().withCharRange('a', 'z').withChars("0123456789_.-").ofMinLength(1)
                .ofMaxLength(12).filter(s -> CampaignFile.NAME.matcher(s).matches());
        Arbitrary<Integer> version = Arbitraries.integers().between(1, 1000);
        Arbitrary<List<StageSeed>> seeds = stageSeeds().list().ofMinSize(1).ofMaxSize(6);
        return Combinators.combine(name, name, version, seeds).as((n, ch, v, ss) -> {
            List<Stage> stages = new ArrayList<>();
            for (int i = 0; i < ss.size(); i++) {
                StageSeed s = ss.get(i);
                String stageName = "s" + i + "_" + s.suffix;
                List<String> after = new ArrayList<>();
                for (int j = 0; j < i; j++) if ((s.afterMask >> j & 1) == 1) after.add(stages.get(j).name());
                stages.add(s.stage(stageName, after));
            }
            return new Campaign(n, v, ch, stages);
        });
    }

    /** What a stage is made of, before its name and dependencies (earlier stages only, so no cycle). */
    record StageSeed(String suffix, int work, String command, String match, Shape start, Map<Factor, Stage.Range> bounds,
                     int afterMask) {
        Stage stage(String name, List<String> after) {
            Set<Lane> lanes = EnumSet.noneOf(Lane.class);
            Stage.Range g = bounds.get(Factor.GPUS);
            if (g == null ? start.gpus() == 0 : g.min() == 0) lanes.add(Lane.CPU);
            if (g == null ? start.gpus() >= 1 : g.max() >= 1) lanes.add(Lane.GPU);
            return new Stage(name, work, command, start, bounds, lanes, after, match == null ? name + "*" : match);
        }
    }

    Arbitrary<StageSeed> stageSeeds() {
        Arbitrary<String> suffix = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6);
        Arbitrary<Integer> work = Arbitraries.integers().between(1, 1_000_000);
        Arbitrary<String> command = Arbitraries.oneOf(Arbitraries.just(null), commands());
        Arbitrary<String> match = Arbitraries.oneOf(Arbitraries.just(null),
                Arbitraries.strings().withChars("abc_*?-.0").ofMinLength(1).ofMaxLength(8));
        Arbitrary<Shape> start = Combinators.combine(Arbitraries.integers().between(1, 256),
                Arbitraries.longs().between(1, 1L << 42), Arbitraries.integers().between(0, 8),
                Arbitraries.longs().between(1, 30L * 86_400),
                Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.of("gpu", "cpu", "long", "a100-80g", "yes", "1")),
                Arbitraries.integers().between(1, 100), Arbitraries.integers().between(1, 1000)).as(Shape::new);
        Arbitrary<Long> mask = Arbitraries.longs().between(0, 63);
        Arbitrary<Long> widen = Arbitraries.longs().between(0, 1L << 40);
        return Combinators.combine(suffix, work, command, match, start, mask.list().ofSize(6), widen.list().ofSize(12),
                        Arbitraries.integers().between(0, 63))
                .as((sx, w, cmd, m, st, factorsMask, widths, afterMask) -> {
                    Map<Factor, Stage.Range> bounds = new EnumMap<>(Factor.class);
                    Factor[] fs = Factor.values();
                    long chosen = factorsMask.get(0);
                    for (int k = 0; k < fs.length; k++) {
                        if ((chosen >> k & 1) == 0) continue;
                        long v = CampaignFile.get(st, fs[k]);
                        long lowest = fs[k] == Factor.GPUS ? 0 : 1;
                        long highest = switch (fs[k]) {
                            case CPUS -> 100_000;
                            case GPUS -> 4096;
                            case TIME -> 365L * 86_400;
                            case MEM -> Long.MAX_VALUE / 2;
                            default -> Integer.MAX_VALUE;
                        };
                        long lo = Math.max(lowest, v - widths.get(2 * k) % (v + 1));
                        long hi = Math.min(highest, v + widths.get(2 * k + 1) % (highest - v + 1));
                        bounds.put(fs[k], new Stage.Range(lo, hi));
                    }
                    return new StageSeed(sx, w, cmd, m, st, bounds, afterMask);
                });
    }

    Arbitrary<String> commands() {
        Arbitrary<String> word = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(10),
                Arbitraries.strings().withChars("éü→\t\"\\'#:{}$ ").ofMaxLength(5),
                Arbitraries.of(Commands.PLACEHOLDERS).map(p -> "{" + p + "}"));
        return word.list().ofMinSize(1).ofMaxSize(6).map(ws -> String.join("", ws).strip())
                .filter(s -> !s.isEmpty() && Commands.unknown(s).isEmpty());
    }
}
