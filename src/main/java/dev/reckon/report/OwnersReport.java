package dev.reckon.report;

import dev.reckon.review.Owners;
import dev.reckon.review.Owners.Load;
import dev.reckon.review.Owners.Owner;
import dev.reckon.review.Owners.Result;
import dev.reckon.review.Owners.Unowned;

import java.time.ZoneId;
import java.util.Locale;

/**
 * The attention view as a person reads it: each owner's active charters and babysitting load, then the load of the
 * jobs nobody owns. The JSON form is {@link Result} itself, written by {@link Json}.
 */
public final class OwnersReport {
    private OwnersReport() {}

    /** The view as terminal tables; {@code top} bounds the unowned users listed (0 or less: all). */
    public static String terminal(Result r, ZoneId zone, int top) {
        StringBuilder b = new StringBuilder();
        b.append("Attention from ").append(r.since() == null ? "the beginning" : Format.time(r.since(), zone)).append(" to ")
                .append(Format.time(r.until() == null ? r.now() : r.until(), zone))
                .append(String.format(Locale.ROOT, " (%s; %s weeks); limit %d active charters per owner%n%n", Format.zone(zone),
                        Format.number(r.weeks()), r.limit()));
        b.append("Owners: active charters held and babysitting of their charters' jobs\n");
        if (r.owners().isEmpty()) b.append("  (no charters)\n");
        else {
            Table t = new Table("OWNER", "ACTIVE>", "FLAG", "CHARTERS", "JOBS>", "FAILED>", "TIMEOUT>", "OOM>", "RESUBMIT>", "PER WEEK>");
            for (Owner o : r.owners()) {
                Load l = o.load();
                t.row(o.owner(), o.activeCharters().size(), o.overLimit() ? "over limit" : "",
                        o.activeCharters().isEmpty() ? "-" : String.join(",", o.activeCharters()), l.jobs(), l.failed(),
                        l.timedOut(), l.memoryKilled(), l.resubmitted(), Format.number(l.perWeek()));
            }
            b.append(t.render());
        }
        b.append('\n');
        b.append("Unowned: jobs no charter claims, by user\n");
        if (r.unowned().isEmpty()) b.append("  (none)\n");
        else {
            Table t = new Table("USER", "JOBS>", "FAILED>", "TIMEOUT>", "OOM>", "RESUBMIT>", "PER WEEK>");
            int n = 0;
            for (Unowned u : r.unowned()) {
                if (top > 0 && n++ >= top) break;
                Load l = u.load();
                t.row(u.user(), l.jobs(), l.failed(), l.timedOut(), l.memoryKilled(), l.resubmitted(), Format.number(l.perWeek()));
            }
            b.append(t.render());
            if (top > 0 && r.unowned().size() > top)
                b.append("  ... and ").append(r.unowned().size() - top).append(" more users\n");
        }
        b.append(String.format(Locale.ROOT, "%nOOM: OUT_OF_MEMORY, or FAILED with exit code 0:9 or 0:125. RESUBMIT: sent again "
                + "within %d minutes after a failure of the same user and name pattern.%n", Owners.RESUBMIT_WINDOW_MIN));
        return b.toString();
    }
}
