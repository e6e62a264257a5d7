package dev.reckon.place.study;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The providers of one study, in the order selectors see them (the "file order" ties fall to).
 *
 * <p>Fleets are named: {@code archetypes} (one of each archetype at its nominal size), a list of archetypes with
 * counts ({@code centre+lab*4+cloud*2}, each copy drawn around the nominal size), or {@code random:N} (N providers drawn
 * from the archetypes: a fifth centres, half labs, three tenths cloud pools). Drawing uses the fleet's seed.
 *
 * <ul>
 * <li>{@code centre}: a large HPC centre, 256 nodes x 48 cores, no GPUs, 48 h maximum, 85% background load, free;</li>
 * <li>{@code lab}: a small lab cluster, 12 nodes x 32 cores with 4 GPUs each, 7 days maximum, 60% background, free;</li>
 * <li>{@code cloud}: a cloud pool capped at 16 instances x 64 cores with 8 GPUs each, 0.04 per core-hour and 2.50
 *     per GPU-hour, 180 s start-up, no maximum, no background.</li>
 * </ul>
 *
 * @param name      as the study names it
 * @param providers the providers
 */
public record Fleet(String name, List<Provider> providers) {
    /** The archetypes' names. */
    public static final List<String> ARCHETYPES = List.of("centre", "lab", "cloud");

    public Fleet {
        providers = List.copyOf(providers);
        if (providers.isEmpty()) throw new IllegalArgumentException("a fleet needs at least one provider");
    }

    /**
     * The fleet a name describes, drawn with {@code seed}.
     *
     * @throws IllegalArgumentException naming what is wrong with the name
     */
    public static Fleet parse(String spec, long seed) {
        String s = spec.strip();
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
        List<Provider> out = new ArrayList<>();
        if (s.equals("archetypes")) {
            for (String a : ARCHETYPES) out.add(nominal(a, a + "-1"));
            return new Fleet(s, out);
        }
        if (s.startsWith("random:")) {
            int n = count(s.substring("random:".length()), s);
            for (int i = 0; i < n; i++) {
                double u = rnd.nextDouble();
                String a = u < 0.2 ? "centre" : u < 0.7 ? "lab" : "cloud";
                out.add(drawn(a, String.format(Locale.ROOT, "%s-%03d", a, i + 1), rnd));
            }
            return new Fleet(s, out);
        }
        int i = 0;
        for (String part : s.split("\\+")) {
            String[] ac = part.strip().split("\\*", 2);
            String a = ac[0].strip();
            if (!ARCHETYPES.contains(a)) {
                throw new IllegalArgumentException("fleet " + spec + ": no archetype \"" + a + "\"; one of "
                        + String.join(", ", ARCHETYPES) + " (or archetypes, or random:N)");
            }
            int k = ac.length == 2 ? count(ac[1], spec) : 1;
            for (int c = 0; c < k; c++) {
                i++;
                String name = String.format(Locale.ROOT, "%s-%03d", a, i);
                out.add(k == 1 && c == 0 ? nominal(a, name) : drawn(a, name, rnd));
            }
        }
        return new Fleet(s, out);
    }

    private static int count(String text, String spec) {
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 1 && n <= 100_000) return n;
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("fleet " + spec + ": a count from 1 to 100000, not \"" + text + "\"");
    }

    /** An archetype at its nominal size. */
    static Provider nominal(String archetype, String name) {
        return switch (archetype) {
            case "centre" -> new Provider(name, "slurm", archetype, 256, 48, 0, 48 * 3600, 0, 0, 0, 0.85);
            case "lab" -> new Provider(name, "slurm", archetype, 12, 32, 4, 7 * 86_400, 0, 0, 0, 0.60);
            case "cloud" -> new Provider(name, "cloud", archetype, 16, 64, 8, 0, 0.04, 2.50, 180, 0);
            default -> throw new IllegalArgumentException("no archetype " + archetype);
        };
    }

    /** An archetype drawn around its nominal size, load and price. */
    static Provider drawn(String archetype, String name, SplittableRandom rnd) {
        Provider p = nominal(archetype, name);
        double scale = switch (archetype) {
            case "centre" -> 0.25 + 0.75 * rnd.nextDouble();
            case "lab" -> 0.5 + rnd.nextDouble();
            default -> 0.25 + 0.75 * rnd.nextDouble();
        };
        int nodes = Math.max(1, (int) Math.round(p.nodes() * scale));
        double load = p.kind().equals("cloud") ? 0 : 0.4 + 0.55 * rnd.nextDouble();
        double price = p.coreHourPrice() * (0.6 + 0.8 * rnd.nextDouble());
        double gpuPrice = p.gpuHourPrice() * (0.6 + 0.8 * rnd.nextDouble());
        long startup = p.kind().equals("cloud") ? 60 + rnd.nextLong(541) : 0;
        return new Provider(name, p.kind(), archetype, nodes, p.coresPerNode(), p.gpusPerNode(), p.maxTimeS(), price,
                gpuPrice, startup, load);
    }

    /** Total cores of the fleet. */
    public long cores() {
        long c = 0;
        for (Provider p : providers) c += p.cores();
        return c;
    }
}
