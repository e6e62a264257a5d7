package dev.reckon.report;

import dev.reckon.review.Review;
import dev.reckon.review.Review.CharterUse;
import dev.reckon.review.Review.Kill;
import dev.reckon.review.Review.Result;
import dev.reckon.review.Review.Share;
import dev.reckon.review.Review.Signature;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The standing review as a person reads it: the classes' shares of consumption, each charter's consumption against
 * its budget, the kill list and the top undefended signatures; as terminal tables or as Markdown. The JSON form is
 * {@link Result} itself, written by {@link Json}.
 */
public final class ReviewReport {
    private ReviewReport() {}

    /** The review as terminal tables, one section after another. */
    public static String terminal(Result r, ZoneId zone) {
        StringBuilder b = new StringBuilder();
        b.append("Review of ").append(window(r, zone)).append(": ").append(r.jobs().size()).append(" jobs\n\n");
        for (Section s : sections(r, zone)) {
            b.append(s.title).append('\n');
            if (s.rows.isEmpty()) {
                b.append("  (none)\n\n");
                continue;
            }
            Table t = new Table(s.columns);
            for (Object[] row : s.rows) t.row(row);
            b.append(t.render()).append('\n');
        }
        return b.toString();
    }

    /**
     * A short form for a first look: the shares, the charters and the first {@code kills} rows of the kill list (with
     * how many more there are); no signatures.
     */
    public static String brief(Result r, ZoneId zone, int kills) {
        StringBuilder b = new StringBuilder();
        b.append("Review of ").append(window(r, zone)).append(": ").append(r.jobs().size()).append(" jobs\n\n");
        List<Section> all = sections(r, zone);
        for (int i = 0; i < 3; i++) {
            Section s = all.get(i);
            b.append(s.title).append('\n');
            if (s.rows.isEmpty()) {
                b.append("  (none)\n\n");
                continue;
            }
            Table t = new Table(s.columns);
            int n = 0;
            for (Object[] row : s.rows) if (i != 2 || n++ < kills) t.row(row);
            b.append(t.render());
            if (i == 2 && s.rows.size() > kills) b.append("  ... and ").append(s.rows.size() - kills).append(" more\n");
            b.append('\n');
        }
        return b.toString();
    }

    /** The same sections as Markdown tables. */
    public static String markdown(Result r, ZoneId zone) {
        StringBuilder b = new StringBuilder();
        b.append("# Review of ").append(window(r, zone)).append("\n\n").append(r.jobs().size()).append(" jobs.\n\n");
        for (Section s : sections(r, zone)) {
            b.append("## ").append(s.title).append("\n\n");
            if (s.rows.isEmpty()) {
                b.append("(none)\n\n");
                continue;
            }
            List<String> head = new ArrayList<>();
            List<String> rule = new ArrayList<>();
            for (String c : s.columns) {
                boolean right = c.endsWith(">");
                head.add(cell(right ? c.substring(0, c.length() - 1) : c));
                rule.add(right ? "---:" : "---");
            }
            b.append("| ").append(String.join(" | ", head)).append(" |\n");
            b.append("| ").append(String.join(" | ", rule)).append(" |\n");
            for (Object[] row : s.rows) {
                List<String> cells = new ArrayList<>();
                for (Object o : row) cells.add(cell(Format.orDash(o)));
                b.append("| ").append(String.join(" | ", cells)).append(" |\n");
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String cell(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ");
    }

    private static String window(Result r, ZoneId zone) {
        return (r.since() == null ? "the beginning" : Format.time(r.since(), zone)) + " to "
                + (r.until() == null ? Format.time(r.now(), zone) : Format.time(r.until(), zone)) + " ("
                + Format.zone(zone) + ")";
    }

    /** A budget figure: {@code none} where the charter grants none of the resource. */
    private static String budget(double hours) {
        return hours > 0 ? Format.number(hours) : "none";
    }

    private record Section(String title, String[] columns, List<Object[]> rows) {}

    private static List<Section> sections(Result r, ZoneId zone) {
        List<Object[]> shares = new ArrayList<>();
        for (Share s : r.shares()) {
            shares.add(new Object[] {s.jobClass().word(), s.jobs(), Format.number(s.cpuHours()), Format.percent(s.cpuFraction()),
                    Format.number(s.gpuHours()), Format.percent(s.gpuFraction()), Format.number(s.memGbHours()),
                    Format.percent(s.memFraction())});
        }
        List<Object[]> charters = new ArrayList<>();
        for (CharterUse c : r.charters()) {
            charters.add(new Object[] {c.charter(), c.owner(), c.status(), c.jobs(), c.defendedJobs(),
                    Format.number(c.gpuHours()) + " / " + budget(c.budgetGpuHours()), Format.percent(c.gpuUsed()),
                    Format.number(c.cpuHours()) + " / " + budget(c.budgetCpuHours()), Format.percent(c.cpuUsed()),
                    Format.time(c.reviewDue(), zone)});
        }
        List<Object[]> kills = new ArrayList<>();
        for (Kill k : r.killList()) {
            kills.add(new Object[] {k.jobId(), k.user(), k.state(), k.jobClass().word(), k.gpus(), k.cpus(),
                    Format.bytes(k.memBytes()), Format.duration(k.ageS()), k.reason()});
        }
        List<Object[]> sigs = new ArrayList<>();
        for (Signature s : r.signatures()) {
            sigs.add(new Object[] {s.user(), s.pattern(), s.jobs(), s.habitual(), s.orphaned(), Format.number(s.gpuHours()),
                    Format.number(s.cpuHours())});
        }
        return List.of(
                new Section("Shares of consumption by class", new String[] {"CLASS", "JOBS>", "CPU-H>", "CPU%>", "GPU-H>",
                        "GPU%>", "MEM-GB-H>", "MEM%>"}, shares),
                new Section("Charters: consumed in the window against budget", new String[] {"CHARTER", "OWNER", "STATUS",
                        "JOBS>", "DEFENDED>", "GPU-H / BUDGET>", "GPU USED>", "CPU-H / BUDGET>", "CPU USED>", "REVIEW DUE"}, charters),
                new Section("Kill list: running and pending undefended jobs, by capacity held", new String[] {"JOBID", "USER",
                        "STATE", "CLASS", "GPUS>", "CPUS>", "MEM>", "AGE>", "REASON"}, kills),
                new Section("Top undefended signatures (up to " + Review.TOP_SIGNATURES + ")", new String[] {"USER", "PATTERN",
                        "JOBS>", "HABITUAL>", "ORPHANED>", "GPU-H>", "CPU-H>"}, sigs));
    }
}
