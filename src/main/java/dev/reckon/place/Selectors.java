package dev.reckon.place;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/** The named selectors, as {@code --select} and the studies know them. Ties fall to the providers file's order. */
public final class Selectors {
    private static final Map<String, Selector> ALL = new LinkedHashMap<>();

    static {
        add("soonest", "the earliest predicted start (ties: the cheaper)",
                (offers, r) -> best(offers, Comparator.comparing(Offer::start).thenComparingDouble(Offer::cost)));
        add("cheapest", "the lowest cost (ties: the sooner start)",
                (offers, r) -> best(offers, Comparator.comparingDouble(Offer::cost).thenComparing(Offer::start)));
        add("first-ready", "the first provider that can start it now, in the file's order; else the soonest",
                (offers, r) -> offers.stream().filter(o -> o.readiness() == Readiness.READY).findFirst()
                        .or(() -> best(offers, Comparator.comparing(Offer::start))));
        add("least-queue", "the least work queued ahead (CPU-seconds; ties: the sooner start)",
                (offers, r) -> best(offers, Comparator.comparingDouble(Offer::queueDepth)
                        .thenComparing(Offer::start)));
        add("cheapest-by-deadline", "the cheapest that ends by the deadline (--deadline); else the earliest end",
                Selectors::cheapestByDeadline);
    }

    private Selectors() {}

    /** Every selector, in the order {@code --help} lists them. */
    public static List<Selector> all() {
        return List.copyOf(ALL.values());
    }

    /** The selector of that name, or empty. */
    public static Optional<Selector> named(String name) {
        return Optional.ofNullable(ALL.get(name));
    }

    /** The names, comma-separated, for messages. */
    public static String names() {
        return String.join(", ", ALL.keySet());
    }

    private static Optional<Offer> cheapestByDeadline(List<Offer> offers, Request r) {
        Instant deadline = r.deadline();
        if (deadline != null) {
            Optional<Offer> inTime = best(offers.stream().filter(o -> o.readiness().willRun()
                            && !o.end().isAfter(deadline)).toList(),
                    Comparator.comparingDouble(Offer::cost).thenComparing(Offer::end));
            if (inTime.isPresent()) {
                return inTime;
            }
        }
        return best(offers, Comparator.comparing(Offer::end).thenComparingDouble(Offer::cost));
    }

    /** The least offer that will run the job; the first of equals (file order), since min keeps the first. */
    private static Optional<Offer> best(List<Offer> offers, Comparator<Offer> order) {
        Offer chosen = null;
        for (Offer o : offers) {
            if (o.readiness().willRun() && (chosen == null || order.compare(o, chosen) < 0)) {
                chosen = o;
            }
        }
        return Optional.ofNullable(chosen);
    }

    private static void add(String name, String description, BiFunction<List<Offer>, Request, Optional<Offer>> rule) {
        ALL.put(name, new Selector() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public Optional<Offer> choose(List<Offer> offers, Request request) {
                return rule.apply(offers, request);
            }

            @Override
            public String toString() {
                return name;
            }
        });
    }
}
