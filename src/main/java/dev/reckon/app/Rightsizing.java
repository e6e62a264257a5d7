package dev.reckon.app;

import dev.reckon.charter.Charters;
import dev.reckon.core.BadRequest;
import dev.reckon.ledger.JobQuery;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.Charter;
import dev.reckon.model.Job;
import dev.reckon.report.Format;
import dev.reckon.rightsize.Defaults;
import dev.reckon.rightsize.Rightsize;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Right-sizing from history: for the jobs of a window, one recommended shape per group with its evidence and what
 * it would have freed (docs/rightsize.md). The window is streamed from the ledger; each group keeps compact per-job
 * values, never the jobs.
 */
public final class Rightsizing {
    private final Context ctx;

    public Rightsizing(Context ctx) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
    }

    /**
     * Which jobs and how to group them; every criterion optional (null: any).
     *
     * @param since      window start: jobs pending or running at some time in the window
     * @param until      window end
     * @param user       users, exact, a comma list means any of them
     * @param name       a job-name pattern ({@code *} any run, {@code ?} one character), e.g. a campaign stage's
     *                   {@code match}
     * @param charter    only the jobs of this charter
     * @param account    accounts, exact, a comma list means any of them
     * @param by         {@code signature} (user and job-name signature, the default), {@code user}, {@code name},
     *                   {@code charter} or {@code account}
     * @param percentile the percentile covered, above 0 and at most 100; null: the default (95)
     * @param clusters   only the jobs of these clusters (empty: every cluster)
     */
    public record Request(Instant since, Instant until, String user, String name, String charter, String account,
                          String by, Double percentile, List<String> clusters) {
        public Request(Instant since, Instant until, String user, String name, String charter, String account,
                       String by, Double percentile) {
            this(since, until, user, name, charter, account, by, percentile, null);
        }

        public Request {
            clusters = Clusters.of(clusters);
        }

        public static Request all() {
            return new Request(null, null, null, null, null, null, null, null);
        }
    }

    public Outcome<Rightsize.Plan> rightsize(Request r) {
        Rightsize.By by = r.by() == null ? Rightsize.By.SIGNATURE : Rightsize.By.of(r.by());
        if (by == null) throw new BadRequest("--by: \"" + r.by() + "\" is not one of signature, user, name, charter, account, cluster");
        Defaults d = Defaults.STANDARD;
        if (r.percentile() != null) {
            if (!(r.percentile() > 0 && r.percentile() <= 100)) {
                throw new BadRequest("--percentile: must be above 0 and at most 100, not " + r.percentile());
            }
            d = d.withPercentile(r.percentile());
        }
        if (r.since() != null && r.until() != null && r.until().isBefore(r.since())) {
            throw new BadRequest("--until: before --since");
        }
        List<dev.reckon.core.InputError> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<Charter> charters = List.of();
        Charter only = null;
        if (r.charter() != null || by == Rightsize.By.CHARTER) {
            Outcome<Charters> loaded = Chartering.load(ctx);
            problems.addAll(loaded.problems());
            notes.addAll(loaded.notes());
            charters = loaded.value().all();
            if (r.charter() != null) {
                only = loaded.value().byId(r.charter()).orElseThrow(() -> new BadRequest("--charter: no valid charter \""
                        + r.charter() + "\" in " + ctx.charterDir()));
            }
        }
        Rightsize.Groups groups = new Rightsize.Groups();
        JobQuery q = new JobQuery(r.user(), r.account(), null, null, r.since(), r.until(),
                Clusters.query(r.clusters()), null, false);
        String ledgerAt;
        Charter chosen = only;
        List<Charter> all = charters;
        try (Ledger ledger = ctx.readLedger()) {
            ledger.forEachJob(q, j -> {
                if (r.name() != null && !Charter.glob(r.name(), j.name() == null ? "" : j.name())) return;
                if (chosen != null && !chosen.matches(j)) return;
                String key = by == Rightsize.By.CHARTER ? charterKey(chosen, all, j) : Rightsize.key(by, j);
                groups.add(key, j);
            });
            ledgerAt = ledger.location();
        }
        List<Rightsize.Recommendation> recs = groups.recommend(d);
        if (recs.isEmpty()) notes.add("no ended jobs match (ledger: " + ledgerAt + "); ingest first: reckon ingest");
        return Outcome.of(new Rightsize.Plan(Format.isoTime(r.since(), ctx.zone()), Format.isoTime(r.until(), ctx.zone()),
                by.word(), groups.jobs(), d, recs), problems, notes);
    }

    /** The charter a job is grouped under: the one asked for, else the first that claims it, else "(no charter)". */
    private static String charterKey(Charter only, List<Charter> all, Job j) {
        if (only != null) return only.id();
        for (Charter c : all) if (c.matches(j)) return c.id();
        return "(no charter)";
    }
}
