package dev.reckon.cli;

import dev.reckon.app.Channels;
import dev.reckon.app.Context;
import dev.reckon.mcp.ReckonMcp;
import io.modelcontextprotocol.server.McpSyncServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code reckon mcp}: reckon as a Model Context Protocol server for agents, over standard input and output. */
@Command(name = "mcp", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves reckon to an AI agent over the Model Context Protocol (MCP), on standard input and "
                + "output (standard output carries the protocol only; messages go to standard error). Register it "
                + "with a client as the command 'reckon' with the arguments 'mcp' (README: the agent tour).",
                "Tools answer with the JSON the commands' --json prints: jobs, job, review, owners, exits, predict, "
                        + "whatif, rightsize, optimise_baseline, optimise_plan, optimise_status, optimise_report, "
                        + "charter_draft, charter_check, metric. Resources: the charters (reckon://charters/ID), the "
                        + "latest review (reckon://review/latest), the planned stops (reckon://exits/calendar). See "
                        + "docs/mcp.md.",
                "The actions reclaim, exits_enforce and optimise_submit are refused unless --allow-actions is given; "
                        + "then each is a dry run unless the call says apply: true, and every one is audited with the "
                        + "client's name."})
final class McpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    CharterDir dir;

    @Option(names = "--allow-actions", description = "Let the agent call reclaim, exits_enforce and optimise_submit "
            + "(dry runs unless the call says apply: true) and write charters (charter_draft with write: true).")
    boolean allowActions;
    @Option(names = "--webhook", paramLabel = "URL", description = "Where reclaim and exits_enforce POST their notices "
            + "(the agent cannot choose a channel).")
    String webhook;
    @Option(names = "--mail-command", paramLabel = "CMD", description = "Run CMD (through /bin/sh) for each notice, "
            + "with the JSON on standard input and the recipient as the last argument.")
    String mailCommand;

    @Override
    public Integer call() throws InterruptedException {
        Door door = new Door(spec);
        Context context = door.context(dir);
        CountDownLatch ended = new CountDownLatch(1);
        InputStream in = new FilterInputStream(door.root().in) {
            @Override
            public int read() throws IOException {
                return ended(super.read());
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return ended(super.read(b, off, len));
            }

            private int ended(int n) {
                if (n < 0) ended.countDown();
                return n;
            }
        };
        McpSyncServer server = ReckonMcp.stdio(new ReckonMcp.Settings(context, allowActions,
                new Channels(webhook, mailCommand), door.err()), in, door.root().rawOut);
        door.err().println("reckon mcp: serving on standard input and output (ledger " + context.config().ledger()
                + "; actions " + (allowActions ? "allowed, dry runs unless apply: true" : "refused") + ")");
        ended.await();
        server.closeGracefully();
        return Main.EXIT_OK;
    }
}
