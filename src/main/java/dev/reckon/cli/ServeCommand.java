package dev.reckon.cli;

import dev.reckon.app.Channels;
import dev.reckon.core.BadRequest;
import dev.reckon.mcp.ReckonMcp;
import dev.reckon.serve.Server;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code reckon serve}: the dashboard, the JSON API and Prometheus metrics over HTTP. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves the ledger over HTTP until stopped (Ctrl-C): live pages (review, exits with the calendar "
                + "of planned stops, owners, jobs with filters and each job, what-if, optimisation campaigns with their "
                + "round reports), a JSON API under /api/ with the same keys as each command's --json (described at "
                + "/api/openapi.json), and Prometheus metrics at /metrics. See docs/serve.md.",
                "Listens on 127.0.0.1 unless --bind says otherwise; any other address needs --token-file, or the "
                        + "server refuses to start. Read-only unless --allow-actions (which needs the token): then "
                        + "POST /api/actions/reclaim and /api/actions/exits/enforce act, as dry runs unless the body "
                        + "says \"apply\": true, audited with the caller."})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    CharterDir dir;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "The address to listen on (default: ${DEFAULT-VALUE}); not loopback needs --token-file.")
    String bind;
    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "The port (default: ${DEFAULT-VALUE}; 0 picks a free one and prints it).")
    int port;
    @Option(names = "--token-file", paramLabel = "FILE", description = "A file holding the bearer token every "
            + "request must carry (Authorization: Bearer TOKEN; a browser may give it as the Basic password).")
    Path tokenFile;
    @Option(names = "--allow-actions", description = "Let POST /api/actions/... act (reclaim, exits enforce: "
            + "notices, holds, cancellations). Needs --token-file.")
    boolean allowActions;
    @Option(names = "--ingest-every", paramLabel = "DURATION", description = "Ingest this host's Slurm every "
            + "DURATION (e.g. 15m) in the background, as 'reckon ingest slurm' does; a failure is logged and "
            + "tried again next time.")
    String ingestEvery;
    @Option(names = {"-S", "--since"}, paramLabel = "TIME", defaultValue = "30d",
            description = "The review window of the metrics, and the pages' default (default: ${DEFAULT-VALUE}).")
    String since;
    @Option(names = "--campaigns", paramLabel = "DIR", description = "A directory of optimisation campaigns "
            + "(NAME.campaign.yaml, with NAME.model.yaml for one run on a model) for the campaigns pages.")
    Path campaigns;
    @Option(names = "--machine", paramLabel = "FILE", description = "The nodes for what-if (as 'reckon whatif "
            + "--machine'); default: worked out from the jobs.")
    Path machine;
    @Option(names = "--webhook", paramLabel = "URL", description = "Where the actions' notices go (as 'reckon "
            + "reclaim --webhook'); set here, never by a request.")
    String webhook;
    @Option(names = "--mail-command", paramLabel = "CMD", description = "A command the actions' notices are "
            + "piped to (as 'reckon reclaim --mail-command'); set here, never by a request.")
    String mailCommand;

    @Override
    public Integer call() throws Exception {
        Door door = new Door(spec);
        Duration every = ingestEvery == null ? null : door.duration(ingestEvery, "--ingest-every");
        door.time(since, "--since");
        String token = tokenFile == null ? null : token(tokenFile);
        Server.Options options = new Server.Options(bind, port, token, allowActions, every, since, campaigns, machine,
                new Channels(webhook, mailCommand), door.err());
        CountDownLatch stopped = new CountDownLatch(1);
        // reckon mcp's streamable HTTP transport at /mcp, behind the same token, Host and Origin checks (docs/serve.md)
        ReckonMcp.Http mcp = ReckonMcp.http(new ReckonMcp.Settings(door.context(dir), allowActions,
                options.channels(), door.err()), hosts(options.bind()), origins(options.bind()));
        List<Server.Mount> mounts = List.of(new Server.Mount(ReckonMcp.ENDPOINT, mcp.servlet()));
        Server server = Server.start(door.context(dir), options, mounts);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            mcp.close();
            stopped.countDown();
        }, "reckon-serve-stop"));
        door.err().flush();
        stopped.await();
        return Main.EXIT_OK;
    }

    /**
     * The Host headers the MCP endpoint answers: loopback's, and where the server is bound elsewhere, that address's
     * and this machine's names (any port); the bearer token guards it there.
     */
    private static List<String> hosts(String bind) {
        List<String> out = new java.util.ArrayList<>(ReckonMcp.LOOPBACK_HOSTS);
        for (String name : names(bind)) out.add(name + ":*");
        return out;
    }

    private static List<String> origins(String bind) {
        List<String> out = new java.util.ArrayList<>(ReckonMcp.LOOPBACK_ORIGINS);
        for (String name : names(bind)) {
            out.add("http://" + name + ":*");
            out.add("https://" + name + ":*");
        }
        return out;
    }

    private static List<String> names(String bind) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        if (!bind.equals("127.0.0.1") && !bind.equals("localhost") && !bind.equals("::1")) {
            if (!bind.equals("0.0.0.0") && !bind.equals("::")) names.add(bind);
            try {
                java.net.InetAddress local = java.net.InetAddress.getLocalHost();
                names.add(local.getHostName());
                names.add(local.getCanonicalHostName());
                names.add(local.getHostAddress());
            } catch (IOException e) {
                // this machine's names unknown: its address as bound still serves
            }
        }
        return List.copyOf(names);
    }

    /** The token: the file's first line, stripped. */
    private static String token(Path file) {
        try {
            String t = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
            if (t.isEmpty()) throw new BadRequest("--token-file " + file + ": the file is empty");
            return t;
        } catch (IOException e) {
            throw new BadRequest("--token-file " + file + ": cannot read it (" + e.getClass().getSimpleName() + ")");
        }
    }
}
