package dev.reckon.report;

import dev.reckon.exits.Calendar;
import dev.reckon.exits.Exits;
import dev.reckon.review.Review;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;

/**
 * The review digest for group leads, as Markdown: per charter, what it used against its budget, its verdict, the
 * undefended work of its owner and members, and its upcoming stops.
 */
public final class DigestReport {
    private DigestReport() {}

    /** How many undefended jobs a section lists (the rest are counted). */
    public static final int JOBS_SHOWN = 10;

    /**
     * One charter's part of the digest.
     *
     * @param evaluation its exits evaluation (verdict, budget, used, left); null when it was not evaluated
     * @param use        its jobs in the review window; null when it had none
     * @param undefended the window's jobs of its owner and members that no charter defends
     * @param stops      its upcoming planned stops, in date order
     */
    public record Section(String charter, String owner, String title, String status, Exits.Evaluation evaluation,
                          Review.CharterUse use, List<Review.JobVerdict> undefended, List<Calendar.Stop> stops) {
        public Section {
            undefended = List.copyOf(undefended);
            stops = List.copyOf(stops);
        }
    }

    /** The digest as one Markdown document. */
    public static String markdown(List<Section> sections, Instant since, Instant until, Instant now, ZoneId zone) {
        StringBuilder b = new StringBuilder();
        b.append("# reckon review digest\n\n");
        b.append("Window: ").append(since == null ? "(open)" : Format.time(since, zone)).append(" to ")
                .append(until == null ? "now" : Format.time(until, zone)).append(" (exclusive); made ")
                .append(Format.time(now, zone)).append(".\n\n");
        if (sections.isEmpty()) b.append("No charters.\n");
        for (Section s : sections) {
            b.append("## ").append(md(s.charter())).append(s.title() == null || s.title().equals(s.charter()) ? ""
                    : " — " + md(s.title())).append("\n\n");
            b.append("- Owner: ").append(md(s.owner())).append("; status: ").append(md(s.status())).append('\n');
            Exits.Evaluation e = s.evaluation();
            if (e != null) {
                b.append("- Verdict: **").append(e.verdict().word()).append("**");
                if (e.exit() != null) b.append(" (").append(md(e.exit().reason())).append(')');
                b.append('\n');
                b.append("- Used: ").append(used(e)).append('\n');
                if (e.projectedExhaustion() != null)
                    b.append("- Budget runs out about ").append(Format.time(e.projectedExhaustion(), zone)).append(" at the recent rate\n");
            }
            if (s.use() != null) {
                b.append("- In this window: ").append(s.use().jobs()).append(" jobs (").append(s.use().defendedJobs())
                        .append(" defended), ").append(Format.number(s.use().gpuHours())).append(" GPU-h, ")
                        .append(Format.number(s.use().cpuHours())).append(" CPU-h\n");
            }
            if (s.stops().isEmpty()) b.append("- Upcoming stops: none\n");
            else {
                b.append("- Upcoming stops:\n");
                for (Calendar.Stop st : s.stops()) {
                    b.append("  - ").append(Format.time(st.at(), zone)).append(": ").append(md(st.summary())).append('\n');
                }
            }
            List<Review.JobVerdict> u = s.undefended().stream()
                    .sorted(Comparator.comparingDouble(Review.JobVerdict::gpuHours).reversed()
                            .thenComparing(Comparator.comparingDouble(Review.JobVerdict::cpuHours).reversed())).toList();
            if (u.isEmpty()) {
                b.append("- Undefended work of its people: none\n\n");
                continue;
            }
            double gpu = u.stream().mapToDouble(Review.JobVerdict::gpuHours).sum();
            double cpu = u.stream().mapToDouble(Review.JobVerdict::cpuHours).sum();
            b.append("- Undefended work of its people: ").append(u.size()).append(" job").append(u.size() == 1 ? "" : "s")
                    .append(", ").append(Format.number(gpu)).append(" GPU-h, ").append(Format.number(cpu))
                    .append(" CPU-h (defend them with --comment=charter=").append(md(s.charter())).append(")\n\n");
            Table t = new Table("JOB", "CLUSTER", "USER", "NAME", "STATE", "CLASS", "GPU-H", "CPU-H", "WHY");
            for (Review.JobVerdict j : u.subList(0, Math.min(JOBS_SHOWN, u.size()))) {
                t.row(j.jobId(), j.cluster(), j.user(), j.name(), j.state(), j.jobClass().word(),
                        Format.number(j.gpuHours()), Format.number(j.cpuHours()), j.reason());
            }
            b.append(t.markdown());
            if (u.size() > JOBS_SHOWN) b.append("\n(and ").append(u.size() - JOBS_SHOWN).append(" more)\n");
            b.append('\n');
        }
        return b.toString();
    }

    private static String used(Exits.Evaluation e) {
        StringBuilder b = new StringBuilder();
        Exits.Amounts budget = e.budget();
        if (budget.gpuHours() != null)
            b.append(Format.number(e.used().gpuHours())).append(" of ").append(Format.number(budget.gpuHours()))
                    .append(" GPU-h (").append(Format.percent(e.usedFraction().gpuHours())).append(')');
        if (budget.cpuHours() != null)
            b.append(b.length() == 0 ? "" : ", ").append(Format.number(e.used().cpuHours())).append(" of ")
                    .append(Format.number(budget.cpuHours())).append(" CPU-h (")
                    .append(Format.percent(e.usedFraction().cpuHours())).append(')');
        return b.length() == 0 ? "no budget" : b.toString();
    }

    private static String md(String s) {
        return s == null ? "-" : Table.escapeMarkdown(s);
    }
}
