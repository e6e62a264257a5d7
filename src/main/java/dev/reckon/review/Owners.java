package dev.reckon.review;

import dev.reckon.model.Charter;
import dev.reckon.model.Job;
import dev.reckon.model.JobState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Attention: what each owner holds and how much babysitting their jobs cost. An analysis: it reads no file and has no
 * clock of its own ({@code now} is given).
 *
 * <p>For every charter owner: the active charters they hold (flagged when more than the limit), and the babysitting
 * load of the window's jobs their charters claim. A job is claimed by the first charter, in the order given, that
 * {@linkplain Charter#matches matches} it, one active when the job ran (its time, or {@code now} while it runs or
 * pends: the status {@link Review#statusAt} reads from the charter's history) before any other. Jobs no charter claims have no owner; their
 * load is reported per user as <em>unowned</em>.
 *
 * <p>Each job of the window counts in at most one of these kinds of trouble, first match wins:
 * <ul>
 *   <li><b>memory-killed</b>: state {@code OUT_OF_MEMORY}, or {@code FAILED} with exit code {@code 0:9} (killed by
 *       SIGKILL, what the kernel's OOM killer sends inside a cgroup) or {@code 0:125} (what Slurm records for a step the
 *       cgroup OOM handling ended on some versions);</li>
 *   <li><b>timed out</b>: {@code TIMEOUT} or {@code DEADLINE};</li>
 *   <li><b>failed</b>: any other {@linkplain JobState#isFailure failure}: {@code FAILED}, {@code NODE_FAIL},
 *       {@code BOOT_FAIL};</li>
 * </ul>
 * and, besides, <b>resubmitted</b> when it was submitted within {@value #RESUBMIT_WINDOW_MIN} minutes after an earlier
 * job of the same user and {@linkplain Review#namePattern name pattern} ended in a failure (any of the three kinds
 * above) — someone watched the failure and sent the job again. A job that is both resubmitted and failed counts once
 * in {@link Load#troubled}. Loads are per week: the count divided by the window's length in weeks (the window runs
 * from {@code since}, else the first job's time, to {@code until}, else {@code now}; at least one day).
 */
public final class Owners {
    /** How many active charters one owner may hold before being flagged, unless told otherwise. */
    public static final int DEFAULT_LIMIT = 2;
    /** Minutes after a failure within which a job of the same user and name pattern counts as resubmitted. */
    public static final int RESUBMIT_WINDOW_MIN = 60;

    private static final Duration RESUBMIT = Duration.ofMinutes(RESUBMIT_WINDOW_MIN);
    private static final double WEEK_S = 7 * 86_400.0;

    private Owners() {}

    /**
     * A babysitting load: how many of the jobs needed a person's attention, by kind.
     *
     * @param jobs         the jobs counted
     * @param failed       failed for another reason than time or memory
     * @param timedOut     ran into their time limit
     * @param memoryKilled killed for memory
     * @param resubmitted  sent again within the hour after a failure of the same user and name pattern
     * @param troubled     jobs in at least one of the kinds
     * @param perWeek      {@code troubled} per week of the window
     */
    public record Load(long jobs, long failed, long timedOut, long memoryKilled, long resubmitted, long troubled,
                       double perWeek) {}

    /**
     * One owner.
     *
     * @param activeCharters the ids of the active charters they own, in the order given
     * @param overLimit      whether they hold more active charters than the limit
     * @param load           the load of the window's jobs claimed by any charter they own
     */
    public record Owner(String owner, List<String> activeCharters, boolean overLimit, Load load) {
        public Owner {
            activeCharters = List.copyOf(activeCharters);
        }
    }

    /** One user's jobs that no charter claims, and their load. */
    public record Unowned(String user, Load load) {}

    /**
     * The attention view.
     *
     * @param weeks    the window's length in weeks, the divisor of the per-week loads
     * @param owners   every charter owner, the most active charters first, then the heaviest load, then by name
     * @param unowned  every user with jobs no charter claims, the heaviest load first, then by name
     */
    public record Result(Instant now, Instant since, Instant until, int limit, double weeks, List<Owner> owners,
                         List<Unowned> unowned) {
        public Result {
            owners = List.copyOf(owners);
            unowned = List.copyOf(unowned);
        }
    }

    /**
     * The kind of trouble a job ended in, or null.
     *
     * @return {@code "memory-killed"}, {@code "timed out"}, {@code "failed"} or null
     */
    public static String trouble(Job j) {
        JobState s = j.jobState();
        if (s == JobState.OUT_OF_MEMORY) return "memory-killed";
        if (s == JobState.FAILED && ("0:9".equals(j.exitCode()) || "0:125".equals(j.exitCode()))) return "memory-killed";
        if (s == JobState.TIMEOUT || s == JobState.DEADLINE) return "timed out";
        if (s.isFailure()) return "failed";
        return null;
    }

    /**
     * Who holds what, and what their jobs cost in attention, over the window {@code [since, until)}.
     *
     * @param jobs     the window's jobs; earlier ones (from {@code since} minus an hour) are used only to find the
     *                 failures a job of the window resubmits
     * @param charters the valid charters
     * @param limit    how many active charters an owner may hold before being flagged
     * @param now      the end of an open window
     */
    public static Result analyze(List<Job> jobs, Instant since, Instant until, List<Charter> charters, int limit,
                                 Instant now) {
        Map<String, Job> distinct = new java.util.LinkedHashMap<>();
        for (Job j : jobs) distinct.putIfAbsent(j.cluster() + "\u0000" + j.jobId(), j);
        return analyze(distinct.values()::forEach, since, until, charters, limit, now);
    }

    /**
     * {@link #analyze(List, Instant, Instant, List, int, Instant)} over jobs read twice (each job once per pass), so
     * that a window of a million jobs needs no more memory than its failures' end times and the counters.
     */
    public static Result analyze(Review.Jobs jobs, Instant since, Instant until, List<Charter> charters, int limit,
                                 Instant now) {
        Map<String, List<Instant>> failuresEnded = new HashMap<>();
        jobs.forEach(j -> {
            if (trouble(j) != null && j.end() != null)
                failuresEnded.computeIfAbsent(key(j), k -> new ArrayList<>()).add(j.end());
        });

        Map<String, Counter> byOwner = new TreeMap<>();
        Map<String, List<String>> active = new HashMap<>();
        for (Charter c : charters) {
            byOwner.computeIfAbsent(c.owner(), k -> new Counter());
            if (c.status() == Charter.Status.ACTIVE) active.computeIfAbsent(c.owner(), k -> new ArrayList<>()).add(c.id());
        }
        Map<String, Counter> byUser = new TreeMap<>(Comparator.nullsFirst(Comparator.naturalOrder()));
        Instant[] first = {null};
        jobs.forEach(j -> {
            if (!Review.inWindow(j, since, until)) return;
            Instant t = j.start() != null ? j.start() : j.submit();
            if (t != null && (first[0] == null || t.isBefore(first[0]))) first[0] = t;
            Charter owner = claimant(j, charters, now);
            Counter n = owner != null ? byOwner.get(owner.owner()) : byUser.computeIfAbsent(j.user(), k -> new Counter());
            n.add(trouble(j), resubmits(j, failuresEnded));
        });

        Instant from = since != null ? since : first[0] != null ? first[0] : now;
        Instant to = until != null ? until : now;
        double weeks = Math.max(Duration.between(from, to).getSeconds(), 86_400L) / WEEK_S;

        List<Owner> owners = new ArrayList<>();
        for (Map.Entry<String, Counter> e : byOwner.entrySet()) {
            List<String> a = active.getOrDefault(e.getKey(), List.of());
            owners.add(new Owner(e.getKey(), a, a.size() > limit, e.getValue().load(weeks)));
        }
        owners.sort(Comparator.comparingInt((Owner o) -> o.activeCharters().size()).reversed()
                .thenComparing(Comparator.comparingLong((Owner o) -> o.load().troubled()).reversed())
                .thenComparing(Owner::owner));
        List<Unowned> unowned = new ArrayList<>();
        for (Map.Entry<String, Counter> e : byUser.entrySet()) unowned.add(new Unowned(e.getKey(), e.getValue().load(weeks)));
        unowned.sort(Comparator.comparingLong((Unowned u) -> u.load().troubled()).reversed()
                .thenComparing(Comparator.comparingLong((Unowned u) -> u.load().jobs()).reversed())
                .thenComparing(Unowned::user, Comparator.nullsFirst(Comparator.naturalOrder())));
        return new Result(now, since, until, limit, weeks, owners, unowned);
    }

    /**
     * The charter that claims the job: the first that matches it and was active at the job's moment (its time, or
     * {@code now} while it runs or pends; see {@link Review#statusAt}), else the first that matches it; null when none.
     */
    private static Charter claimant(Job j, List<Charter> charters, Instant now) {
        JobState s = j.jobState();
        boolean holds = j.end() == null && (s == JobState.RUNNING || s == JobState.PENDING);
        Instant at = holds ? now : j.start() != null ? j.start() : j.submit() != null ? j.submit() : j.end();
        Charter other = null;
        for (Charter c : charters) {
            if (!c.matches(j)) continue;
            if (Review.statusAt(c, at) == Charter.Status.ACTIVE) return c;
            if (other == null) other = c;
        }
        return other;
    }

    private static String key(Job j) {
        return j.cluster() + "\u0000" + j.user() + "\u0000" + Review.namePattern(j.name());
    }

    /** Whether the job was submitted within the resubmit window after a failure of the same user and name pattern. */
    private static boolean resubmits(Job j, Map<String, List<Instant>> failuresEnded) {
        if (j.submit() == null) return false;
        for (Instant ended : failuresEnded.getOrDefault(key(j), List.of())) {
            if (!j.submit().isBefore(ended) && !j.submit().isAfter(ended.plus(RESUBMIT))) return true;
        }
        return false;
    }

    private static final class Counter {
        long jobs, failed, timedOut, memoryKilled, resubmitted, troubled;

        void add(String trouble, boolean resubmit) {
            jobs++;
            if ("memory-killed".equals(trouble)) memoryKilled++;
            else if ("timed out".equals(trouble)) timedOut++;
            else if ("failed".equals(trouble)) failed++;
            if (resubmit) resubmitted++;
            if (trouble != null || resubmit) troubled++;
        }

        Load load(double weeks) {
            return new Load(jobs, failed, timedOut, memoryKilled, resubmitted, troubled, troubled / weeks);
        }
    }
}
