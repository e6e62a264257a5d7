package dev.reckon.mcp;

import dev.reckon.app.Channels;
import dev.reckon.app.Chartering;
import dev.reckon.app.Context;
import dev.reckon.app.ExitPlanning;
import dev.reckon.app.Governance;
import dev.reckon.core.BadRequest;
import dev.reckon.core.InputError;
import dev.reckon.core.Json;
import dev.reckon.core.Times;
import dev.reckon.core.Unavailable;
import dev.reckon.ledger.LedgerException;
import dev.reckon.model.Charter;
import dev.reckon.report.Ical;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * reckon's MCP server (the official MCP Java SDK): the {@link Tools tools}, the charters, the latest review and the
 * calendar of planned stops as resources, and three {@link Prompts prompts}. The same server runs over standard
 * input and output ({@link #stdio}, {@code reckon mcp}) and over streamable HTTP ({@link #http}, a servlet that
 * {@code reckon serve} mounts at {@code /mcp}).
 *
 * <p>Each tool call runs in a {@link Context} of the server's settings whose actor is the client, as it named itself
 * in initialize ({@code mcp:NAME (USER)}): the audit log says which agent acted.
 */
public final class ReckonMcp {
    public static final String NAME = "reckon";
    public static final String ENDPOINT = "/mcp";

    private ReckonMcp() {}

    /**
     * What the door resolved.
     *
     * @param context      the settings (ledger, charter directory, zone), the clock, and who runs the server
     * @param allowActions whether action tools (reclaim, exits_enforce, optimise_submit, a charter written) may run
     * @param channels     where reclaim and exits_enforce send their notices (the server's, never the client's)
     * @param log          where the server says what it does (standard error; never the protocol's stream)
     */
    public record Settings(Context context, boolean allowActions, Channels channels, PrintStream log) {
        public Settings {
            Objects.requireNonNull(context, "context");
            channels = channels == null ? Channels.NONE : channels;
            log = log == null ? new PrintStream(OutputStream.nullOutputStream()) : log;
        }
    }

    /** The server over a stream pair (standard input and output): one session, until the input ends. */
    public static McpSyncServer stdio(Settings s, InputStream in, OutputStream out) {
        StdioServerTransportProvider transport = new StdioServerTransportProvider(McpJsonDefaults.getMapper(), in, out);
        McpServer.SingleSessionSyncSpecification spec = McpServer.sync(transport);
        configure(spec, s);
        return spec.build();
    }

    /** The Host headers a loopback server answers (any port): what keeps DNS rebinding out. */
    public static final List<String> LOOPBACK_HOSTS = List.of("localhost", "127.0.0.1", "[::1]", "localhost:*",
            "127.0.0.1:*", "[::1]:*");
    /** The Origin headers a loopback server accepts (any port); a request without Origin (not a browser) passes. */
    public static final List<String> LOOPBACK_ORIGINS = List.of("http://localhost:*", "http://127.0.0.1:*",
            "http://[::1]:*");

    /**
     * The server over streamable HTTP for a server bound to loopback: {@link #http(Settings, List, List)} with
     * {@link #LOOPBACK_HOSTS} and {@link #LOOPBACK_ORIGINS}.
     */
    public static Http http(Settings s) {
        return http(s, LOOPBACK_HOSTS, LOOPBACK_ORIGINS);
    }

    /**
     * The server over streamable HTTP: {@link Http#servlet()} is a servlet (jakarta.servlet 6, async supported) to
     * mount at {@link #ENDPOINT}; it answers POST (requests), GET (the event stream) and DELETE (end of session)
     * there. A request whose Host is not one of {@code hosts} or whose Origin (when it has one) is not one of
     * {@code origins} is refused (403): entries are exact, or end in {@code :*} for any port. Close the {@link Http}
     * when the web server stops.
     */
    public static Http http(Settings s, List<String> hosts, List<String> origins) {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(McpJsonDefaults.getMapper()).mcpEndpoint(ENDPOINT)
                .securityValidator(DefaultServerTransportSecurityValidator.builder().allowedHosts(List.copyOf(hosts))
                        .allowedOrigins(List.copyOf(origins)).build())
                .build();
        McpServer.StreamableSyncSpecification spec = McpServer.sync(transport);
        configure(spec, s);
        return new Http(transport, spec.build());
    }

    /** The streamable HTTP server: the servlet to mount, and the server behind it. */
    public record Http(HttpServletStreamableServerTransportProvider servlet, McpSyncServer server)
            implements AutoCloseable {
        @Override
        public void close() {
            server.closeGracefully();
        }
    }

    private static <S extends McpServer.SyncSpecification<S>> void configure(McpServer.SyncSpecification<S> spec,
                                                                            Settings s) {
        spec.serverInfo(NAME, version());
        spec.instructions("reckon reads a batch cluster's accounting into a ledger, reviews it against charters "
                + "(who defends each job), simulates the scheduler and optimises pipelines. Start with the review "
                + "tool (or the reckon://review/latest resource). Tools answer with the JSON 'reckon COMMAND --json' "
                + "prints. Actions (reclaim, exits_enforce, optimise_submit) "
                + (s.allowActions() ? "are allowed on this server, and are dry runs unless the call says apply: true."
                : "are refused on this server (started without --allow-actions)."));
        spec.capabilities(McpSchema.ServerCapabilities.builder().tools(false).resources(false, false).prompts(false)
                .logging().build());
        for (Tools.Tool t : Tools.all(s.allowActions(), s.channels())) spec.tools(tool(t, s));
        spec.resources(Resources.fixed(s));
        spec.resourceTemplates(Resources.templates(s));
        spec.prompts(Prompts.all());
    }

    private static McpServerFeatures.SyncToolSpecification tool(Tools.Tool t, Settings s) {
        McpSchema.Tool tool = McpSchema.Tool.builder().name(t.name()).title(t.title()).description(t.description())
                .inputSchema(t.input().map()).outputSchema(t.output().map())
                .annotations(new McpSchema.ToolAnnotations(t.title(), !t.action() && !t.name().equals("metric")
                        && !t.name().equals("charter_draft"), t.action(), false, t.action(), null))
                .build();
        return McpServerFeatures.SyncToolSpecification.builder().tool(tool)
                .callHandler((exchange, request) -> call(t, s, exchange, request)).build();
    }

    static McpSchema.CallToolResult call(Tools.Tool t, Settings s, McpSyncServerExchange exchange,
                                         McpSchema.CallToolRequest request) {
        Context ctx = context(s, exchange);
        try {
            if (t.action() && !s.allowActions()) throw new Tools.Refused(Tools.REFUSED + " (" + t.name() + ")");
            Args args = new Args(t.name(), request.arguments(), new HashSet<>(t.input().names()), ctx);
            Tools.Answer a = t.handler().call(args, ctx);
            McpSchema.CallToolResult.Builder b = McpSchema.CallToolResult.builder().addTextContent(a.text())
                    .structuredContent(Tools.toMap(a.structured())).isError(false);
            for (String n : a.notes()) b.addTextContent("reckon: " + n);
            if (t.action()) s.log().println("reckon mcp: " + ctx.actor() + " called " + t.name());
            return b.build();
        } catch (RuntimeException | java.io.IOException e) {
            return error(t.name(), e, s);
        }
    }

    /** A tool error result (isError): the message a person reads, never a stack trace. */
    static McpSchema.CallToolResult error(String tool, Exception e, Settings s) {
        Throwable x = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        String message;
        if (x instanceof Tools.Refused || x instanceof Tools.NotFound) message = x.getMessage();
        else if (x instanceof BadRequest || x instanceof InputError || x instanceof Unavailable)
            message = "reckon: " + x.getMessage();
        else if (x instanceof LedgerException) message = "reckon: ledger: " + x.getMessage();
        else if (x instanceof java.io.IOException) message = "reckon: " + tool + ": " + x.getMessage();
        else if (x.getClass().getName().startsWith("dev.reckon.") && x.getMessage() != null)
            message = "reckon: " + x.getMessage();
        else {
            message = "reckon: internal error in " + tool + ": " + x + " (the server's standard error has the details)";
            x.printStackTrace(s.log());
        }
        return McpSchema.CallToolResult.builder().addTextContent(message).isError(true).build();
    }

    /** The server's context with the calling client as the actor. */
    static Context context(Settings s, McpSyncServerExchange exchange) {
        Context base = s.context();
        McpSchema.Implementation client = exchange == null ? null : exchange.getClientInfo();
        String name = client == null || client.name() == null ? "unnamed" : clean(client.name());
        return new Context(base.config(), base.clock(), "mcp:" + name + " (" + base.actor() + ")");
    }

    /** A client's name as the audit log may show it: printable, short. */
    static String clean(String name) {
        StringBuilder b = new StringBuilder();
        name.codePoints().filter(c -> !Character.isISOControl(c) && Character.getType(c) != Character.FORMAT)
                .limit(80).forEach(b::appendCodePoint);
        String s = b.toString().strip();
        return s.isEmpty() ? "unnamed" : s;
    }

    static String version() {
        Properties p = new Properties();
        try (var in = ReckonMcp.class.getResourceAsStream("/dev/reckon/version.properties")) {
            if (in != null) p.load(in);
        } catch (java.io.IOException e) {
            // the version is a courtesy
        }
        return p.getProperty("version", "unknown");
    }

    // ------------------------------------------------------------------------------------------------ resources

    /** The charters, the latest review and the calendar of planned stops. */
    static final class Resources {
        static final String CHARTERS = "reckon://charters/";
        static final String REVIEW = "reckon://review/latest";
        static final String CALENDAR = "reckon://exits/calendar";

        private Resources() {}

        static List<McpServerFeatures.SyncResourceSpecification> fixed(Settings s) {
            List<McpServerFeatures.SyncResourceSpecification> out = new ArrayList<>();
            out.add(new McpServerFeatures.SyncResourceSpecification(McpSchema.Resource.builder().uri(REVIEW)
                    .name("review-latest").title("The latest review")
                    .description("'reckon review --json' over the last 30 days, as of now: classes, charters against "
                            + "budget, the kill list, undefended signatures.")
                    .mimeType("application/json").build(), (ex, req) -> review(s, ex, req.uri())));
            out.add(new McpServerFeatures.SyncResourceSpecification(McpSchema.Resource.builder().uri(CALENDAR)
                    .name("exits-calendar").title("The calendar of planned stops")
                    .description("Window ends, projected budget exhaustion and review dates of the charters, as an "
                            + "iCalendar file (RFC 5545): 'reckon exits --ics -'.")
                    .mimeType("text/calendar").build(), (ex, req) -> calendar(s, ex, req.uri())));
            try {
                for (Charter c : new Chartering(s.context()).list().value().charters()) {
                    out.add(new McpServerFeatures.SyncResourceSpecification(McpSchema.Resource.builder()
                            .uri(CHARTERS + c.id()).name("charter-" + c.id()).title("Charter " + c.id() + ": " + c.title())
                            .description("The charter as 'reckon charter show " + c.id() + " --json' prints it.")
                            .mimeType("application/json").build(), (ex, req) -> charter(s, ex, req.uri())));
                }
            } catch (RuntimeException e) {
                s.log().println("reckon mcp: charters not listed as resources: " + e.getMessage());
            }
            return out;
        }

        static List<McpServerFeatures.SyncResourceTemplateSpecification> templates(Settings s) {
            return List.of(new McpServerFeatures.SyncResourceTemplateSpecification(McpSchema.ResourceTemplate.builder()
                    .uriTemplate(CHARTERS + "{id}").name("charter").title("A charter by its id")
                    .description("A charter as 'reckon charter show ID --json' prints it (also those written after "
                            + "the server started).").mimeType("application/json").build(),
                    (ex, req) -> charter(s, ex, req.uri())));
        }

        static McpSchema.ReadResourceResult charter(Settings s, McpSyncServerExchange ex, String uri) {
            String id = uri.startsWith(CHARTERS) ? uri.substring(CHARTERS.length()) : "";
            Chartering.Shown shown;
            try {
                shown = new Chartering(context(s, ex)).show(id);
            } catch (RuntimeException e) {
                throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message("reckon: " + e.getMessage()).build();
            }
            if (!shown.found()) {
                String why = shown.problems().isEmpty() ? "no charter " + id + " in " + shown.dir()
                        : shown.problems().get(0).getMessage();
                throw McpError.builder(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND).message(why).data(uri).build();
            }
            return text(uri, "application/json", Json.write(shown));
        }

        static McpSchema.ReadResourceResult review(Settings s, McpSyncServerExchange ex, String uri) {
            Context ctx = context(s, ex);
            try {
                var r = new Governance(ctx).review(new Governance.ReviewRequest(
                        Times.instant("30d", ctx.now(), ctx.zone()), null, null));
                return text(uri, "application/json", Json.write(dev.reckon.report.JsonVocabulary.review(r.value())));
            } catch (RuntimeException e) {
                throw McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR).message(error("review", e, s).content()
                        .get(0) instanceof McpSchema.TextContent t ? t.text() : "reckon: review failed").build();
            }
        }

        static McpSchema.ReadResourceResult calendar(Settings s, McpSyncServerExchange ex, String uri) {
            Context ctx = context(s, ex);
            try {
                var stops = new ExitPlanning(ctx).calendar(ExitPlanning.Evaluation.now()).value();
                return text(uri, "text/calendar", Ical.write(stops, ctx.now()));
            } catch (RuntimeException e) {
                throw McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR).message(error("exits", e, s).content()
                        .get(0) instanceof McpSchema.TextContent t ? t.text() : "reckon: exits failed").build();
            }
        }

        private static McpSchema.ReadResourceResult text(String uri, String mime, String text) {
            return new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(uri, mime, text)));
        }
    }
}
