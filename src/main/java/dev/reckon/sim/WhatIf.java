package dev.reckon.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;

/**
 * What-if: one period of jobs replayed under variants side by side, on the same machine and policy: as it happened
 * (simulated), without the undefended jobs, with more nodes, and with requests right-sized to what jobs used. Each
 * variant is a full simulation; the answer is their figures and a few sentences that compare them with the first.
 */
public final class WhatIf {
    /** The variant every other is compared with. */
    public static final String AS_HAPPENED = "as happened";
    public static final String WITHOUT_UNDEFENDED = "without undefended";
    public static final String RIGHT_SIZED = "right-sized";

    private WhatIf() {}

    /**
     * The figures of one variant.
     *
     * @param name        e.g. {@code as happened}, {@code without undefended}, {@code +10% nodes}, {@code right-sized}
     * @param description what was changed, in words
     * @param jobs        jobs that ran in it
     * @param dropped     jobs that fit no part of its machine
     * @param metrics     its schedule's figures
     */
    public record Variant(String name, String description, long jobs, long dropped, Figures metrics,
                          DefendedWaits defended) {}

    /**
     * The waits of the defended jobs alone (those every variant keeps), so that variants compare like with like.
     *
     * @param jobs       defended jobs that ran in the variant
     * @param meanWaitS  their mean wait, seconds
     */
    public record DefendedWaits(long jobs, double meanWaitS) {}

    /**
     * The figures the comparison uses (seconds; utilisation a fraction of all cores over the makespan).
     *
     * @param meanBoundedSlowdown mean bounded slowdown (10 s threshold by default)
     */
    public record Figures(double meanWaitS, double medianWaitS, double p95WaitS, double meanBoundedSlowdown,
                          double utilisation, long makespanS) {
        static Figures of(Metrics m) {
            return new Figures(m.meanWaitS(), m.medianWaitS(), m.p95WaitS(), m.meanBoundedSlowdown(), m.utilisation(),
                    m.makespanS());
        }
    }

    /**
     * The waits the scheduler actually gave, for reference beside the simulated ones (nearest-rank median and p95).
     *
     * @param jobs jobs with a recorded start
     */
    public record Recorded(long jobs, double meanWaitS, double medianWaitS, double p95WaitS) {
        /** The figures of these recorded waits (seconds; negative ones read as 0). */
        public static Recorded of(long[] waits) {
            long[] w = waits.clone();
            for (int i = 0; i < w.length; i++) w[i] = Math.max(0, w[i]);
            Arrays.sort(w);
            if (w.length == 0) return new Recorded(0, 0, 0, 0);
            double sum = 0;
            for (long x : w) sum += x;
            return new Recorded(w.length, sum / w.length, rank(w, 0.5), rank(w, 0.95));
        }
    }

    /**
     * What the undefended jobs held in the as-happened simulation.
     *
     * @param jobs           undefended jobs that ran
     * @param nodeHours      their node-hours (nodes x run time; nodes as asked, else as few as their cores need)
     * @param coreHours      their core-hours
     * @param totalCoreHours every job's core-hours
     */
    public record Undefended(long jobs, double nodeHours, double coreHours, double totalCoreHours) {
        public double coreShare() {
            return totalCoreHours > 0 ? coreHours / totalCoreHours : 0;
        }
    }

    /**
     * The comparison.
     *
     * @param policy     the policy every variant ran under
     * @param variants   as happened first, then the others that could be made
     * @param recorded   the recorded waits, or null when the source has none
     * @param undefended what the undefended held, or null when no rule says which jobs are undefended
     * @param summary    the comparison in plain words with numbers
     * @param notes      what was skipped or assumed
     */
    public record Result(String policy, List<Variant> variants, Recorded recorded, Undefended undefended,
                         List<String> summary, List<String> notes) {
        public Result {
            variants = List.copyOf(variants);
            summary = List.copyOf(summary);
            notes = List.copyOf(notes);
        }

        /** The variant of this name, or null. */
        public Variant variant(String name) {
            for (Variant v : variants) if (v.name().equals(name)) return v;
            return null;
        }
    }

    /**
     * Runs the variants.
     *
     * @param machine         the machine as it is
     * @param asHappened      the period's jobs as they were submitted
     * @param undefended      which of {@code asHappened}'s jobs are undefended; null: no rule, the variant is skipped
     * @param rightSized      the same jobs with right-sized requests ({@link RightSizing}); null: skipped
     * @param recorded        the recorded waits, or null
     * @param addNodesPercent extra nodes for the "more nodes" variant, percent (0: skipped)
     * @param policy          a policy name {@link Policies} knows
     */
    public static Result compare(Machine machine, Workload asHappened, IntPredicate undefended, Workload rightSized,
                                 Recorded recorded, double addNodesPercent, String policy, SimDefaults defaults) {
        List<Variant> variants = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        SimResult base = Simulator.run(machine, asHappened, policy, defaults);
        IntPredicate defended = undefended == null ? null : j -> !undefended.test(j);
        variants.add(variant(AS_HAPPENED, "the jobs as submitted, on the machine as it is", base, defended));
        Undefended held = null;
        if (undefended != null) {
            held = held(base, undefended);
            Workload kept = asHappened.filter(j -> !undefended.test(j));
            variants.add(variant(WITHOUT_UNDEFENDED, "habitual and orphaned jobs never submitted",
                    Simulator.run(machine, kept, policy, defaults), j -> true));
        } else {
            notes.add("no rule says which jobs are undefended: that variant is skipped");
        }
        String more = null;
        int moreNodes = 0;
        boolean roundedUp = false;
        if (addNodesPercent != 0) {
            Machine bigger = machine.scaled(addNodesPercent);
            int added = (int) (bigger.totalNodes() - machine.totalNodes());
            if (addNodesPercent > 0 && added == 0) {
                bigger = machine.plusOneNode();
                added = 1;
                roundedUp = true;
                notes.add(trim(addNodesPercent) + "% of " + machine.totalNodes() + " nodes rounds to none: one node is added");
            }
            more = nodesName(addNodesPercent);
            variants.add(variant(more, Math.abs(added) + (Math.abs(added) == 1 ? " node " : " nodes ")
                    + (added >= 0 ? "added" : "removed") + " (" + machine.totalNodes() + " -> " + bigger.totalNodes() + ")",
                    Simulator.run(bigger, asHappened, policy, defaults), defended));
            moreNodes = added;
        }
        if (rightSized != null) {
            variants.add(variant(RIGHT_SIZED, defaults.rightSizing().describe(),
                    Simulator.run(machine, rightSized, policy, defaults), defended));
        } else {
            notes.add("right-sizing is skipped: the source records no usage to size requests to");
        }
        Result draft = new Result(policy, variants, recorded, held, List.of(), notes);
        return new Result(policy, variants, recorded, held, summary(draft, more, addNodesPercent, roundedUp), notes);
    }

    /** The name of the "more nodes" variant: {@code +10% nodes}. */
    public static String nodesName(double percent) {
        return (percent > 0 ? "+" : "") + trim(percent) + "% nodes";
    }

    private static Variant variant(String name, String description, SimResult r, IntPredicate defended) {
        Metrics m = r.metrics();
        DefendedWaits d = null;
        if (defended != null) {
            Workload w = r.workload();
            long n = 0;
            double sum = 0;
            for (int j = 0; j < w.size(); j++) {
                if (!r.ran(j) || !defended.test(j)) continue;
                n++;
                sum += r.start(j) - w.submit(j);
            }
            d = new DefendedWaits(n, n == 0 ? 0 : sum / n);
        }
        return new Variant(name, description, m.jobs(), m.dropped(), Figures.of(m), d);
    }

    private static Undefended held(SimResult base, IntPredicate undefended) {
        Workload w = base.workload();
        long jobs = 0;
        double nodeS = 0, coreS = 0, allS = 0;
        for (int j = 0; j < w.size(); j++) {
            if (!base.ran(j)) continue;
            long run = base.end(j) - base.start(j);
            allS += (double) run * w.cores(j);
            if (!undefended.test(j)) continue;
            jobs++;
            coreS += (double) run * w.cores(j);
            int perNode = base.machine().groups().get(base.group(j)).cores();
            long nodes = w.nodes(j) > 0 ? w.nodes(j) : (w.cores(j) + perNode - 1) / perNode;
            nodeS += (double) run * nodes;
        }
        return new Undefended(jobs, nodeS / 3600, coreS / 3600, allS / 3600);
    }

    private static List<String> summary(Result r, String more, double percent, boolean roundedUp) {
        List<String> out = new ArrayList<>();
        Variant base = r.variant(AS_HAPPENED);
        double a = base.metrics().meanWaitS();
        String s = "As simulated under " + r.policy() + ", the " + base.jobs() + " jobs wait " + human(a)
                + " on average (p95 " + human(base.metrics().p95WaitS()) + ")";
        if (r.recorded() != null && r.recorded().jobs() > 0) {
            s += "; the scheduler's records say " + human(r.recorded().meanWaitS()) + " (p95 "
                    + human(r.recorded().p95WaitS()) + ")";
        }
        out.add(s + ".");
        Variant without = r.variant(WITHOUT_UNDEFENDED);
        // like with like: the defended jobs, which every variant keeps, are compared by their own waits
        double d = base.defended() != null ? base.defended().meanWaitS() : a;
        String whose = base.defended() != null ? "the " + base.defended().jobs() + " defended jobs' mean wait" : null;
        if (without != null) {
            Undefended u = r.undefended();
            out.add(String.format(Locale.ROOT, "Removing undefended work (%,d jobs) frees %s node-hours (%s of "
                            + "consumed core-hours) and %s.", u.jobs(), number(u.nodeHours()), percent(u.coreShare()),
                    whose(change(d, without.defended().meanWaitS()), whose)));
        }
        Variant bigger = more == null ? null : r.variant(more);
        String words = moreWords(percent) + (roundedUp ? " (rounded up to one node)" : "");
        if (bigger != null) {
            out.add(capital(words) + " " + whose(change(d, bigger.defended() != null ? bigger.defended().meanWaitS()
                    : bigger.metrics().meanWaitS()), whose) + ".");
        }
        Variant sized = r.variant(RIGHT_SIZED);
        if (sized != null) {
            out.add("Right-sizing time limits and memory to what jobs used " + change(a, sized.metrics().meanWaitS())
                    + ".");
        }
        if (without != null && bigger != null) {
            double w = without.defended().meanWaitS(), b = bigger.defended().meanWaitS();
            out.add(w < b ? "Removing undefended work shortens waits more than " + words + " would."
                    : w > b ? capital(words) + " would shorten waits more than removing undefended work."
                    : "Removing undefended work and " + words + " shorten waits alike.");
            out.add("(Both compare the defended jobs' waits, which every variant keeps.)");
        }
        return out;
    }

    /** The change's words about whose wait: {@code cuts the 4 defended jobs' mean wait by ...}. */
    private static String whose(String change, String whose) {
        return whose == null ? change : change.replace("the mean wait", whose);
    }

    /** {@code cuts mean wait by 42% (2.1 h -> 1.2 h)}, or {@code raises ...}, or {@code leaves ... unchanged}. */
    static String change(double from, double to) {
        String arrow = " (" + human(from) + " -> " + human(to) + ")";
        if (Math.abs(from - to) < 0.5) return "leaves the mean wait unchanged" + arrow;
        if (from <= 0) return "raises the mean wait" + arrow;
        double pct = (from - to) / from;
        return (pct > 0 ? "cuts the mean wait by " : "raises the mean wait by ") + percent(Math.abs(pct)) + arrow;
    }

    /** A wait for sentences: {@code 45 s}, {@code 12 min}, {@code 3.4 h}, {@code 2.1 d}. */
    public static String human(double seconds) {
        if (seconds < 90) return Math.round(seconds) + " s";
        if (seconds < 5400) return Math.round(seconds / 60) + " min";
        if (seconds < 172_800) return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
        return String.format(Locale.ROOT, "%.1f d", seconds / 86400);
    }

    private static String percent(double fraction) {
        double p = fraction * 100;
        return p >= 10 || p == 0 ? Math.round(p) + "%" : String.format(Locale.ROOT, "%.1f%%", p);
    }

    private static String number(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String moreWords(double percent) {
        return percent > 0 ? trim(percent) + "% more nodes" : trim(-percent) + "% fewer nodes";
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static double rank(long[] sorted, double q) {
        int k = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, k))];
    }
}
