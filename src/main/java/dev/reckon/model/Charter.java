package dev.reckon.model;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One effort's written charter: what it is for, who answers for it, which jobs are its, what it may consume, until
 * when, and how everyone will know it worked or did not. Read from a charter file (see {@code docs/charters.md}).
 *
 * @param id          the name jobs give it ({@code --comment=charter=<id>}); letters, digits, {@code . _ -}
 * @param title       a short title (the id when the file gives none)
 * @param purpose     what the effort is for, in one sentence
 * @param owner       the one named person who answers for it
 * @param members     the other people who work under it ({@code charter apply} ties them to its QOS); their jobs
 *                    belong as anyone's do, by naming it or by a {@link Match} rule, never by membership alone
 * @param accounts    the Slurm accounts it charges to
 * @param match       the rules that tie jobs to it, beyond the comment {@code charter=<id>}
 * @param budget      the capacity it may consume
 * @param window      when it may run
 * @param success     conditions that mean it worked (any one met is enough)
 * @param failure     conditions that mean it is not working (any one met is enough)
 * @param reviewEvery how often its owner must review it
 * @param status      where it stands now
 * @param history     its dated status changes, oldest first (may be empty)
 * @param onExit      what reckon does when an exit falls due (default {@link OnExit#NOTIFY})
 * @param clusters    the clusters it covers: only jobs of these belong to it (its budget counts across them); empty
 *                    for every cluster
 */
public record Charter(
        String id,
        String title,
        String purpose,
        String owner,
        List<String> members,
        List<String> accounts,
        Match match,
        Budget budget,
        Window window,
        List<Condition> success,
        List<Condition> failure,
        Duration reviewEvery,
        Status status,
        List<StatusChange> history,
        OnExit onExit,
        List<String> clusters) {

    /** What a charter id may look like: it travels in Slurm comments and wckeys and names the file. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** How often a charter is reviewed when its file does not say. */
    public static final Duration DEFAULT_REVIEW_EVERY = Duration.ofDays(14);

    public Charter {
        members = members == null ? List.of() : List.copyOf(members);
        accounts = accounts == null ? List.of() : List.copyOf(accounts);
        match = match == null ? Match.NONE : match;
        success = success == null ? List.of() : List.copyOf(success);
        failure = failure == null ? List.of() : List.copyOf(failure);
        history = history == null ? List.of() : List.copyOf(history);
        reviewEvery = reviewEvery == null ? DEFAULT_REVIEW_EVERY : reviewEvery;
        status = status == null ? Status.ACTIVE : status;
        onExit = onExit == null ? OnExit.NOTIFY : onExit;
        clusters = clusters == null ? List.of() : List.copyOf(clusters);
    }

    /** A charter of every cluster. */
    public Charter(String id, String title, String purpose, String owner, List<String> members, List<String> accounts,
                   Match match, Budget budget, Window window, List<Condition> success, List<Condition> failure,
                   Duration reviewEvery, Status status, List<StatusChange> history, OnExit onExit) {
        this(id, title, purpose, owner, members, accounts, match, budget, window, success, failure, reviewEvery, status,
                history, onExit, List.of());
    }

    /** A charter that only notifies at its exits ({@code on_exit: notify}, the default). */
    public Charter(String id, String title, String purpose, String owner, List<String> members, List<String> accounts,
                   Match match, Budget budget, Window window, List<Condition> success, List<Condition> failure,
                   Duration reviewEvery, Status status, List<StatusChange> history) {
        this(id, title, purpose, owner, members, accounts, match, budget, window, success, failure, reviewEvery, status,
                history, OnExit.NOTIFY);
    }

    /** This charter with another status and one more dated history entry. */
    public Charter closed(Status newStatus, StatusChange change) {
        List<StatusChange> h = new java.util.ArrayList<>(history);
        h.add(change);
        return new Charter(id, title, purpose, owner, members, accounts, match, budget, window, success, failure,
                reviewEvery, newStatus, h, onExit, clusters);
    }

    /**
     * What reckon does when one of a charter's exits falls due ({@code reckon exits enforce}): always tell the owner
     * (ahead of time and at the exit); {@code hold} also holds the charter's pending jobs, {@code cancel} also holds
     * them and cancels its running jobs after a grace period.
     */
    public enum OnExit {
        NOTIFY, HOLD, CANCEL;

        /** The lower-case word used in files and JSON. */
        @com.fasterxml.jackson.annotation.JsonValue
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The policy for a word, in any case; null when it names none. */
        public static OnExit of(String word) {
            for (OnExit o : values()) if (o.name().equalsIgnoreCase(word == null ? "" : word.strip())) return o;
            return null;
        }
    }

    /**
     * When this charter's next review is due: its last history date (UTC), else its window start, plus
     * {@code review_every}; null when it has neither.
     */
    public java.time.Instant reviewDue() {
        java.time.Instant last = null;
        if (!history.isEmpty()) last = history.get(history.size() - 1).date().atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        else if (window.start() != null) last = window.start();
        return last == null ? null : last.plus(reviewEvery);
    }

    /**
     * Whether the job belongs to this charter: it ran on a cluster the charter covers, and names it by its comment
     * {@code charter=<id>} or meets a {@link Match} rule.
     */
    public boolean matches(Job job) {
        return covers(job.cluster()) && match.matches(id, job);
    }

    /** Whether the charter covers this cluster: it names no clusters (every one), or names this one. */
    public boolean covers(String cluster) {
        return clusters.isEmpty() || clusters.contains(cluster);
    }

    /** Where a charter stands. */
    public enum Status {
        ACTIVE, SUCCEEDED, FAILED, WITHDRAWN;

        /** The lower-case word used in files and JSON. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The status for a word, in any case; null when it names none. */
        public static Status of(String word) {
            for (Status s : values()) if (s.name().equalsIgnoreCase(word == null ? "" : word.strip())) return s;
            return null;
        }
    }

    /** One dated change of status, with an optional note of why. */
    public record StatusChange(LocalDate date, Status status, String note) {}

    /**
     * The capacity an effort may consume, in allocation-hours (what was charged, used or not).
     *
     * @param gpuHours   GPU-hours; 0 when none were asked for
     * @param cpuHours   CPU-hours; 0 when none were asked for
     * @param memGbHours GiB-hours of memory; null when not limited
     */
    public record Budget(double gpuHours, double cpuHours, Double memGbHours) {}

    /**
     * When an effort may run: from {@code start} (null: from whenever it was written) until {@code end}, exclusive.
     * A date given as the end means through the end of that day.
     */
    public record Window(Instant start, Instant end) {
        public boolean contains(Instant t) {
            return t != null && (start == null || !t.isBefore(start)) && t.isBefore(end);
        }
    }

    /** A user whose jobs with a name matching {@code nameGlob} ({@code *} any run, {@code ?} one character) belong. */
    public record UserJobs(String user, String nameGlob) {
        public UserJobs {
            nameGlob = nameGlob == null || nameGlob.isEmpty() ? "*" : nameGlob;
        }

        public boolean matches(Job job) {
            return user.equals(job.user()) && glob(nameGlob, job.name() == null ? "" : job.name());
        }
    }

    /**
     * The rules that tie jobs to a charter besides the comment {@code charter=<id>} and the wckey {@code <id>}, which
     * always do: another wckey, an
     * account, or a user with a job-name pattern. Any one rule matching is enough.
     */
    public record Match(List<String> wckeys, List<String> accounts, List<UserJobs> jobs) {
        public static final Match NONE = new Match(List.of(), List.of(), List.of());

        public Match {
            wckeys = wckeys == null ? List.of() : List.copyOf(wckeys);
            accounts = accounts == null ? List.of() : List.copyOf(accounts);
            jobs = jobs == null ? List.of() : List.copyOf(jobs);
        }

        /** Whether the job belongs to the charter with this id. */
        public boolean matches(String charterId, Job job) {
            if (commentNames(job.comment(), charterId)) return true;
            if (job.wckey() != null && (job.wckey().equals(charterId) || wckeys.contains(job.wckey()))) return true;
            if (job.account() != null && accounts.contains(job.account())) return true;
            for (UserJobs u : jobs) if (u.matches(job)) return true;
            return false;
        }

        /** Whether a Slurm comment holds {@code charter=<id>} as a whole word, e.g. {@code foo,charter=llm-ft}. */
        public static boolean commentNames(String comment, String charterId) {
            if (comment == null || charterId == null) return false;
            String needle = "charter=" + charterId;
            for (int at = comment.indexOf(needle); at >= 0; at = comment.indexOf(needle, at + 1)) {
                int after = at + needle.length();
                boolean startsWord = at == 0 || !idChar(comment.charAt(at - 1));
                boolean endsWord = after == comment.length() || !idChar(comment.charAt(after));
                if (startsWord && endsWord) return true;
            }
            return false;
        }

        private static boolean idChar(char c) {
            return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-';
        }
    }

    /** Whether {@code text} matches the glob: {@code *} any run of characters, {@code ?} exactly one. */
    public static boolean glob(String glob, String text) {
        int g = 0, t = 0, star = -1, mark = 0;
        while (t < text.length()) {
            if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == text.charAt(t))) {
                g++;
                t++;
            } else if (g < glob.length() && glob.charAt(g) == '*') {
                star = g++;
                mark = t;
            } else if (star >= 0) {
                g = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') g++;
        return g == glob.length();
    }

    /**
     * A condition over a metric the effort reports, optionally only once enough has been spent:
     * {@code val_accuracy >= 0.92}, {@code loss > 2.5 after 50 gpu_hours}, {@code f1 < 0.3 after 10 days}.
     *
     * @param metric      the metric's name as the job reports it
     * @param op          the comparison
     * @param value       the threshold
     * @param afterAmount how much must be spent before the condition counts; null when it counts at once
     * @param afterUnit   what {@code afterAmount} counts; null exactly when {@code afterAmount} is
     */
    public record Condition(String metric, Op op, double value, Double afterAmount, Unit afterUnit) {
        private static final Pattern SHAPE = Pattern.compile(
                "\\s*(\\S+?)\\s*(<=|>=|==|!=|<|>|=)\\s*(\\S+)(?:\\s+(\\S+)(?:\\s+(\\S+)(?:\\s+(\\S+))?)?)?\\s*(.*)");

        public Condition {
            if ((afterAmount == null) != (afterUnit == null))
                throw new IllegalArgumentException("an 'after' needs both an amount and a unit");
        }

        /** Whether a reported value meets the comparison (the {@code after} part is for the caller to weigh). */
        public boolean holds(double reported) {
            return op.test(reported, value);
        }

        /**
         * Reads a condition's text; a bad one is an {@link IllegalArgumentException} whose message says what is wrong
         * and shows the expected shape.
         */
        public static Condition parse(String text) {
            String shape = "; write METRIC OP NUMBER [after AMOUNT gpu_hours|cpu_hours|days], e.g. \"loss > 2.5 after 50 gpu_hours\"";
            if (text == null || text.isBlank()) throw new IllegalArgumentException("is empty" + shape);
            Matcher m = SHAPE.matcher(text);
            if (!m.matches()) throw new IllegalArgumentException("\"" + text.strip() + "\" has no comparison (<, <=, >, >=, ==, !=)" + shape);
            String metric = m.group(1);
            if (!Metric.isName(metric))
                throw new IllegalArgumentException("\"" + metric + "\" is not a metric name (" + Metric.NAME_RULE + ")" + shape);
            if (m.group(2).equals("=")) throw new IllegalArgumentException("\"=\" is not a comparison; did you mean \"==\"?" + shape);
            Op op = Op.of(m.group(2));
            double value = number(m.group(3), "threshold", shape);
            if (!m.group(7).isEmpty()) throw new IllegalArgumentException("unexpected \"" + m.group(7) + "\" at the end" + shape);
            if (m.group(4) == null) return new Condition(metric, op, value, null, null);
            if (!m.group(4).equalsIgnoreCase("after"))
                throw new IllegalArgumentException("unexpected \"" + m.group(4) + "\" after the threshold (expected \"after\")" + shape);
            if (m.group(5) == null) throw new IllegalArgumentException("\"after\" needs an amount and a unit" + shape);
            double amount = number(m.group(5), "'after' amount", shape);
            if (amount < 0) throw new IllegalArgumentException("the 'after' amount must not be negative" + shape);
            if (m.group(6) == null) throw new IllegalArgumentException("\"after " + m.group(5) + "\" needs a unit: gpu_hours, cpu_hours or days" + shape);
            Unit unit = Unit.of(m.group(6));
            if (unit == null)
                throw new IllegalArgumentException("\"" + m.group(6) + "\" is not a unit; use gpu_hours, cpu_hours or days" + shape);
            return new Condition(metric, op, value, amount, unit);
        }

        private static double number(String s, String what, String shape) {
            try {
                double v = Double.parseDouble(s);
                if (Double.isFinite(v) && !s.endsWith("d") && !s.endsWith("D") && !s.endsWith("f") && !s.endsWith("F")) return v;
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("\"" + s + "\" is not a number (the " + what + ")" + shape);
        }

        /** The text the condition was read from, in its canonical spelling. */
        @Override
        public String toString() {
            String s = metric + " " + op.symbol() + " " + plain(value);
            return afterAmount == null ? s : s + " after " + plain(afterAmount) + " " + afterUnit.word();
        }

        private static String plain(double v) {
            return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
        }

        /** A comparison. */
        public enum Op {
            LT("<"), LE("<="), GT(">"), GE(">="), EQ("=="), NE("!=");

            private final String symbol;

            Op(String symbol) {
                this.symbol = symbol;
            }

            public String symbol() {
                return symbol;
            }

            public boolean test(double a, double b) {
                return switch (this) {
                    case LT -> a < b;
                    case LE -> a <= b;
                    case GT -> a > b;
                    case GE -> a >= b;
                    case EQ -> a == b;
                    case NE -> a != b;
                };
            }

            static Op of(String symbol) {
                for (Op o : values()) if (o.symbol.equals(symbol)) return o;
                throw new IllegalArgumentException("\"" + symbol + "\" is not a comparison");
            }
        }

        /** What an {@code after} amount counts. */
        public enum Unit {
            GPU_HOURS, CPU_HOURS, DAYS;

            public String word() {
                return name().toLowerCase(Locale.ROOT);
            }

            static Unit of(String word) {
                String w = word.toLowerCase(Locale.ROOT);
                return switch (w) {
                    case "gpu_hours", "gpu_hour" -> GPU_HOURS;
                    case "cpu_hours", "cpu_hour" -> CPU_HOURS;
                    case "days", "day" -> DAYS;
                    default -> null;
                };
            }
        }
    }
}
