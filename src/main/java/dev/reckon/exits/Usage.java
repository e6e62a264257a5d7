package dev.reckon.exits;

import dev.reckon.model.Hours;
import dev.reckon.model.Job;

import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

/**
 * What one charter's jobs consumed over time, from {@code from} (its window start; null: from the first job) up to
 * {@code at}: a piecewise-linear running total, so that "how much by then" and "when did it reach so much" are both
 * answered exactly. A job counts from its start until its end, or until {@code at} while it runs.
 */
final class Usage {
    private final Instant from;
    private final Instant at;
    private final List<Job> jobs;
    /** The moments the rate changes (starts and ends, clipped to [from, at]), and the running total at each. */
    private final Instant[] times;
    private final Hours[] totals;

    Usage(List<Job> jobs, Instant from, Instant at) {
        this.from = from;
        this.at = at;
        this.jobs = List.copyOf(jobs);
        TreeSet<Instant> ts = new TreeSet<>();
        for (Job j : jobs) {
            if (j.start() == null || j.start().isAfter(at)) continue;
            ts.add(clip(j.start()));
            if (j.end() != null) ts.add(clip(j.end()));
        }
        ts.add(at);
        if (from != null) ts.add(clip(from));
        times = ts.toArray(new Instant[0]);
        totals = new Hours[times.length];
        for (int i = 0; i < times.length; i++) totals[i] = used(times[i]);
    }

    private Instant clip(Instant t) {
        if (from != null && t.isBefore(from)) return from;
        return t.isAfter(at) ? at : t;
    }

    /** The first moment any job of it ran (from on), or null when none has. */
    Instant firstStart() {
        Instant first = null;
        for (Job j : jobs) {
            if (j.start() == null || j.start().isAfter(at)) continue;
            Instant s = from != null && j.start().isBefore(from) ? from : j.start();
            if (j.end() != null && from != null && !j.end().isAfter(from)) continue;
            if (first == null || s.isBefore(first)) first = s;
        }
        return first;
    }

    /** What was consumed from {@code from} until {@code t} (at most {@code at}). */
    Hours used(Instant t) {
        Instant until = t.isAfter(at) ? at : t;
        Hours sum = Hours.ZERO;
        for (Job j : jobs) sum = sum.plus(Hours.held(j, from, until));
        return sum;
    }

    /** What was consumed from {@code since} until {@code at}. */
    Hours since(Instant since) {
        return used(at).minus(used(since));
    }

    /** Whether any job of it holds its allocation at {@code at} (started, not ended). */
    boolean runningAt() {
        for (Job j : jobs) {
            if (j.start() != null && !j.start().isAfter(at) && (j.end() == null || j.end().isAfter(at))
                    && Hours.perHour(j).any()) return true;
        }
        return false;
    }

    /** The first moment at or before {@code at} by which {@code amount} of the resource was consumed; null when never. */
    Instant reached(Hours.Resource r, double amount) {
        if (amount <= 0) return times.length == 0 ? null : firstStart() == null ? times[0] : firstStart();
        for (int i = 0; i < times.length; i++) {
            double v = totals[i].of(r);
            if (v + 1e-9 < amount) continue;
            if (i == 0) return times[0];
            double before = totals[i - 1].of(r);
            long span = times[i].toEpochMilli() - times[i - 1].toEpochMilli();
            double f = v - before <= 0 ? 1 : (amount - before) / (v - before);
            return Instant.ofEpochMilli(times[i - 1].toEpochMilli() + Math.round(span * Math.min(1, Math.max(0, f))));
        }
        return null;
    }
}
