package dev.reckon.sim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The registry of named policies: {@code fcfs}, {@code easy}, {@code conservative}, {@code priority} (Slurm-like
 * multifactor priority with EASY backfill). Each name makes a fresh {@link Policy} for one simulation.
 */
public final class Policies {
    private static final Map<String, BiFunction<Pool, SimDefaults, Policy>> ALL = new LinkedHashMap<>();

    static {
        ALL.put("fcfs", (p, d) -> new Fcfs(p));
        ALL.put("easy", (p, d) -> new EasyBackfill(p, d.backfillDepth(), null));
        ALL.put("conservative", (p, d) -> new ConservativeBackfill(p, d.backfillDepth()));
        ALL.put("priority", (p, d) -> new EasyBackfill(p, d.backfillDepth(), new Multifactor(p, d)));
    }

    private Policies() {}

    /** The policy names, in the order they are listed to users. */
    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    /** One line saying what each policy does, for help texts. */
    public static String describe(String name) {
        return switch (name) {
            case "fcfs" -> "first come, first served; the head blocks the queue";
            case "easy" -> "EASY backfill: the head gets a reservation, later jobs start if they do not delay it";
            case "conservative" -> "conservative backfill: every queued job gets a reservation, none is delayed";
            case "priority" -> "multifactor priority (age, size, fair-share with decay) with EASY backfill";
            default -> throw new IllegalArgumentException("no policy " + name);
        };
    }

    /** A fresh policy of this name over {@code pool}; an unknown name raises IllegalArgumentException. */
    static Policy create(String name, Pool pool, SimDefaults defaults) {
        BiFunction<Pool, SimDefaults, Policy> f = ALL.get(name);
        if (f == null) throw new IllegalArgumentException("no policy \"" + name + "\"; one of " + names());
        return f.apply(pool, defaults);
    }
}
