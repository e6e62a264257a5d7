package dev.reckon.cli;

import dev.reckon.app.Chartering;
import dev.reckon.app.Outcome;
import dev.reckon.core.Json;
import dev.reckon.core.Times;
import dev.reckon.report.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code reckon charter propose|proposals|approve|reject}: a user's draft becomes a site charter through an
 * administrator (docs/site.md).
 */
final class ProposalCommands {
    private ProposalCommands() {}

    @Command(name = "propose", mixinStandardHelpOptions = true,
            description = {"Proposes a draft charter (a file, or the id of one in your drafts directory) for the site: "
                    + "checks it, then writes it into the site's proposals directory (the site config's 'proposals', "
                    + "default /var/spool/reckon/proposals) as <id>.<you>.yaml, where an administrator approves or "
                    + "rejects it. Proposing again replaces your earlier proposal of the same charter.",
                    "Exit 0 when proposed; 65 when the draft does not read or its id is taken; 2 when the site has "
                            + "no proposals directory."})
    static final class Propose implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        CharterDir dir;
        @Parameters(paramLabel = "FILE|ID", description = "The draft file, or its id in your drafts directory.")
        String draft;

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            Chartering.Proposal p = new Chartering(door.context(dir)).propose(draft);
            door.out().println("proposed " + p.charterId() + " as proposal " + p.id() + " (" + p.file() + "); an "
                    + "administrator approves it with 'reckon charter approve " + p.id() + "'. Until then its jobs are "
                    + "not defended by it.");
            return Main.EXIT_OK;
        }
    }

    @Command(name = "proposals", mixinStandardHelpOptions = true,
            description = {"Lists the proposals waiting in the site's proposals directory, oldest first: id, charter, "
                    + "proposer, when, owner, and what would stop its approval."})
    static final class Proposals implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        CharterDir dir;
        @Option(names = "--json", description = "One JSON array, one object per proposal.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            Outcome<List<Chartering.Proposal>> o = new Chartering(door.context(dir)).proposals();
            if (json) {
                door.out().println(Json.write(o.value()));
                return Main.EXIT_OK;
            }
            List<Chartering.Proposal> ps = door.show(o);
            if (ps.isEmpty()) return Main.EXIT_OK;
            Table t = new Table("PROPOSAL", "CHARTER", "BY", "AT", "OWNER", "PROBLEMS");
            for (Chartering.Proposal p : ps) {
                t.row(p.id(), p.charterId() == null ? "-" : p.charterId(), p.proposer(),
                        Times.text(p.proposedAt(), door.config().zone(), false), p.owner() == null ? "-" : p.owner(),
                        p.problems().isEmpty() ? "none" : String.join("; ", p.problems()));
            }
            door.out().print(t.render());
            return Main.EXIT_OK;
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = {"Approves a proposal (an administrator: write access to the site charter directory): the "
                    + "charter moves into the charter directory with a history entry saying who approved it, when, "
                    + "from which proposal and proposer; the approval is written to the audit log.",
                    "Exit 0 when approved; 2 with no such proposal or no write access; 65 when it does not read or its "
                            + "id is taken."})
    static final class Approve implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        CharterDir dir;
        @Parameters(paramLabel = "ID", description = "The proposal's id (reckon charter proposals).")
        String id;

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            Chartering.Decided d = new Chartering(door.context(dir)).approve(id);
            door.out().println("approved " + d.proposal().charterId() + " (proposed by " + d.proposal().proposer()
                    + "): " + d.charterFile() + "; jobs join it with --comment=charter=" + d.proposal().charterId()
                    + (door.context(dir).site().present() ? "; run 'reckon gate sync' if the admission gate is installed" : ""));
            return Main.EXIT_OK;
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = {"Rejects a proposal with a reason: it leaves the proposals directory, and the reason is "
                    + "written to the audit log (reckon audit) for the proposer."})
    static final class Reject implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        CharterDir dir;
        @Parameters(paramLabel = "ID", description = "The proposal's id (reckon charter proposals).")
        String id;
        @Option(names = "--reason", paramLabel = "TEXT", required = true, description = "Why, for the proposer.")
        String reason;

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            Chartering.Decided d = new Chartering(door.context(dir)).reject(id, reason);
            door.out().println("rejected proposal " + d.proposal().id() + " by " + d.proposal().proposer() + ": "
                    + d.reason());
            return Main.EXIT_OK;
        }
    }
}
