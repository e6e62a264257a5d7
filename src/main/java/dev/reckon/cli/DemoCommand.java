package dev.reckon.cli;

import dev.reckon.app.Demo;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reckon.charter.Charters;
import dev.reckon.model.Charter;
import dev.reckon.report.ExitsReport;
import dev.reckon.report.Format;
import dev.reckon.core.Json;
import dev.reckon.report.JsonVocabulary;
import dev.reckon.core.Times;
import dev.reckon.report.OwnersReport;
import dev.reckon.report.ReviewReport;
import dev.reckon.report.SummaryReport;
import dev.reckon.review.ConsumptionSummary;
import dev.reckon.review.Owners;
import dev.reckon.review.Review;
import dev.reckon.sim.WhatIf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;

/**
 * {@code reckon demo}: the main job on the embedded default. Ingests a real public trace shipped inside reckon
 * (3,170 jobs of HPC2N's Seth cluster, 2002) into a fresh temporary ledger and prints what was consumed; then writes
 * charters for the biggest users beside the ledger and prints the review and the owners view as the cluster stood in
 * the middle of the trace ({@link #NOW}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Shows reckon on a real trace shipped inside it; no cluster needed.",
                "Ingests the first 3,170 jobs of HPC2N's Seth cluster log (Parallel Workloads Archive, HPC2N-2002-2.2) "
                        + "into a temporary ledger and prints the consumption summary: capacity by user and account, "
                        + "job states, and how much of their time limits jobs used.",
                "Then writes charters for the biggest users into a temporary charter directory beside the ledger and "
                        + "prints the review (shares per class, charters against budget, the top of the kill list) and the "
                        + "owners view (active charters per owner, babysitting load, unowned jobs) as of 2002-09-05 12:00 UTC."})
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "The summary as one JSON object, with the review under 'review' and the owners view under 'owners'.")
    boolean json;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10", description = "Users and accounts to list (default: ${DEFAULT-VALUE}).")
    int top;

    @Override
    public Integer call() throws IOException {
        Door door = new Door(spec);
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "reckon-demo-" + System.getProperty("user.name"));
        Demo.Result d = new Demo(door.context()).run(dir);
        ZoneId zone = door.config().zone();
        if (json) {
            ObjectNode o = Json.mapper().valueToTree(d.summary());
            o.set("review", JsonVocabulary.review(d.review()));
            o.set("owners", JsonVocabulary.owners(d.owners()));
            o.set("exits", JsonVocabulary.exits(d.exits()));
            o.set("whatif", Json.mapper().valueToTree(d.whatIf()));
            o.put("html_report", d.html().toString());
            door.out().println(Json.write(o));
            return 0;
        }
        PrintStream out = door.out();
        out.println("reckon demo: what a real cluster consumed, from its accounting alone");
        out.println();
        out.println("Trace:  HPC2N Seth, Umea, Sweden (120 nodes x 2 CPUs, Maui scheduler), first 3,170 jobs of the");
        out.println("        HPC2N-2002-2.2 log from the Parallel Workloads Archive (Feitelson, Tsafrir, Krakov, JPDC 2014).");
        out.printf("Ledger: %s (temporary), %,d jobs ingested in %.1f s%n", d.ledger(), d.ingested().read(), d.seconds());
        out.println();
        out.print(SummaryReport.render(d.summary(), zone, top));
        printGovernance(out, d.charterDir(), d.charters(), d.review(), d.owners(), zone);
        out.println();
        out.println("Exits: each charter against its budget, window and reported results (reckon exits):");
        out.print(ExitsReport.terminal(d.exits(), zone));
        printWhatIf(out, d.whatIf());
        out.println();
        out.println("The review as a page with charts (consumption by class over time, charters against budget, the kill list):");
        out.println("  " + d.html().toAbsolutePath() + "   (open it in a browser)");
        printNextSteps(out, d);
        return 0;
    }

    /** The review and attention part: the charters written, then the review and the owners view as of {@link #NOW}. */
    private static void printGovernance(PrintStream out, Path charterDir, Charters charters, Review.Result review,
                                        Owners.Result owners, ZoneId zone) {
        out.println();
        out.println("Governance: who defends this consumption?");
        out.printf("Charters: %d written to %s for the biggest users; jobs nobody charters are undefended:%n",
                charters.all().size(), charterDir);
        for (Charter c : charters.all()) {
            out.printf(Locale.ROOT, "  %-12s owner %-3s %-9s to %s  %s%n", c.id(), c.owner(), c.status().word(),
                    Times.text(c.window().end(), zone, true), c.purpose());
        }
        out.printf("The cluster as it stood at %s, in the middle of the trace (later jobs not yet submitted;%n",
                Format.time(Demo.NOW, zone));
        out.println("running and pending ones as they were then; the trace ends with every job done):");
        out.println();
        out.print(ReviewReport.brief(review, zone, 5));
        out.print(OwnersReport.terminal(owners, zone, 5));
        out.println("(Seth's log records no failed, timed-out or memory-killed job, so the babysitting load here is zero;");
        out.println("on a Slurm cluster's accounting it counts each kind.)");
    }

    /** The what-if in a tiny table and two sentences. */
    private static void printWhatIf(PrintStream out, WhatIf.Result r) {
        out.println();
        out.println("What if (reckon whatif): the whole trace replayed under EASY backfill on Seth's 120 nodes:");
        for (WhatIf.Variant v : r.variants()) {
            out.printf(Locale.ROOT, "  %-20s %,6d jobs   mean wait %-8s p95 wait %s%n", v.name(), v.jobs(),
                    WhatIf.human(v.metrics().meanWaitS()), WhatIf.human(v.metrics().p95WaitS()));
        }
        for (int i = 1; i < r.summary().size(); i++) out.println("  " + r.summary().get(i));
    }

    /** What to run next. */
    private static void printNextSteps(PrintStream out, Demo.Result d) {
        Path ledgerFile = d.ledger();
        Path charterDir = d.charterDir();
        ConsumptionSummary.Result result = d.summary();
        Instant NOW = Demo.NOW, TRACE_START = Demo.TRACE_START, TRACE_END = Demo.TRACE_END;
        out.println();
        out.println("Explore it:");
        out.printf("  ./reckon jobs --ledger %s --user %s --limit 20%n", ledgerFile,
                result.byUser().isEmpty() ? "u1" : result.byUser().get(0).name());
        out.printf("  ./reckon job 1 --ledger %s%n", ledgerFile);
        out.printf("  RECKON_NOW=%s ./reckon review --ledger %s --charters %s --since %s --until %s%n", NOW, ledgerFile,
                charterDir, TRACE_START, NOW);
        out.printf("  ./reckon exits --ledger %s --charters %s --at %s%n", ledgerFile, charterDir, NOW);
        out.printf("  ./reckon whatif --trace %s --undefended-users u2,u3 --add-nodes 10%%%n", d.trace());
        out.printf("  RECKON_NOW=%s ./reckon owners --ledger %s --charters %s --since %s%n", TRACE_END, ledgerFile,
                charterDir, TRACE_START);
        out.println("Your own cluster: sacct -a -S 2024-01-01 -E now --parsable2 --format ALL > jobs.txt && ./reckon ingest sacct jobs.txt");
    }

}
