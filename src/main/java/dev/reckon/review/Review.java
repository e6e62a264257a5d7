package dev.reckon.review;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.reckon.charter.Roster;
import dev.reckon.model.Charter;
import dev.reckon.model.Efficiency;
import dev.reckon.model.Hours;
import dev.reckon.model.Job;
import dev.reckon.model.JobState;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The standing review: who defends each job of the window, and what nobody does. An analysis: it reads no file and has
 * no clock of its own ({@code now} is given).
 *
 * <p>Each job is judged by its charter <em>as it stood when the job ran</em>: a finished job at its time (start, else
 * submit, else end), a job that still runs or pends at {@code now}, since it consumes now. A charter's status at a
 * moment comes from its dated history (the status of the last entry dated at or before it, 00:00 UTC; {@code active}
 * before the first entry; the current status throughout when there is no history); its review is due
 * {@code review_every} after its last history date at or before that moment (else its window start; never, when it
 * has neither), and overdue once that due moment is past. So a charter withdrawn on the 10th defends the work of the
 * 5th, and a review due on the 20th condemns no job of the 5th.
 *
 * <p>Every job of the window is put in one class:
 * <ul>
 *   <li><b>defended</b>: it belongs ({@link Charter#matches}) to a charter active at the job's moment, its time (start,
 *       else submit) lies inside the charter's window, the charter was not overdue for review at the job's moment, no
 *       exit known to the review had fallen due by then, and, when there is a roster, the charter's owner is on it;</li>
 *   <li><b>habitual</b>: it belongs to a charter that had exited by the job's moment (succeeded, failed, withdrawn in
 *       its history; or whose success condition came true, or whose failure exit fell due — budget spent, window
 *       over, failure condition — at or before the job's time or while it still runs, given to the review), whose
 *       window it ran outside of (expired, or not yet open), or that was overdue for review at the job's moment; or it
 *       belongs to no charter but its {@linkplain #signature signature} recurs (below);</li>
 *   <li><b>orphaned</b>: no charter claims it and it does not recur, or the charter's owner is not on the roster, or
 *       (for a job no charter claims) its user is not on the roster.</li>
 * </ul>
 *
 * <p>Recurrence, with no period given (automatic): the signature was seen in at least {@value #RECURRING_WEEKS} of the
 * {@value #LOOKBACK_WEEKS} weeks before the job's own week (weekly habits), or in at least {@value #RECURRING_WEEKS} of
 * the {@value #LOOKBACK_WEEKS} UTC days before the job's own day (daily habits: a job run every day is habitual from its
 * fourth day). A period given (e.g. {@link #PERIOD}) judges on that one cadence only. Weeks start on Monday, 00:00
 * UTC. Dates in reasons are UTC dates.
 *
 * <p>Recurrence looks only at the jobs given: to judge the first jobs of a window fairly, give also the jobs from
 * {@link #historyStart} on (the CLI does); those earlier jobs are used for recurrence only and are not classified.
 */
public final class Review {
    /** Earlier weeks (days, periods) a signature must be seen in to count as recurring. */
    public static final int RECURRING_WEEKS = 3;
    /** How many weeks (days, periods) before a job's own are searched for its signature. */
    public static final int LOOKBACK_WEEKS = 4;
    /** How many undefended signatures the result keeps, largest first. */
    public static final int TOP_SIGNATURES = 20;

    /**
     * A week: the period recurrence was judged over before it became automatic (weeks and days both, when no period
     * is given); pass it to judge on weeks only.
     */
    public static final Duration PERIOD = Duration.ofDays(7);

    private static final long DAY_S = 86_400L;
    private static final long WEEK_S = 7 * DAY_S;
    /** 1970-01-05, the first Monday after the epoch. */
    private static final long FIRST_MONDAY_S = 4 * 86_400L;
    private static final double GIB = 1024.0 * 1024 * 1024;
    private static final Pattern HEX_RUN =
            Pattern.compile("(?<![A-Za-z0-9])(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{6,}(?![A-Za-z0-9])");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern HASHES = Pattern.compile("#+");

    private Review() {}

    /** The three classes of job. */
    public enum JobClass {
        DEFENDED, HABITUAL, ORPHANED;

        /** The lower-case word used in reports and JSON. */
        @JsonValue
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One job's verdict.
     *
     * @param charter the charter it belongs to (the one that defends it when one does), or null
     * @param reason  why it is in its class, in plain words
     * @param start   when it started; null when it has not (or is not known to have)
     * @param end     when it ended; null while it runs, or when unknown
     */
    @com.fasterxml.jackson.annotation.JsonPropertyOrder({"job_id", "cluster", "user", "name", "class", "charter",
            "reason", "cpu_hours", "gpu_hours", "mem_gb_hours", "state", "start_at", "end_at"})
    public record JobVerdict(String jobId, String cluster, String user, String name, @JsonProperty("class") JobClass jobClass,
                             String charter, String reason, double cpuHours, double gpuHours, double memGbHours,
                             String state, @JsonProperty("start_at") Instant start, @JsonProperty("end_at") Instant end) {}

    /** One class's part of what the window's jobs consumed; the fractions are of all jobs' hours (0 when none). */
    public record Share(@JsonProperty("class") JobClass jobClass, long jobs, double cpuHours, double gpuHours,
                        double memGbHours, double cpuFraction, double gpuFraction, double memFraction) {}

    /**
     * What one charter's jobs consumed in the window against what it asked for.
     *
     * @param jobs         the window's jobs attributed to it (whatever their class)
     * @param defendedJobs how many of them it defends
     * @param gpuUsed      consumed GPU-hours / budgeted; null when it asked for none
     * @param cpuUsed      consumed CPU-hours / budgeted; null when it asked for none
     * @param memUsed      consumed GiB-hours / budgeted; null when not limited or none
     * @param reviewDue    when its next review is due; null when it cannot be known
     * @param overrunAfterSuccess what its jobs consumed in the window after its success condition came true (overrun
     *                            after victory); null when no success was given for it
     */
    public record CharterUse(String charter, String owner, String status, Instant windowEnd, Instant reviewDue,
                             long jobs, long defendedJobs, double budgetGpuHours, double budgetCpuHours,
                             Double budgetMemGbHours, double gpuHours, double cpuHours, double memGbHours,
                             Double gpuUsed, Double cpuUsed, Double memUsed, Hours overrunAfterSuccess) {
        /** A charter's use with no success known. */
        public CharterUse(String charter, String owner, String status, Instant windowEnd, Instant reviewDue,
                          long jobs, long defendedJobs, double budgetGpuHours, double budgetCpuHours,
                          Double budgetMemGbHours, double gpuHours, double cpuHours, double memGbHours,
                          Double gpuUsed, Double cpuUsed, Double memUsed) {
            this(charter, owner, status, windowEnd, reviewDue, jobs, defendedJobs, budgetGpuHours, budgetCpuHours,
                    budgetMemGbHours, gpuHours, cpuHours, memGbHours, gpuUsed, cpuUsed, memUsed, null);
        }
    }

    /**
     * A running or pending undefended job, with the capacity it holds (allocated, else requested).
     *
     * @param ageS seconds since it was submitted; null when the submit time is unknown
     */
    public record Kill(String jobId, String cluster, String user, String name, String state,
                       @JsonProperty("class") JobClass jobClass, String reason, Instant submit, Long ageS,
                       int cpus, int gpus, long memBytes) {}

    /** A user's job-name pattern among the undefended jobs, with what those jobs consumed. */
    public record Signature(String user, String pattern, long jobs, long habitual, long orphaned, double cpuHours,
                            double gpuHours, double memGbHours) {}

    /**
     * The review.
     *
     * @param now        the moment the review was made at
     * @param since      the window start (null: open)
     * @param until      the window end (null: open)
     * @param jobs       every job of the window with its verdict, in the order given
     * @param shares     one per class, in class order
     * @param charters   one per charter given, in the order given
     * @param killList   running and pending undefended jobs, most GPUs first, then CPUs, then memory
     * @param signatures the top undefended signatures, most GPU-hours first, then CPU-hours
     */
    public record Result(Instant now, Instant since, Instant until, List<JobVerdict> jobs, List<Share> shares,
                         List<CharterUse> charters, List<Kill> killList, List<Signature> signatures) {
        public Result {
            jobs = List.copyOf(jobs);
            shares = List.copyOf(shares);
            charters = List.copyOf(charters);
            killList = List.copyOf(killList);
            signatures = List.copyOf(signatures);
        }
    }

    /**
     * Where the jobs for a review of the window from {@code since} should start, so that recurrence can be judged for
     * its first jobs: Monday 00:00 UTC of {@code since}'s week, {@value #LOOKBACK_WEEKS} weeks earlier. Null for null.
     */
    public static Instant historyStart(Instant since) {
        return historyStart(since, PERIOD);
    }

    /**
     * {@link #historyStart(Instant)} for recurrence judged over periods of the given length instead of weeks; null
     * (automatic: weeks and days) starts where weeks do, which covers the days.
     */
    public static Instant historyStart(Instant since, Duration period) {
        if (since == null) return null;
        long p = period == null ? WEEK_S : periodSeconds(period);
        return Instant.ofEpochSecond((period(since, p) - LOOKBACK_WEEKS) * p + FIRST_MONDAY_S);
    }

    /** Whether the job was pending or running at some time in {@code [since, until)} (either end may be null). */
    public static boolean inWindow(Job j, Instant since, Instant until) {
        boolean beforeUntil = until == null || j.submit() == null || j.submit().isBefore(until);
        boolean notEndedBefore = since == null || j.end() == null || !j.end().isBefore(since);
        return beforeUntil && notEndedBefore;
    }

    /**
     * A job's name with its numbers and hex-like runs (6 or more hex digits with at least one digit) replaced by
     * {@code #}: {@code train_12} and {@code train_7} are both {@code train_#}. Null names read as empty.
     */
    public static String namePattern(String name) {
        String s = name == null ? "" : name;
        String known = PATTERNS.get(s);
        if (known != null) return known;
        String p = pattern(s);
        if (PATTERNS.size() >= MAX_PATTERNS) PATTERNS.clear();
        PATTERNS.put(s, p);
        return p;
    }

    /** Names seen and their patterns: a review asks for each job's several times, and names recur across jobs. */
    private static final Map<String, String> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_PATTERNS = 100_000;

    private static String pattern(String name) {
        String s = name;
        s = HEX_RUN.matcher(s).replaceAll("#");
        s = DIGITS.matcher(s).replaceAll("#");
        return HASHES.matcher(s).replaceAll("#");
    }

    /**
     * What makes two jobs "the same job again": the user, the {@linkplain #namePattern name pattern} and the shape —
     * CPUs, GPUs and memory rounded to whole GiB (allocated, else requested).
     */
    public static String signature(Job j) {
        return j.user() + "\u0000" + namePattern(j.name()) + "\u0000" + heldCpus(j) + "\u0000" + heldGpus(j) + "\u0000"
                + Math.round(heldMem(j) / GIB);
    }

    /**
     * Reviews the jobs of the window {@code [since, until)}, recurrence judged on weeks and days both (automatic; see
     * the class comment). Jobs outside the window (the history from {@link #historyStart}) count only towards
     * recurrence.
     *
     * @param jobs     the window's jobs, and earlier ones for recurrence
     * @param charters the valid charters
     * @param roster   the people who can own charters; null when there is no roster
     * @param now      the review's moment: decides running and pending jobs' verdicts and the kill list's ages
     */
    public static Result review(List<Job> jobs, Instant since, Instant until, List<Charter> charters, Roster roster,
                                Instant now) {
        return review(jobs, since, until, charters, roster, now, null, ExitMoments.NONE);
    }

    /**
     * {@link #review(List, Instant, Instant, List, Roster, Instant, Duration, ExitMoments)} knowing only when some
     * active charters' success conditions came true ({@code succeededAt}, by charter id; see
     * {@code dev.reckon.exits.Exits#successes}).
     *
     * @param period the length of the periods recurrence is judged over; null: weeks and days both (automatic)
     */
    public static Result review(List<Job> jobs, Instant since, Instant until, List<Charter> charters, Roster roster,
                                Instant now, Duration period, Map<String, Instant> succeededAt) {
        return review(jobs, since, until, charters, roster, now, period, new ExitMoments(succeededAt, Map.of()));
    }

    /**
     * When some active charters' exits fell due, as {@code dev.reckon.exits.Exits} finds them: a charter's jobs whose
     * time is at or after the moment, and its jobs that still run or pend, are habitual.
     *
     * @param succeeded when each charter's success condition came true, by charter id ({@code Exits#successes})
     * @param failed    when each charter's failure exit fell due (budget spent, window over, failure condition), by
     *                  charter id ({@code Exits#failures})
     * @param failedWhy what made each failure exit due, in plain words, by charter id ({@code Exits#failureReasons});
     *                  may lack entries
     */
    public record ExitMoments(Map<String, Instant> succeeded, Map<String, Instant> failed, Map<String, String> failedWhy) {
        /** No exit known. */
        public static final ExitMoments NONE = new ExitMoments(Map.of(), Map.of(), Map.of());

        public ExitMoments {
            succeeded = succeeded == null ? Map.of() : Map.copyOf(succeeded);
            failed = failed == null ? Map.of() : Map.copyOf(failed);
            failedWhy = failedWhy == null ? Map.of() : Map.copyOf(failedWhy);
        }

        /** The moments without the failures' reasons. */
        public ExitMoments(Map<String, Instant> succeeded, Map<String, Instant> failed) {
            this(succeeded, failed, Map.of());
        }
    }

    /**
     * Reviews the window as {@link #review(List, Instant, Instant, List, Roster, Instant)} does, with two refinements:
     * <ul>
     *   <li>recurrence judged over periods of the given length (aligned, like weeks, on Monday 1970-01-05 00:00 UTC)
     *       instead of weeks and days: a job recurs when its signature was seen in {@value #RECURRING_WEEKS} of the
     *       {@value #LOOKBACK_WEEKS} periods before its own; {@code period} null keeps the automatic weeks-or-days;</li>
     *   <li>knowing when some active charters' exits fell due ({@code exits}): such a charter's jobs whose time is at or
     *       after that moment, or that are still running or pending, are habitual ("charter X succeeded at T; still
     *       consuming", "charter X failure exit due since T (why); still consuming"), and, for a success, its
     *       {@link CharterUse#overrunAfterSuccess} is what its jobs held after that moment.</li>
     * </ul>
     */
    public static Result review(List<Job> jobs, Instant since, Instant until, List<Charter> charters, Roster roster,
                                Instant now, Duration period, ExitMoments exits) {
        Map<String, Job> distinct = new LinkedHashMap<>();
        for (Job j : jobs) distinct.putIfAbsent(j.cluster() + "\u0000" + j.jobId(), j);
        return review(distinct.values()::forEach, since, until, charters, roster, now, period, exits);
    }

    /**
     * Jobs read in full twice, in the same order each time (once to learn what recurs, once to judge): a list, or a
     * query on the ledger, which never holds them all in memory. Each job (cluster and id) comes once.
     */
    @FunctionalInterface
    public interface Jobs {
        void forEach(java.util.function.Consumer<Job> each);
    }

    /**
     * {@link #review(List, Instant, Instant, List, Roster, Instant, Duration, ExitMoments)} over jobs read once, so
     * that a window of a million jobs is judged within a small heap and one reading of the ledger: only the verdicts
     * (compact, their words shared) are kept. A job no charter claims, by a user on the roster, is habitual or orphaned
     * by its signature's recurrence, which needs every job read first: its verdict is settled after the reading (from
     * its signature's number and its moment: sixteen bytes a job).
     */
    public static Result review(Jobs jobs, Instant since, Instant until, List<Charter> charters, Roster roster,
                                Instant now, Duration period, ExitMoments exits) {
        ExitMoments moments = exits == null ? ExitMoments.NONE : exits;
        Recurrence recurrence = new Recurrence(period);
        Tally tally = new Tally(now, until, moments.succeeded());
        Settle later = new Settle();
        jobs.forEach(j -> {
            int sig = recurrence.add(j);
            if (!inWindow(j, since, until)) return;
            Efficiency e = j.efficiency();
            Verdict v = classify(j, charters, roster, now, moments);
            if (v == null && sig >= 0) {
                int at = tally.verdicts.size();
                tally.verdicts.add(tally.verdict(j, e, JobClass.ORPHANED, null, null));
                // on the kill list already if it runs or pends, its class and reason filled in once they are known
                later.add(at, sig, when(j).getEpochSecond(), tally.kill(j, new Verdict(JobClass.ORPHANED, null, null)));
                return;
            }
            tally.add(j, e, v == null ? new Verdict(JobClass.ORPHANED, null, "no charter claims it") : v);
        });
        recurrence.finish();
        for (int k = 0; k < later.n; k++) {
            int at = later.index[k];
            JobVerdict jv = tally.verdicts.get(at);
            String recurs = recurrence.of(later.sig[k], later.when[k]);
            Verdict v = recurs != null
                    ? new Verdict(JobClass.HABITUAL, null, "recurring " + namePattern(jv.name()) + " by " + jv.user() + " "
                            + recurs + ", no charter")
                    : new Verdict(JobClass.ORPHANED, null, "no charter claims it");
            tally.verdicts.set(at, new JobVerdict(jv.jobId(), jv.cluster(), jv.user(), jv.name(), v.jobClass, null,
                    tally.word(v.reason), jv.cpuHours(), jv.gpuHours(), jv.memGbHours(), jv.state(), jv.start(), jv.end()));
            Integer kill = later.kills.get(k);
            if (kill != null) {
                Kill x = tally.kills.get(kill);
                tally.kills.set(kill, new Kill(x.jobId(), x.cluster(), x.user(), x.name(), x.state(), v.jobClass, v.reason,
                        x.submit(), x.ageS(), x.cpus(), x.gpus(), x.memBytes()));
            }
            tally.signature(jv.user(), jv.name(), v.jobClass, jv.cpuHours(), jv.gpuHours(), jv.memGbHours());
        }
        return tally.result(since, charters);
    }

    /**
     * Which jobs the review of a window would call {@linkplain JobClass#DEFENDED defended}, without the rest of it: a
     * job is defended by a charter that claims it and stands for it at the job's moment (see the class comment), which
     * the job alone decides, so no other job need be read and nothing is kept. Every other job of the window is
     * habitual or orphaned (recurrence tells those two apart, never a defended one); a job outside the window gets no
     * verdict from a review.
     *
     * @param charters the valid charters
     * @param roster   the people who can own charters; null when there is no roster
     * @param now      the review's moment
     * @param exits    when active charters' exits fell due; null: none known
     */
    public static Defence defence(List<Charter> charters, Roster roster, Instant now, ExitMoments exits) {
        return new Defence(List.copyOf(charters), roster, now, exits == null ? ExitMoments.NONE : exits);
    }

    /** What {@link #defence} returns: asks of one job at a time. */
    public static final class Defence {
        private final List<Charter> charters;
        private final Roster roster;
        private final Instant now;
        private final ExitMoments exits;

        private Defence(List<Charter> charters, Roster roster, Instant now, ExitMoments exits) {
            this.charters = charters;
            this.roster = roster;
            this.now = now;
            this.exits = exits;
        }

        /** Whether the review of the window {@code [since, until)} (either end null: open) calls the job defended. */
        public boolean defends(Job j, Instant since, Instant until) {
            if (!inWindow(j, since, until)) return false;
            Verdict v = classify(j, charters, roster, now, exits);
            return v != null && v.jobClass == JobClass.DEFENDED;
        }

        /**
         * Whether the review of the window {@code [since, until)} judges the job and calls it habitual or orphaned:
         * a job of the window that no charter defends.
         */
        public boolean undefended(Job j, Instant since, Instant until) {
            if (!inWindow(j, since, until)) return false;
            Verdict v = classify(j, charters, roster, now, exits);
            return v == null || v.jobClass != JobClass.DEFENDED;
        }
    }

    /** The jobs whose verdicts wait for recurrence: where each verdict is, its signature's number, its moment. */
    private static final class Settle {
        int n;
        int[] index = new int[1024];
        int[] sig = new int[1024];
        long[] when = new long[1024];
        /** Where on the kill list the job is, for one that runs or pends. */
        final Map<Integer, Integer> kills = new HashMap<>();

        void add(int at, int signature, long moment, int kill) {
            if (n == index.length) {
                index = Arrays.copyOf(index, n * 2);
                sig = Arrays.copyOf(sig, n * 2);
                when = Arrays.copyOf(when, n * 2);
            }
            index[n] = at;
            sig[n] = signature;
            when[n] = moment;
            if (kill >= 0) kills.put(n, kill);
            n++;
        }
    }

    /** What the review adds up as verdicts come: per charter, the kill list, the undefended signatures. */
    private static final class Tally {
        final Instant now;
        final Instant until;
        final Map<String, Instant> succeededAt;
        final Map<String, String> words = new HashMap<>();
        final List<JobVerdict> verdicts = new ArrayList<>();
        final List<Kill> kills = new ArrayList<>();
        final Map<String, double[]> perCharter = new HashMap<>();
        final Map<String, long[]> perCharterJobs = new HashMap<>();
        final Map<String, Hours> afterSuccess = new HashMap<>();
        final Map<String, Signature> sigs = new HashMap<>();

        Tally(Instant now, Instant until, Map<String, Instant> succeededAt) {
            this.now = now;
            this.until = until;
            this.succeededAt = succeededAt;
        }

        String word(String w) {
            return shared(words, w);
        }

        JobVerdict verdict(Job j, Efficiency e, JobClass k, String charter, String reason) {
            return new JobVerdict(j.jobId(), word(j.cluster()), word(j.user()), j.name(), k, word(charter), word(reason),
                    e.cpuHours(), e.gpuHours(), e.memGbHours(), word(j.state()), j.start(), j.end());
        }

        void add(Job j, Efficiency e, Verdict v) {
            verdicts.add(verdict(j, e, v.jobClass, v.charter, v.reason));
            if (v.charter != null) {
                double[] h = perCharter.computeIfAbsent(v.charter, k -> new double[3]);
                h[0] += e.gpuHours();
                h[1] += e.cpuHours();
                h[2] += e.memGbHours();
                Instant won = succeededAt.get(v.charter);
                if (won != null) {
                    Instant to = until == null || now.isBefore(until) ? now : until;
                    afterSuccess.merge(v.charter, Hours.held(j, won, to), Hours::plus);
                }
                long[] n = perCharterJobs.computeIfAbsent(v.charter, k -> new long[2]);
                n[0]++;
                if (v.jobClass == JobClass.DEFENDED) n[1]++;
            }
            if (v.jobClass != JobClass.DEFENDED) {
                kill(j, v);
                signature(j.user(), j.name(), v.jobClass, e.cpuHours(), e.gpuHours(), e.memGbHours());
            }
        }

        /** On the kill list when it still runs or pends: returns where, else -1. */
        int kill(Job j, Verdict v) {
            JobState s = j.jobState();
            if (s != JobState.RUNNING && s != JobState.PENDING) return -1;
            Long age = j.submit() == null ? null : Math.max(0, Duration.between(j.submit(), now).getSeconds());
            kills.add(new Kill(j.jobId(), j.cluster(), j.user(), j.name(), j.state(), v.jobClass, v.reason,
                    j.submit(), age, heldCpus(j), heldGpus(j), heldMem(j)));
            return kills.size() - 1;
        }

        void signature(String user, String name, JobClass k, double cpuHours, double gpuHours, double memGbHours) {
            String pattern = namePattern(name);
            String key = user + "\u0000" + pattern;
            Signature old = sigs.get(key);
            long hab = k == JobClass.HABITUAL ? 1 : 0;
            sigs.put(key, old == null
                    ? new Signature(user, pattern, 1, hab, 1 - hab, cpuHours, gpuHours, memGbHours)
                    : new Signature(old.user(), old.pattern(), old.jobs() + 1, old.habitual() + hab,
                    old.orphaned() + 1 - hab, old.cpuHours() + cpuHours, old.gpuHours() + gpuHours,
                    old.memGbHours() + memGbHours));
        }

        Result result(Instant since, List<Charter> charters) {
            kills.sort(Comparator.comparingInt(Kill::gpus).reversed()
                    .thenComparing(Comparator.comparingInt(Kill::cpus).reversed())
                    .thenComparing(Comparator.comparingLong(Kill::memBytes).reversed())
                    .thenComparing(Kill::submit, Comparator.nullsLast(Comparator.naturalOrder()))
                    .thenComparing(Kill::jobId)
                    .thenComparing(Kill::cluster, Comparator.nullsLast(Comparator.naturalOrder())));

            List<Signature> top = sigs.values().stream()
                    .sorted(Comparator.comparingDouble(Signature::gpuHours).reversed()
                            .thenComparing(Comparator.comparingDouble(Signature::cpuHours).reversed())
                            .thenComparing(Comparator.comparingLong(Signature::jobs).reversed())
                            .thenComparing(Signature::user, Comparator.nullsLast(Comparator.naturalOrder()))
                            .thenComparing(Signature::pattern))
                    .limit(TOP_SIGNATURES).toList();

            List<CharterUse> uses = new ArrayList<>();
            for (Charter c : charters) {
                double[] h = perCharter.getOrDefault(c.id(), new double[3]);
                long[] n = perCharterJobs.getOrDefault(c.id(), new long[2]);
                Charter.Budget b = c.budget();
                Double mem = b.memGbHours();
                uses.add(new CharterUse(c.id(), c.owner(), c.status().word(), c.window().end(), reviewDue(c), n[0], n[1],
                        b.gpuHours(), b.cpuHours(), mem, h[0], h[1], h[2],
                        b.gpuHours() > 0 ? h[0] / b.gpuHours() : null, b.cpuHours() > 0 ? h[1] / b.cpuHours() : null,
                        mem != null && mem > 0 ? h[2] / mem : null,
                        succeededAt.containsKey(c.id()) ? afterSuccess.getOrDefault(c.id(), Hours.ZERO) : null));
            }
            return new Result(now, since, until, verdicts, shares(verdicts), uses, kills, top);
        }
    }

    /** One copy of each recurring word (users, states, reasons) across a million verdicts; at most 100,000 kept. */
    private static String shared(Map<String, String> words, String w) {
        if (w == null) return null;
        String had = words.get(w);
        if (had != null) return had;
        if (words.size() < 100_000) words.put(w, w);
        return w;
    }

    private static List<Share> shares(List<JobVerdict> verdicts) {
        double cpu = 0, gpu = 0, mem = 0;
        for (JobVerdict v : verdicts) {
            cpu += v.cpuHours();
            gpu += v.gpuHours();
            mem += v.memGbHours();
        }
        List<Share> out = new ArrayList<>();
        for (JobClass k : JobClass.values()) {
            long n = 0;
            double c = 0, g = 0, m = 0;
            for (JobVerdict v : verdicts) {
                if (v.jobClass() != k) continue;
                n++;
                c += v.cpuHours();
                g += v.gpuHours();
                m += v.memGbHours();
            }
            out.add(new Share(k, n, c, g, m, fraction(c, cpu), fraction(g, gpu), fraction(m, mem)));
        }
        return out;
    }

    private static double fraction(double part, double whole) {
        return whole > 0 ? part / whole : 0;
    }

    private record Verdict(JobClass jobClass, String charter, String reason) {}

    /**
     * The job's verdict, or null for a job no charter claims by a user on the roster: recurrence decides between
     * habitual and orphaned once every job has been read.
     */
    private static Verdict classify(Job j, List<Charter> charters, Roster roster, Instant now, ExitMoments exits) {
        Verdict first = null;
        for (Charter c : charters) {
            if (!c.matches(j)) continue;
            Verdict v = judge(j, c, roster, now, exits);
            if (v.jobClass == JobClass.DEFENDED) return v;
            if (first == null) first = v;
        }
        if (first != null) return first;
        if (roster != null && !roster.contains(j.user()))
            return new Verdict(JobClass.ORPHANED, null, "no charter claims it; " + j.user() + " is not on the roster");
        return null;
    }

    /**
     * The periods each signature was seen in, for the cadences recurrence is judged on: the one period given, or
     * (automatic) weeks, then days.
     */
    private static final class Recurrence {
        private final long[] cadences;
        private final Map<String, Integer> ids = new HashMap<>();
        /** Per signature number, per cadence, the periods it was seen in: sorted and distinct after {@link #finish}. */
        private final List<long[][]> periods = new ArrayList<>();
        private final List<int[]> counts = new ArrayList<>();
        private final boolean automatic;

        Recurrence(Duration period) {
            automatic = period == null;
            cadences = automatic ? new long[] {WEEK_S, DAY_S} : new long[] {periodSeconds(period)};
        }

        /** Counts the job's signature as seen in its periods; returns the signature's number, -1 for no moment. */
        int add(Job j) {
            Instant t = when(j);
            if (t == null) return -1;
            int n = cadences.length;
            String sig = signature(j);
            Integer id = ids.get(sig);
            if (id == null) {
                id = periods.size();
                ids.put(sig, id);
                periods.add(new long[n][4]);
                counts.add(new int[n]);
            }
            long[][] seen = periods.get(id);
            int[] count = counts.get(id);
            for (int i = 0; i < n; i++) {
                long p = period(t, cadences[i]);
                int c = count[i];
                if (c > 0 && seen[i][c - 1] == p) continue; // jobs come mostly in time order: most repeat the last
                if (c == seen[i].length) seen[i] = Arrays.copyOf(seen[i], c * 2);
                seen[i][c] = p;
                count[i] = c + 1;
            }
            return id;
        }

        /** Sorts each signature's periods and drops repeats: a lookup is then two binary searches in a small array. */
        void finish() {
            for (int id = 0; id < periods.size(); id++) {
                long[][] seen = periods.get(id);
                int[] count = counts.get(id);
                for (int i = 0; i < cadences.length; i++) {
                    long[] a = seen[i];
                    int c = count[i];
                    Arrays.sort(a, 0, c);
                    int d = 0;
                    for (int k = 0; k < c; k++) if (d == 0 || a[d - 1] != a[k]) a[d++] = a[k];
                    seen[i] = Arrays.copyOf(a, d);
                }
            }
            counts.clear();
            ids.clear();
        }

        /** How a job of signature {@code sig} at {@code epochS} recurs, in words ("in 3 earlier weeks"); null when not. */
        String of(int sig, long epochS) {
            Instant t = Instant.ofEpochSecond(epochS);
            long[][] all = periods.get(sig);
            for (int i = 0; i < cadences.length; i++) {
                long p = cadences[i];
                long own = period(t, p);
                int earlier = index(all[i], own) - index(all[i], own - LOOKBACK_WEEKS);
                if (earlier < RECURRING_WEEKS) continue;
                if (automatic && p == DAY_S) return "on " + earlier + " of the " + LOOKBACK_WEEKS + " days before";
                return "in " + earlier + " earlier " + (p == WEEK_S ? "weeks" : "periods of " + shortDuration(p));
            }
            return null;
        }

        /** How many of the sorted, distinct {@code periods} are below {@code p}. */
        private static int index(long[] periods, long p) {
            int at = Arrays.binarySearch(periods, p);
            return at >= 0 ? at : -at - 1;
        }
    }

    /**
     * The job against one charter that claims it, as the charter stood at the job's moment: its time ({@link #when})
     * for a finished job, {@code now} for one that still runs or pends.
     */
    private static Verdict judge(Job j, Charter c, Roster roster, Instant now, ExitMoments exits) {
        String id = c.id();
        if (roster != null && !roster.contains(c.owner()))
            return new Verdict(JobClass.ORPHANED, id, "charter " + id + "'s owner " + c.owner() + " is not on the roster");
        Instant t = when(j);
        boolean holds = stillHolds(j);
        Instant at = holds ? now : t;
        Charter.Status status = statusAt(c, at);
        if (status != Charter.Status.ACTIVE) {
            LocalDate on = statusSince(c, at);
            return new Verdict(JobClass.HABITUAL, id, "charter " + id + " " + status.word() + (on == null ? "" : " " + on));
        }
        Instant succeeded = exits.succeeded().get(id);
        if (succeeded != null && ((t != null && !t.isBefore(succeeded)) || holds))
            return new Verdict(JobClass.HABITUAL, id, "charter " + id + " succeeded at " + succeeded + "; still consuming");
        Charter.Window w = c.window();
        if (t == null) return new Verdict(JobClass.HABITUAL, id, "charter " + id + ": the job's time is unknown");
        if (!t.isBefore(w.end())) return new Verdict(JobClass.HABITUAL, id, "charter " + id + " expired " + date(w.end()));
        if (!w.contains(t))
            return new Verdict(JobClass.HABITUAL, id, "charter " + id + "'s window opens " + date(w.start()));
        Instant failed = exits.failed().get(id);
        if (failed != null && (!t.isBefore(failed) || holds)) {
            String why = exits.failedWhy().get(id);
            return new Verdict(JobClass.HABITUAL, id, "charter " + id + " failure exit due since " + failed
                    + (why == null || why.isBlank() ? "" : " (" + why + ")") + "; still consuming");
        }
        Instant due = reviewDueAt(c, at);
        if (due != null && due.isBefore(at))
            return new Verdict(JobClass.HABITUAL, id, "charter " + id + " overdue for review since " + date(due));
        return new Verdict(JobClass.DEFENDED, id, "charter " + id + " (" + c.owner() + ")");
    }

    private static boolean stillHolds(Job j) {
        JobState s = j.jobState();
        return j.end() == null && (s == JobState.RUNNING || s == JobState.PENDING);
    }

    /** When the charter's next review is due: its last history date (else window start) plus review_every. */
    public static Instant reviewDue(Charter c) {
        Instant last = null;
        if (!c.history().isEmpty()) last = day(c.history().get(c.history().size() - 1).date());
        else if (c.window().start() != null) last = c.window().start();
        return last == null ? null : last.plus(c.reviewEvery());
    }

    /**
     * When the charter's review was due as it stood at {@code t}: its last history date at or before {@code t} (else
     * its window start) plus review_every; null when neither is known. A review recorded after {@code t} does not
     * count at {@code t}. {@code t} null: {@link #reviewDue(Charter)}.
     */
    public static Instant reviewDueAt(Charter c, Instant t) {
        if (t == null) return reviewDue(c);
        Instant last = null;
        for (Charter.StatusChange h : c.history()) {
            Instant d = day(h.date());
            if (d != null && !d.isAfter(t)) last = d;
        }
        if (last == null) last = c.window().start();
        return last == null ? null : last.plus(c.reviewEvery());
    }

    /**
     * The charter's status at {@code t}, from its dated history: the status of the last entry whose date (00:00 UTC)
     * is at or before {@code t}; {@code active} before the first entry. From the last entry on it is the charter's
     * current status (which a valid file makes agree with that entry), and with no history the current status holds
     * throughout; so does it for {@code t} null.
     */
    public static Charter.Status statusAt(Charter c, Instant t) {
        if (t == null || c.history().isEmpty()) return c.status();
        Charter.Status s = Charter.Status.ACTIVE;
        List<Charter.StatusChange> h = c.history();
        for (int i = 0; i < h.size(); i++) {
            Instant d = day(h.get(i).date());
            if (d != null && !d.isAfter(t)) s = i == h.size() - 1 ? c.status() : h.get(i).status();
        }
        return s;
    }

    /**
     * The date since which the charter has had its {@linkplain #statusAt status at t} without a break, from its
     * history; null when the history does not say (no history, or active since before its first entry).
     */
    private static LocalDate statusSince(Charter c, Instant t) {
        LocalDate since = null;
        Charter.Status previous = null;
        List<Charter.StatusChange> h = c.history();
        for (int i = 0; i < h.size(); i++) {
            LocalDate d = h.get(i).date();
            if (d == null || (t != null && day(d).isAfter(t))) continue;
            Charter.Status s = i == h.size() - 1 ? c.status() : h.get(i).status();
            if (s != previous) since = d;
            previous = s;
        }
        return previous != null && previous == statusAt(c, t) ? since : null;
    }

    private static Instant day(LocalDate d) {
        return d == null ? null : d.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static LocalDate date(Instant t) {
        return t.atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** The job's time: its start, else its submit time, else its end; null when none is known. */
    private static Instant when(Job j) {
        return j.start() != null ? j.start() : j.submit() != null ? j.submit() : j.end();
    }

    private static long period(Instant t, long periodS) {
        return Math.floorDiv(t.getEpochSecond() - FIRST_MONDAY_S, periodS);
    }

    private static String shortDuration(long s) {
        if (s % 86_400 == 0) return s / 86_400 + "d";
        if (s % 3_600 == 0) return s / 3_600 + "h";
        if (s % 60 == 0) return s / 60 + "m";
        return s + "s";
    }

    private static long periodSeconds(Duration period) {
        if (period == null || period.getSeconds() < 1) throw new IllegalArgumentException("a period of at least 1 s");
        return period.getSeconds();
    }

    /** The CPUs a job holds: allocated, else requested; 0 when unknown. */
    public static int heldCpus(Job j) {
        if (j.allocCpus() != null && j.allocCpus() > 0) return j.allocCpus();
        return j.reqCpus() == null ? 0 : j.reqCpus();
    }

    /** The GPUs a job holds (allocated); 0 when unknown. */
    public static int heldGpus(Job j) {
        return j.allocGpus() == null ? 0 : j.allocGpus();
    }

    /** The memory a job holds in bytes: allocated, else requested; 0 when unknown. */
    public static long heldMem(Job j) {
        if (j.allocMemBytes() != null && j.allocMemBytes() > 0) return j.allocMemBytes();
        return j.reqMemBytes() == null ? 0 : j.reqMemBytes();
    }
}
