package dev.reckon.report;

import dev.reckon.rightsize.Rightsize;

import java.util.Locale;

/** {@code reckon rightsize} as text for the terminal and as Markdown. */
public final class RightsizeReport {
    private RightsizeReport() {
    }

    public static String text(Rightsize.Plan r) {
        StringBuilder b = new StringBuilder();
        b.append(header(r)).append("\n\n");
        if (r.groups().isEmpty()) return b.toString();
        Table t = new Table("GROUP", "JOBS>", "OOM>", "TIMEOUT>", "CPUS>", "MEM>", "TIME>", "GPUS>", "CPU-H FREED>",
                "GPU-H FREED>", "GIB-H FREED>");
        for (Rightsize.Recommendation g : r.groups()) {
            Rightsize.Shape a = g.asked(), s = g.recommended();
            t.row(g.group(), g.evidence().jobs(), g.evidence().oom(), g.evidence().timeouts(),
                    change(a.cpus(), s.cpus()), change(mem(a.memBytes()), mem(s.memBytes())),
                    change(time(a.timeS()), time(s.timeS())), change(a.gpus(), s.gpus()),
                    Format.number(g.freed().cpuHours()), Format.number(g.freed().gpuHours()),
                    Format.number(g.freed().memGbHours()));
        }
        b.append(t.render()).append('\n');
        for (Rightsize.Recommendation g : r.groups()) {
            b.append(g.group()).append(": sbatch ").append(g.sbatch().isEmpty() ? "(no figure: keep as is)" : g.sbatch())
                    .append('\n').append("  ").append(evidence(r, g)).append('\n');
        }
        return b.toString();
    }

    public static String markdown(Rightsize.Plan r) {
        StringBuilder b = new StringBuilder("# Right-sizing\n\n").append(header(r)).append("\n\n");
        if (r.groups().isEmpty()) return b.toString();
        b.append("| group | jobs | OOM | timeout | sbatch | CPU-h freed | GPU-h freed | GiB-h freed |\n");
        b.append("|---|---:|---:|---:|---|---:|---:|---:|\n");
        for (Rightsize.Recommendation g : r.groups()) {
            b.append("| ").append(cell(g.group())).append(" | ").append(g.evidence().jobs()).append(" | ")
                    .append(g.evidence().oom()).append(" | ").append(g.evidence().timeouts()).append(" | `")
                    .append(g.sbatch()).append("` | ").append(Format.number(g.freed().cpuHours())).append(" | ")
                    .append(Format.number(g.freed().gpuHours())).append(" | ")
                    .append(Format.number(g.freed().memGbHours())).append(" |\n");
        }
        b.append('\n');
        for (Rightsize.Recommendation g : r.groups()) {
            b.append("- **").append(cell(g.group())).append("**: ").append(evidence(r, g)).append('\n');
        }
        return b.toString();
    }

    private static String header(Rightsize.Plan r) {
        String window = r.since() == null && r.until() == null ? "all the ledger holds"
                : (r.since() == null ? "the start" : r.since()) + " to " + (r.until() == null ? "now" : r.until());
        return String.format(Locale.ROOT, "Recommended shapes for %d ended jobs in %d group%s (by %s), from %s; p%s "
                        + "of history with margins (docs/rightsize.md). Freed: what the jobs held minus what the "
                        + "shape would have held for the same time.", r.jobs(), r.groups().size(),
                r.groups().size() == 1 ? "" : "s", r.by(), window, trim(r.defaults().percentile()));
    }

    private static String evidence(Rightsize.Plan r, Rightsize.Recommendation g) {
        Rightsize.Evidence e = g.evidence();
        String p = "p" + trim(r.defaults().percentile());
        StringBuilder b = new StringBuilder();
        b.append(e.jobs()).append(e.jobs() == 1 ? " job (" : " jobs (").append(e.completed()).append(" completed, ").append(e.oom())
                .append(" out of memory, ").append(e.timeouts()).append(" timed out); ");
        b.append(p).append(" peak memory ").append(Format.bytes(e.peakMemBytes()));
        b.append(", ").append(p).append(" elapsed ").append(Format.duration(e.elapsedS()));
        b.append(", ").append(p).append(" CPU efficiency ").append(Format.percent(e.cpuEff()));
        if (e.gpuUtilKnown() > 0) {
            b.append(", ").append(p).append(" GPU utilisation ").append(Format.percent(e.gpuUtil()))
                    .append(" (").append(e.gpuUtilKnown()).append(e.gpuUtilKnown() == 1 ? " job)" : " jobs)");
        }
        if (e.largestOomAllocBytes() != null) {
            b.append("; largest allocation that ran out of memory ").append(Format.bytes(e.largestOomAllocBytes()));
        }
        if (e.longestTimeoutLimitS() != null) {
            b.append("; longest limit hit ").append(Format.duration(e.longestTimeoutLimitS()));
        }
        if (e.multiNode() > 0) {
            b.append("; ").append(e.multiNode()).append(" multi-node jobs: the memory is per job, --mem is per node");
        }
        return b.toString();
    }

    private static String change(Object asked, Object rec) {
        String a = asked == null ? "-" : asked.toString();
        String s = rec == null ? "-" : rec.toString();
        return a.equals(s) ? s : a + " -> " + s;
    }

    private static String mem(Long b) {
        return b == null ? null : Rightsize.mem(b);
    }

    private static String time(Long s) {
        return s == null ? null : Rightsize.time(s);
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("*", "\\*");
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
