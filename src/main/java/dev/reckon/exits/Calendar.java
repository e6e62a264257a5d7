package dev.reckon.exits;

import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The plan of stops: the upcoming moments at which active charters are due to stop or be looked at again — their
 * window ends, the projected exhaustion of their budgets, their review dates — in date order.
 */
public final class Calendar {
    private Calendar() {}

    /** What kind of stop. */
    public enum Kind {
        WINDOW_END, PROJECTED_EXHAUSTION, REVIEW_DUE;

        @JsonValue
        public String word() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * One planned stop.
     *
     * @param summary one line saying what happens, e.g. {@code llm-ft: window ends}
     */
    public record Stop(Instant at, String charter, String owner, Kind kind, String summary) {}

    /**
     * The stops of the active charters evaluated, from {@code from} on (inclusive), in date order (then charter, then
     * kind). A projected exhaustion after the window's end is left out: the window ends first.
     */
    public static List<Stop> stops(List<Exits.Evaluation> evaluations, Instant from) {
        List<Stop> out = new ArrayList<>();
        for (Exits.Evaluation e : evaluations) {
            if (!"active".equals(e.status())) continue;
            add(out, from, new Stop(e.windowEnd(), e.charter(), e.owner(), Kind.WINDOW_END,
                    e.charter() + ": window ends (" + e.owner() + ")"));
            if (e.projectedExhaustion() != null && "stable".equals(e.projection())
                    && e.projectedExhaustion().isBefore(e.windowEnd()))
                add(out, from, new Stop(e.projectedExhaustion(), e.charter(), e.owner(), Kind.PROJECTED_EXHAUSTION,
                        e.charter() + ": " + e.exhaustedResource() + " budget runs out at the current burn rate ("
                                + e.owner() + ")"));
            if (e.reviewDue() != null)
                add(out, from, new Stop(e.reviewDue(), e.charter(), e.owner(), Kind.REVIEW_DUE,
                        e.charter() + ": review due (" + e.owner() + ")"));
        }
        out.sort(Comparator.comparing(Stop::at).thenComparing(Stop::charter).thenComparing(Stop::kind));
        return out;
    }

    private static void add(List<Stop> out, Instant from, Stop s) {
        if (s.at() != null && !s.at().isBefore(from)) out.add(s);
    }
}
