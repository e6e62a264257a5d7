package dev.reckon.serve;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.reckon.app.Channels;
import dev.reckon.app.Chartering;
import dev.reckon.app.Context;
import dev.reckon.app.ExitPlanning;
import dev.reckon.app.Governance;
import dev.reckon.app.Ingestion;
import dev.reckon.app.Optimising;
import dev.reckon.app.Outcome;
import dev.reckon.app.Records;
import dev.reckon.app.Rightsizing;
import dev.reckon.app.Simulation;
import dev.reckon.core.BadRequest;
import dev.reckon.core.InputError;
import dev.reckon.core.Json;
import dev.reckon.report.JsonVocabulary;
import dev.reckon.core.Times;
import dev.reckon.core.Unavailable;
import dev.reckon.ledger.LedgerException;
import dev.reckon.model.Charter;
import dev.reckon.report.JobView;
import dev.reckon.report.OptimiseReport;
import dev.reckon.report.ReviewHtml;
import dev.reckon.report.sim.WhatIfReport;
import dev.reckon.review.ClassSeries;
import dev.reckon.review.Review;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import io.javalin.router.JavalinDefaultRoutingApi;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * {@code reckon serve}: the pages, the JSON API, {@code /metrics} and (optionally) the ingest loop, on Javalin
 * (Jetty 12). A door like the command line: each request builds a {@link Context} with the caller as actor, makes one
 * call into an {@code app} service, and renders its result with the renderers the command line uses. The API's JSON
 * is written by the very code {@code --json} uses ({@link Json#write}, {@link JobView}, {@link WhatIfReport#json}),
 * so its keys cannot drift from the command line's.
 */
public final class Server implements AutoCloseable {
    /** How long a kept set of ledger figures for {@code /metrics} serves before it is worked out again. */
    static final Duration METRICS_REFRESH = Duration.ofMinutes(5);
    static final String CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            + "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /**
     * How the server runs.
     *
     * @param bind         the address to listen on (default 127.0.0.1); anything but loopback needs a token
     * @param port         the port (0: any free one)
     * @param token        the bearer token; null for none (loopback only)
     * @param allowActions whether {@code /api/actions/...} may act (they need the token too)
     * @param ingestEvery  how often to ingest the live cluster; null for never
     * @param reviewSince  the review window of the metrics and the default of the pages (e.g. 30d)
     * @param campaigns    the directory of campaign files ({@code NAME.campaign.yaml}, and {@code NAME.model.yaml} for
     *                     one run on a model); null for none
     * @param machine      the machine file for what-if; null: worked out from the jobs
     * @param channels     where the actions' notices go (set by whoever started the server, never by a request)
     * @param log          where the server says what it does (a guarded stream)
     */
    public record Options(String bind, int port, String token, boolean allowActions, Duration ingestEvery,
                          String reviewSince, Path campaigns, Path machine, Channels channels, PrintStream log) {
        public Options {
            bind = bind == null || bind.isBlank() ? "127.0.0.1" : bind.strip();
            if (port < 0 || port > 65535) throw new BadRequest("--port: " + port + " is not a port (0 to 65535)");
            if (token != null && token.isBlank()) throw new BadRequest("--token-file: the file is empty");
            if (token == null && !Guard.isLoopback(bind))
                throw new BadRequest("--bind " + bind + ": not a loopback address, and no --token-file: refusing to "
                        + "serve the ledger to the network without a token (give --token-file FILE, or bind 127.0.0.1)");
            if (allowActions && token == null)
                throw new BadRequest("--allow-actions needs --token-file: actions are taken only for a caller that "
                        + "shows the bearer token");
            if (ingestEvery != null && ingestEvery.compareTo(Duration.ofSeconds(10)) < 0)
                throw new BadRequest("--ingest-every: at least 10s");
            reviewSince = reviewSince == null ? "30d" : reviewSince;
            channels = channels == null ? Channels.NONE : channels;
            log = log == null ? new PrintStream(OutputStream.nullOutputStream()) : log;
        }
    }

    /**
     * A servlet served beside the pages, behind the same guard (token, loopback Host, no cross-origin POST). This is
     * where the MCP server's streamable HTTP transport goes: {@code new Mount("/mcp/*", servlet)}.
     */
    public record Mount(String pathSpec, Servlet servlet) {
        public Mount {
            Objects.requireNonNull(pathSpec, "pathSpec");
            Objects.requireNonNull(servlet, "servlet");
        }
    }

    private final Context base;
    private final Options options;
    private final Guard guard;
    private final Metrics metrics;
    private final List<String> routes = new ArrayList<>();
    private final ScheduledExecutorService background;
    private Javalin app;

    private Server(Context base, Options options) {
        this.base = base;
        this.options = options;
        this.guard = new Guard(options.token(), options.bind(), options.allowActions());
        this.metrics = new Metrics(base.clock());
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "reckon-serve-background");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the server (and its ingest loop and metrics refresh); close it to stop. */
    public static Server start(Context base, Options options, List<Mount> mounts) {
        Server s = new Server(base, options);
        s.run(mounts == null ? List.of() : mounts);
        return s;
    }

    /** The port it listens on. */
    public int port() {
        return app.port();
    }

    /** The routes it answers ({@code GET /api/jobs}, ...), in the order registered: for the OpenAPI check. */
    public List<String> routes() {
        return List.copyOf(routes);
    }

    @Override
    public void close() {
        background.shutdownNow();
        if (app != null) app.stop();
    }

    // ------------------------------------------------------------------------------------------------ setup

    private void run(List<Mount> mounts) {
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.jetty.host = options.bind();
            cfg.jetty.port = options.port();
            cfg.http.maxRequestSize = 64 * 1024;
            cfg.http.prefer405over404 = true;
            cfg.jetty.modifyServer(server -> server.setStopTimeout(2_000));
            // ---- mounted servlets (MCP's streamable HTTP transport at /mcp): behind the same guard as the rest
            cfg.jetty.modifyServletContextHandler(handler -> {
                for (Mount m : mounts) {
                    FilterHolder f = new FilterHolder(guardFilter());
                    f.setAsyncSupported(true);
                    handler.addFilter(f, m.pathSpec(), EnumSet.of(DispatcherType.REQUEST));
                    ServletHolder h = new ServletHolder(m.servlet());
                    h.setAsyncSupported(true); // streamable HTTP answers with server-sent events
                    handler.addServlet(h, m.pathSpec());
                }
            });
            JavalinDefaultRoutingApi r = cfg.routes;
            r.before(ctx -> {
                ctx.attribute("reckon.start", System.nanoTime());
                headers(ctx.res());
                Guard.Refusal no = guard.check(ctx.method().name(), ctx.path(), ctx::header);
                if (no != null) throw new Refused(no);
            });
            r.after(ctx -> {
                Long start = ctx.attribute("reckon.start");
                String route = ctx.attribute("reckon.route");
                metrics.request(ctx.method().name(), route == null ? "unmatched" : route, ctx.statusCode(),
                        start == null ? 0 : (System.nanoTime() - start) / 1e9);
            });
            r.exception(Exception.class, (e, ctx) -> error(ctx, e));
            r.error(404, ctx -> {
                if (ctx.attribute("reckon.problem") == null) problem(ctx, 404, "no such page: " + ctx.path());
            });
            r.error(405, ctx -> {
                if (ctx.attribute("reckon.problem") == null)
                    problem(ctx, 405, ctx.method().name() + " is not allowed on " + ctx.path());
            });
            pages(r);
            api(r);
        });
        app.start();
        options.log().println("reckon serve: listening on http://" + hostForUrl(options.bind()) + ":" + app.port() + "/"
                + (guard.hasToken() ? " (token required)" : "") + (options.allowActions() ? " (actions allowed)" : " (read-only)"));
        background.submit(this::refreshMetrics);
        if (options.ingestEvery() != null) {
            long every = options.ingestEvery().toSeconds();
            background.scheduleWithFixedDelay(this::ingestOnce, every, every, TimeUnit.SECONDS);
        }
        long refresh = METRICS_REFRESH.toSeconds();
        background.scheduleWithFixedDelay(this::refreshMetrics, refresh, refresh, TimeUnit.SECONDS);
    }

    private static String hostForUrl(String bind) {
        return bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
    }

    /** The security headers of every answer; never a CORS header. */
    private static void headers(HttpServletResponse res) {
        res.setHeader("Content-Security-Policy", CSP);
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setHeader("X-Frame-Options", "DENY");
        res.setHeader("Referrer-Policy", "no-referrer");
        res.setHeader("Cache-Control", "no-store");
        res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    }

    /** The guard as a servlet filter, for the mounted servlets (they do not pass through Javalin's handlers). */
    private Filter guardFilter() {
        return (request, response, chain) -> {
            HttpServletRequest req = (HttpServletRequest) request;
            HttpServletResponse res = (HttpServletResponse) response;
            headers(res);
            String path = req.getRequestURI();
            Guard.Refusal no = guard.check(req.getMethod(), path, req::getHeader);
            if (no == null) {
                long start = System.nanoTime();
                try {
                    chain.doFilter(request, response);
                } finally {
                    metrics.request(req.getMethod(), "mount", res.getStatus(), (System.nanoTime() - start) / 1e9);
                }
                return;
            }
            if (no.challenge() != null) res.setHeader("WWW-Authenticate", no.challenge());
            res.setStatus(no.status());
            res.setContentType("application/json");
            res.getOutputStream().write(errorJson(no.status(), no.message()).getBytes(StandardCharsets.UTF_8));
            metrics.request(req.getMethod(), "mount", no.status(), 0);
        };
    }

    private void get(JavalinDefaultRoutingApi r, String path, Handler h) {
        routes.add("GET " + path);
        r.get(path, ctx -> {
            ctx.attribute("reckon.route", path);
            h.handle(ctx);
        });
    }

    private void post(JavalinDefaultRoutingApi r, String path, Handler h) {
        routes.add("POST " + path);
        r.post(path, ctx -> {
            ctx.attribute("reckon.route", path);
            h.handle(ctx);
        });
    }

    // ------------------------------------------------------------------------------------------------ errors

    /** A request the guard refused. */
    static final class Refused extends RuntimeException {
        final Guard.Refusal refusal;

        Refused(Guard.Refusal refusal) {
            super(refusal.message(), null, false, false);
            this.refusal = refusal;
        }
    }

    private static Refused notFound(String message) {
        return new Refused(new Guard.Refusal(404, message, null));
    }

    /** The status an error means, as the command line's exit codes do: 400, 422, 503, 500. */
    private void error(io.javalin.http.Context ctx, Exception e) {
        Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        if (t instanceof Refused r) {
            if (r.refusal.challenge() != null) ctx.header("WWW-Authenticate", r.refusal.challenge());
            problem(ctx, r.refusal.status(), r.refusal.message());
        } else if (t instanceof BadRequest) problem(ctx, 400, t.getMessage());
        else if (t instanceof InputError) problem(ctx, 422, t.getMessage());
        else if (t instanceof Unavailable) problem(ctx, 503, t.getMessage());
        else if (t instanceof LedgerException le)
            problem(ctx, le.kind() == LedgerException.Kind.UNAVAILABLE ? 503 : 500, "ledger: " + le.getMessage());
        else if (t instanceof java.nio.file.NoSuchFileException || t instanceof java.io.FileNotFoundException)
            problem(ctx, 404, t.getMessage());
        else if (t instanceof io.javalin.http.HttpResponseException h) problem(ctx, h.getStatus(), h.getMessage());
        else {
            // a command that runs Slurm says so with its own exception: its message is for people, as Unavailable's
            boolean slurm = t.getClass().getSimpleName().equals("SlurmCommandException");
            if (!slurm) options.log().println("reckon serve: internal error on " + ctx.method().name() + " "
                    + ctx.path() + ": " + t);
            problem(ctx, slurm ? 503 : 500, slurm ? t.getMessage() : "internal error: " + t.getClass().getSimpleName());
        }
    }

    private static String errorJson(int status, String message) {
        return Json.write(Map.of("status", status, "error", message == null ? "" : message)) + "\n";
    }

    private static void problem(io.javalin.http.Context ctx, int status, String message) {
        ctx.attribute("reckon.problem", Boolean.TRUE);
        ctx.status(status);
        if (ctx.path().startsWith("/api/") || ctx.path().equals("/metrics") || ctx.method().name().equals("POST")) {
            ctx.contentType("application/json");
            ctx.result(errorJson(status, message));
        } else {
            ctx.contentType("text/html; charset=utf-8");
            ctx.result(Html.page("Error " + status, "", "<section><p class=\"problem\">" + Html.esc(message)
                    + "</p></section>"));
        }
    }

    // ------------------------------------------------------------------------------------------------ requests

    /** The context of one request: the settings in force, with the caller as the actor the audit log names. */
    private Context context(io.javalin.http.Context ctx) {
        String who = ctx.header("X-Reckon-Caller");
        String caller = "web:" + ctx.ip() + (who == null || who.isBlank() ? ""
                : ":" + who.strip().replaceAll("[^A-Za-z0-9@._-]", "_").substring(0, Math.min(64, who.strip().length())));
        return new Context(base.config(), base.clock(), caller);
    }

    private Instant time(io.javalin.http.Context ctx, String param, String dflt) {
        String v = ctx.queryParam(param);
        if (v == null || v.isBlank()) v = dflt;
        return time(param, v);
    }

    private Instant time(String param, String v) {
        if (v == null || v.isBlank()) return null;
        Instant t = Times.instant(v, base.now(), base.zone());
        if (t == null) throw new BadRequest(param + ": \"" + v.strip() + "\" is not a time (try " + Times.TIME_HINT + ")");
        return t;
    }

    private static Duration duration(String param, String v, String dflt) {
        String text = v == null || v.isBlank() ? dflt : v;
        if (text == null) return null;
        Duration d = Times.duration(text);
        if (d == null)
            throw new BadRequest(param + ": \"" + text.strip() + "\" is not a duration (try " + Times.DURATION_HINT + ")");
        return d;
    }

    private static Integer integer(io.javalin.http.Context ctx, String param) {
        String v = ctx.queryParam(param);
        if (v == null || v.isBlank()) return null;
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new BadRequest(param + ": \"" + v.strip() + "\" is not a whole number");
        }
    }

    private static Double number(io.javalin.http.Context ctx, String param) {
        String v = ctx.queryParam(param);
        if (v == null || v.isBlank()) return null;
        String t = v.strip().endsWith("%") ? v.strip().substring(0, v.strip().length() - 1) : v.strip();
        try {
            double d = Double.parseDouble(t);
            if (Double.isNaN(d) || Double.isInfinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new BadRequest(param + ": \"" + v.strip() + "\" is not a number");
        }
    }

    private static String text(io.javalin.http.Context ctx, String param) {
        String v = ctx.queryParam(param);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static void json(io.javalin.http.Context ctx, Object value) {
        ctx.contentType("application/json");
        ctx.result(Json.write(value) + "\n");
    }

    private static void html(io.javalin.http.Context ctx, String page) {
        ctx.contentType("text/html; charset=utf-8");
        ctx.result(page);
    }

    private static <T> T value(io.javalin.http.Context ctx, Outcome<T> o) {
        List<String> problems = o.problems().stream().map(Throwable::getMessage).toList();
        ctx.attribute("reckon.problems", problems);
        ctx.attribute("reckon.notes", o.notes());
        return o.value();
    }

    private static String notes(io.javalin.http.Context ctx) {
        List<String> p = ctx.attribute("reckon.problems");
        List<String> n = ctx.attribute("reckon.notes");
        return Html.notes(p == null ? List.of() : p, n == null ? List.of() : n);
    }

    // ------------------------------------------------------------------------------------------------ the use cases

    /** The {@code cluster} parameter: a comma list of clusters, or every cluster when absent. */
    private static List<String> clusters(io.javalin.http.Context ctx) {
        String c = ctx.queryParam("cluster");
        return c == null || c.isBlank() ? List.of() : List.of(c);
    }

    private Review.Result review(io.javalin.http.Context ctx) {
        Duration period = duration("period", ctx.queryParam("period"), null);
        return value(ctx, new Governance(context(ctx)).review(new Governance.ReviewRequest(
                time(ctx, "since", options.reviewSince()), time(ctx, "until", null), period, clusters(ctx))));
    }

    private dev.reckon.review.Owners.Result owners(io.javalin.http.Context ctx) {
        Integer limit = integer(ctx, "limit");
        return value(ctx, new Governance(context(ctx)).owners(new Governance.OwnersRequest(
                time(ctx, "since", options.reviewSince()), time(ctx, "until", null),
                limit == null ? dev.reckon.review.Owners.DEFAULT_LIMIT : limit, clusters(ctx))));
    }

    private ExitPlanning.Evaluation evaluation(io.javalin.http.Context ctx) {
        Integer burn = integer(ctx, "burn_days");
        return new ExitPlanning.Evaluation(time(ctx, "at", null), number(ctx, "approach_budget"),
                integer(ctx, "approach_days"), burn == null ? ExitPlanning.Evaluation.DEFAULT_BURN_DAYS : burn,
                clusters(ctx));
    }

    private Records.JobsRequest jobsRequest(io.javalin.http.Context ctx, Integer defaultLimit) {
        Integer limit = integer(ctx, "limit");
        return new Records.JobsRequest(text(ctx, "user"), text(ctx, "account"), text(ctx, "partition"),
                text(ctx, "state"), time(ctx, "since", null), time(ctx, "until", null), text(ctx, "cluster"),
                limit == null ? defaultLimit : limit);
    }

    private Simulation.WhatIfRun whatIf(io.javalin.http.Context ctx) {
        Simulation.Source source = new Simulation.Source(null, time(ctx, "since", "30d"), time(ctx, "until", null),
                options.machine(), text(ctx, "policy") == null ? "easy" : text(ctx, "policy"));
        return value(ctx, new Simulation(context(ctx)).whatIf(new Simulation.WhatIfRequest(source,
                number(ctx, "add_nodes"), null)));
    }

    /** The campaign files of the campaigns directory, by name ({@code NAME.campaign.yaml}). */
    private Map<String, Path> campaigns() throws IOException {
        Map<String, Path> out = new TreeMap<>();
        if (options.campaigns() == null || !Files.isDirectory(options.campaigns())) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(options.campaigns(), "*.campaign.{yaml,yml}")) {
            for (Path p : ds) out.put(p.getFileName().toString().replaceFirst("\\.campaign\\.ya?ml$", ""), p);
        }
        return out;
    }

    private Path campaign(io.javalin.http.Context ctx) throws IOException {
        Path p = campaigns().get(ctx.pathParam("name"));
        if (p == null) throw notFound("no campaign " + ctx.pathParam("name")
                + (options.campaigns() == null ? " (the server was started without --campaigns)" : " in " + options.campaigns()));
        return p;
    }

    /** The campaign's model file beside it ({@code NAME.model.yaml}), when it has one and ran on it. */
    private static Path model(Path campaign) {
        String name = campaign.getFileName().toString().replaceFirst("\\.campaign\\.ya?ml$", "");
        for (String ext : new String[] {".model.yaml", ".model.yml"}) {
            Path m = campaign.resolveSibling(name + ext);
            if (Files.isRegularFile(m)) return m;
        }
        return null;
    }

    /** The round report of what has run: on the cluster, else on the campaign's model. */
    private Optimising.RunResult report(io.javalin.http.Context ctx, Path file) throws IOException {
        Optimising o = new Optimising(context(ctx));
        Path model = model(file);
        try {
            return value(ctx, o.report(file, null));
        } catch (BadRequest notRun) {
            if (model == null) throw notRun;
            return value(ctx, o.report(file, model));
        }
    }

    // ------------------------------------------------------------------------------------------------ JSON API

    private void api(JavalinDefaultRoutingApi r) {
        get(r, "/api/openapi.json", ctx -> {
            ctx.contentType("application/json");
            try (InputStream in = Server.class.getResourceAsStream("openapi.json")) {
                ctx.result(Objects.requireNonNull(in, "openapi.json").readAllBytes());
            }
        });
        // reckon jobs --json: the array streamed, one JobView per job, by the same generator settings
        get(r, "/api/jobs", ctx -> {
            // streamed as the command line streams it: a million jobs need no more memory than one
            Records.JobsRequest q = jobsRequest(ctx, null);
            ctx.contentType("application/json");
            writeJobs(new Records(context(ctx)), q, ctx.outputStream());
        });
        get(r, "/api/jobs/{id}", ctx -> {
            Records.Found f = new Records(context(ctx)).job(new Records.JobRequest(ctx.pathParam("id"), text(ctx, "cluster")));
            if (!f.found()) throw notFound("no job " + ctx.pathParam("id") + " in the ledger");
            json(ctx, f);
        });
        get(r, "/api/review", ctx -> {
            ctx.contentType("application/json");
            JsonVocabulary.writeReview(review(ctx), ctx.outputStream());
        });
        get(r, "/api/owners", ctx -> json(ctx, JsonVocabulary.owners(owners(ctx))));
        get(r, "/api/exits", ctx -> json(ctx, JsonVocabulary.exits(value(ctx, new ExitPlanning(context(ctx)).evaluate(evaluation(ctx))))));
        get(r, "/api/exits/calendar", ctx -> json(ctx, value(ctx, new ExitPlanning(context(ctx)).calendar(evaluation(ctx)))));
        get(r, "/api/exits/closed", ctx -> json(ctx, JsonVocabulary.closings(new ExitPlanning(context(ctx)).closed())));
        get(r, "/api/whatif", ctx -> {
            Simulation.WhatIfRun run = whatIf(ctx);
            ctx.contentType("application/json");
            ctx.result(WhatIfReport.json(run.result(), run.source(), run.machine()) + "\n");
        });
        get(r, "/api/rightsize", ctx -> json(ctx, JsonVocabulary.rightsize(value(ctx, new Rightsizing(context(ctx)).rightsize(
                new Rightsizing.Request(time(ctx, "since", null), time(ctx, "until", null), text(ctx, "user"),
                        text(ctx, "name"), text(ctx, "charter"), text(ctx, "account"), text(ctx, "by"),
                        number(ctx, "percentile"), clusters(ctx)))))));
        get(r, "/api/charters", ctx -> json(ctx, value(ctx, new Chartering(context(ctx)).list())));
        get(r, "/api/charters/{id}", ctx -> {
            Chartering.Shown s = new Chartering(context(ctx)).show(ctx.pathParam("id"));
            if (!s.found()) {
                if (!s.problems().isEmpty()) throw s.problems().get(0);
                throw notFound("no charter " + ctx.pathParam("id"));
            }
            json(ctx, s);
        });
        get(r, "/api/charters/{id}/metrics", ctx -> json(ctx, new Records(context(ctx)).metrics(ctx.pathParam("id"))));
        get(r, "/api/audit", ctx -> json(ctx, new Records(context(ctx)).audit(new Records.AuditRequest(
                time(ctx, "since", null), time(ctx, "until", null), text(ctx, "job")))));
        get(r, "/api/campaigns", ctx -> {
            List<Map<String, String>> out = new ArrayList<>();
            campaigns().forEach((name, file) -> out.add(Map.of("name", name, "file", file.toString())));
            json(ctx, out);
        });
        get(r, "/api/campaigns/{name}/report", ctx -> json(ctx, report(ctx, campaign(ctx)).report()));
        get(r, "/api/campaigns/{name}/status", ctx -> json(ctx, report(ctx, campaign(ctx)).run()));
        get(r, "/api/campaigns/{name}/baseline", ctx -> json(ctx, value(ctx, new Optimising(context(ctx))
                .baseline(campaign(ctx), time(ctx, "since", null)))));
        get(r, "/metrics", ctx -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String type = metrics.write(ctx.header("Accept"), out);
            ctx.contentType(type);
            ctx.result(out.toByteArray());
        });

        // ---- actions: POST only, the bearer token, --allow-actions (the guard checks all three), dry run unless
        // the body says "apply": true; the application layer audits what it does with the caller as actor
        post(r, "/api/actions/reclaim", ctx -> {
            JsonNode body = body(ctx);
            boolean apply = apply(body);
            options.log().println("reckon serve: action reclaim by " + context(ctx).actor() + (apply ? " (apply)" : " (dry run)"));
            json(ctx, JsonVocabulary.steps(value(ctx, new Governance(context(ctx)).reclaim(new Governance.ReclaimRequest(
                    time("since", field(body, "since", options.reviewSince())), duration("grace", field(body, "grace", null), "2h"),
                    options.channels(), apply)))));
        });
        post(r, "/api/actions/exits/enforce", ctx -> {
            JsonNode body = body(ctx);
            boolean apply = apply(body);
            options.log().println("reckon serve: action exits enforce by " + context(ctx).actor() + (apply ? " (apply)" : " (dry run)"));
            JsonNode burn = body.get("burn_days");
            ExitPlanning.Evaluation e = new ExitPlanning.Evaluation(time("at", field(body, "at", null)), null, null,
                    burn == null || !burn.canConvertToInt() ? ExitPlanning.Evaluation.DEFAULT_BURN_DAYS : burn.asInt());
            json(ctx, JsonVocabulary.steps(value(ctx, new ExitPlanning(context(ctx)).enforce(new ExitPlanning.EnforceRequest(e,
                    duration("grace", field(body, "grace", null), "2h"), options.channels(), apply)))));
        });
    }

    /** Streams the jobs as {@code reckon jobs --json} does: the same generator settings, one {@link JobView} each. */
    private void writeJobs(Records records, Records.JobsRequest q, OutputStream out) throws IOException {
        JsonGenerator g = Json.mapper().getFactory().createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.useDefaultPrettyPrinter();
        g.writeStartArray();
        records.jobs(q, j -> {
            try {
                g.writeObject(JobView.of(j, base.zone(), false));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        g.writeEndArray();
        g.writeRaw('\n');
        g.flush();
    }

    private static JsonNode body(io.javalin.http.Context ctx) {
        String b = ctx.body();
        if (b == null || b.isBlank()) return Json.mapper().createObjectNode();
        try {
            JsonNode n = Json.mapper().readTree(b);
            if (n == null || !n.isObject()) throw new BadRequest("the body must be one JSON object, e.g. {\"apply\": false}");
            return n;
        } catch (IOException e) {
            throw new BadRequest("the body is not JSON: " + e.getClass().getSimpleName());
        }
    }

    /** Only {@code "apply": true} carries an action out; anything else that is not false is refused. */
    private static boolean apply(JsonNode body) {
        JsonNode a = body.get("apply");
        if (a == null || a.isNull()) return false;
        if (!a.isBoolean()) throw new BadRequest("apply: true or false, not " + a);
        return a.asBoolean();
    }

    private static String field(JsonNode body, String name, String dflt) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) return dflt;
        if (!v.isTextual()) throw new BadRequest(name + ": a string, not " + v);
        return v.asText();
    }

    // ------------------------------------------------------------------------------------------------ pages

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private void pages(JavalinDefaultRoutingApi r) {
        get(r, "/", ctx -> ctx.redirect("/review"));
        get(r, "/review", ctx -> {
            Review.Result rv = review(ctx);
            html(ctx, Html.framed(ReviewHtml.page(rv, base.zone()), "/review", filterForm(ctx, "/review",
                    new String[][] {{"since", options.reviewSince()}, {"until", ""}}) + notes(ctx) + reviewNumbers(rv)));
        });
        get(r, "/exits", ctx -> {
            ExitPlanning plan = new ExitPlanning(context(ctx));
            ExitPlanning.Evaluation q = evaluation(ctx);
            var es = value(ctx, plan.evaluate(q));
            String verdicts = Html.table(es, List.of("charter", "owner", "status", "verdict", "window_end", "review_due",
                    "budget.gpu_hours", "used.gpu_hours", "left.gpu_hours", "budget.cpu_hours", "used.cpu_hours",
                    "left.cpu_hours", "projected_exhaustion", "exit.kind", "exit_due_at"), null);
            StringBuilder evidence = new StringBuilder("<section id=\"evidence\"><h2>Why: each verdict's evidence</h2>");
            for (var e : es) {
                evidence.append("<details><summary>").append(Html.esc(e.charter())).append(": ")
                        .append(Html.esc(e.verdict().word())).append("</summary><ul class=\"notes\">");
                for (String line : e.evidence()) evidence.append("<li>").append(Html.esc(line)).append("</li>");
                evidence.append("</ul></details>");
            }
            evidence.append("</section>\n");
            String problems = notes(ctx);
            var stops = value(ctx, plan.calendar(q));
            html(ctx, Html.page("Exits", "/exits", problems
                    + "<section id=\"verdicts\"><h2>Every charter against its exits</h2>"
                    + "<p class=\"note\">The same figures as <a href=\"/api/exits\">/api/exits</a> and reckon exits --json.</p>"
                    + verdicts + "</section>\n" + evidence + "<section id=\"calendar\"><h2>Calendar of planned stops</h2>"
                    + "<p class=\"note\">Window ends, projected budget exhaustion and review dates, in date order "
                    + "(<a href=\"/api/exits/calendar\">/api/exits/calendar</a>).</p>"
                    + Html.table(stops, List.of("at", "charter", "owner", "kind", "summary"), null) + "</section>\n"));
        });
        get(r, "/owners", ctx -> {
            var o = owners(ctx);
            html(ctx, Html.page("Owners", "/owners", filterForm(ctx, "/owners",
                    new String[][] {{"since", options.reviewSince()}, {"until", ""}, {"limit", ""}}) + notes(ctx)
                    + "<section id=\"owners\"><h2>Owners: active charters and babysitting load</h2>"
                    + Html.table(Json.mapper().valueToTree(o).get("owners"), null, null) + "</section>\n"
                    + "<section id=\"unowned\"><h2>Unowned: load of jobs no charter claims, per user</h2>"
                    + Html.table(Json.mapper().valueToTree(o).get("unowned"), null, null) + "</section>\n"));
        });
        get(r, "/jobs", this::jobsPage);
        get(r, "/jobs/{id}", ctx -> {
            Records.Found f = new Records(context(ctx)).job(new Records.JobRequest(ctx.pathParam("id"), text(ctx, "cluster")));
            if (!f.found()) throw notFound("no job " + ctx.pathParam("id") + " in the ledger");
            JsonNode n = Json.mapper().valueToTree(f);
            StringBuilder b = new StringBuilder();
            if (n.isObject()) {
                JsonNode steps = ((com.fasterxml.jackson.databind.node.ObjectNode) n).remove("steps");
                b.append("<section id=\"job\"><h2>What it was given and what it used</h2>")
                        .append(Html.table(n, null, null)).append("</section>\n");
                b.append("<section id=\"steps\"><h2>Steps</h2>").append(Html.table(steps, null, null)).append("</section>\n");
            } else {
                b.append("<section id=\"members\"><h2>Its jobs</h2>")
                        .append(Html.table(n, List.of("job_id", "state", "exit_code", "start", "elapsed_s", "alloc_cpus",
                                "alloc_gpus", "cpu_eff", "mem_eff", "time_eff", "cpu_hours", "gpu_hours"),
                                new Html.Link("job_id", "/jobs/"))).append("</section>\n");
            }
            html(ctx, Html.page("Job " + ctx.pathParam("id"), "/jobs", b.toString()));
        });
        get(r, "/whatif", ctx -> {
            Simulation.WhatIfRun run = whatIf(ctx);
            html(ctx, Html.framed(WhatIfReport.html(run.result(), run.source(), run.machine()), "/whatif",
                    filterForm(ctx, "/whatif", new String[][] {{"since", "30d"}, {"until", ""}, {"add_nodes", ""}})
                            + notes(ctx)));
        });
        get(r, "/campaigns", ctx -> {
            StringBuilder b = new StringBuilder("<section id=\"campaigns\"><h2>Optimisation campaigns</h2>");
            Map<String, Path> cs = campaigns();
            if (cs.isEmpty()) b.append("<p class=\"none\">No campaigns").append(options.campaigns() == null
                    ? ": start the server with --campaigns DIR (files NAME.campaign.yaml)." : " in " + Html.esc(options.campaigns().toString()) + ".").append("</p>");
            else {
                b.append("<ul>");
                cs.forEach((name, file) -> b.append("<li><a href=\"/campaigns/").append(Html.esc(Html.url(name))).append("\">")
                        .append(Html.esc(name)).append("</a> <span class=\"note\">").append(Html.esc(file.toString()))
                        .append("</span></li>"));
                b.append("</ul>");
            }
            html(ctx, Html.page("Campaigns", "/campaigns", b.append("</section>\n").toString()));
        });
        get(r, "/campaigns/{name}", ctx -> {
            Optimising.RunResult rr = report(ctx, campaign(ctx));
            html(ctx, Html.framed(OptimiseReport.html(rr.report()), "/campaigns", notes(ctx)));
        });
    }

    /** A GET form that sets the page's query parameters; each field keeps the value asked for. */
    private static String filterForm(io.javalin.http.Context ctx, String action, String[][] fields) {
        StringBuilder b = new StringBuilder("<section id=\"filters\"><form class=\"filters\" method=\"get\" action=\"")
                .append(action).append("\">");
        for (String[] f : fields) {
            String v = ctx.queryParam(f[0]);
            b.append("<label>").append(Html.esc(f[0].replace('_', ' '))).append("<input name=\"").append(f[0])
                    .append("\" value=\"").append(Html.esc(v == null ? "" : v)).append("\" placeholder=\"")
                    .append(Html.esc(f[1])).append("\"/></label>");
        }
        return b.append("<button type=\"submit\">Show</button></form></section>\n").toString();
    }

    /** The review's charts as tables: hours per period and class, and each charter against its budget. */
    private static String reviewNumbers(Review.Result r) {
        StringBuilder b = new StringBuilder("<section id=\"numbers\"><h2>The charts' numbers</h2>");
        ClassSeries s = ClassSeries.of(r.jobs(), r.since(), r.until(), r.now());
        b.append("<h3>Hours per ").append(Html.esc(s.unit())).append(" (UTC) by class</h3><div class=\"scroll\">")
                .append("<table id=\"class-numbers\"><thead><tr><th>from</th>");
        for (Review.JobClass k : Review.JobClass.values()) b.append("<th>").append(k.word()).append(" CPU-h</th>");
        if (s.hasGpu()) for (Review.JobClass k : Review.JobClass.values()) b.append("<th>").append(k.word()).append(" GPU-h</th>");
        b.append("</tr></thead><tbody>");
        for (ClassSeries.Period p : s.periods()) {
            b.append("<tr><td>").append(DAY.format(p.start())).append("</td>");
            for (Review.JobClass k : Review.JobClass.values()) b.append("<td class=\"n\">").append(fmt(p.cpu(k))).append("</td>");
            if (s.hasGpu()) for (Review.JobClass k : Review.JobClass.values())
                b.append("<td class=\"n\">").append(fmt(p.gpu(k))).append("</td>");
            b.append("</tr>");
        }
        b.append("</tbody></table></div><h3>Charters against budget</h3>")
                .append(Html.table(r.charters(), List.of("charter", "owner", "status", "jobs", "defended_jobs",
                        "gpu_hours", "budget_gpu_hours", "gpu_used", "cpu_hours", "budget_cpu_hours", "cpu_used",
                        "mem_gb_hours", "budget_mem_gb_hours"), null));
        return b.append("</section>\n").toString();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static final List<String> JOB_COLUMNS = List.of("job_id", "cluster", "name", "user", "account", "partition",
            "state", "exit_code", "submit", "start", "elapsed_s", "alloc_cpus", "alloc_gpus", "cpu_eff", "mem_eff",
            "time_eff", "cpu_hours", "gpu_hours");
    private static final int PAGE_JOBS = 500;

    /** The jobs page: the filters of {@code reckon jobs} and, on the page, by charter and by name. */
    private void jobsPage(io.javalin.http.Context ctx) {
        Records.JobsRequest q = jobsRequest(ctx, null);
        String charterId = text(ctx, "charter");
        String name = text(ctx, "name");
        Context c = context(ctx);
        Predicate<dev.reckon.model.Job> keep = j -> true;
        if (charterId != null) {
            Charter ch = value(ctx, new Chartering(c).list()).charters().stream()
                    .filter(x -> x.id().equals(charterId)).findFirst()
                    .orElseThrow(() -> new BadRequest("charter: no valid charter " + charterId));
            keep = keep.and(ch::matches);
        }
        if (name != null) {
            Pattern p = glob(name);
            keep = keep.and(j -> j.name() != null && p.matcher(j.name()).matches());
        }
        Predicate<dev.reckon.model.Job> filter = keep;
        List<JobView> shown = new ArrayList<>();
        long[] matched = {0};
        Records.Listing listing = new Records(c).jobs(q, j -> {
            if (!filter.test(j)) return;
            matched[0]++;
            if (shown.size() < PAGE_JOBS) shown.add(JobView.of(j, base.zone(), false));
        });
        StringBuilder b = new StringBuilder(filterForm(ctx, "/jobs", new String[][] {{"user", "any"}, {"state", "any"},
                {"since", "7d"}, {"until", ""}, {"charter", "any"}, {"name", "train*"}, {"partition", "any"},
                {"limit", ""}}));
        b.append(notes(ctx)).append("<section id=\"jobs\"><h2>").append(matched[0]).append(matched[0] == 1 ? " job" : " jobs")
                .append(matched[0] > shown.size() ? " (the first " + shown.size() + " shown)" : "").append("</h2>")
                .append("<p class=\"note\">From ").append(Html.esc(listing.ledger())).append(". As JSON (without the "
                        + "charter and name filters): <a href=\"/api/jobs").append(Html.esc(ctx.queryString() == null ? ""
                        : "?" + ctx.queryString())).append("\">/api/jobs</a>.</p>")
                .append(Html.table(Json.mapper().valueToTree(shown), JOB_COLUMNS, new Html.Link("job_id", "/jobs/")))
                .append("</section>\n");
        html(ctx, Html.page("Jobs", "/jobs", b.toString()));
    }

    /** A job-name pattern: {@code *} any run, {@code ?} one character, the rest literal. */
    static Pattern glob(String g) {
        StringBuilder b = new StringBuilder();
        for (char ch : g.toCharArray()) {
            if (ch == '*') b.append(".*");
            else if (ch == '?') b.append('.');
            else b.append(Pattern.quote(String.valueOf(ch)));
        }
        return Pattern.compile(b.toString());
    }

    // ------------------------------------------------------------------------------------------------ background

    /** Works the ledger's figures for {@code /metrics} out again; a failure keeps the last good ones. */
    void refreshMetrics() {
        try {
            Context c = new Context(base.config(), base.clock(), "reckon-serve");
            Instant since = time("since", options.reviewSince());
            Review.Result rv = new Governance(c).review(new Governance.ReviewRequest(since, null, null)).value();
            var es = new ExitPlanning(c).evaluate(ExitPlanning.Evaluation.now()).value();
            metrics.refresh(rv, es);
        } catch (RuntimeException e) {
            metrics.refreshFailed();
            options.log().println("reckon serve: metrics not refreshed: " + e.getMessage());
        }
    }

    /** One run of the ingest loop: the live cluster into the ledger; a failure is logged and the loop goes on. */
    void ingestOnce() {
        try {
            Context c = new Context(base.config(), base.clock(), "reckon-serve");
            Ingestion.Report rep = new Ingestion(c).slurm(new Ingestion.SlurmRequest(null, null, null));
            metrics.ingested(true);
            options.log().println("reckon serve: ingested " + rep.read() + " jobs (" + rep.inserted() + " new, "
                    + rep.updated() + " updated)");
            refreshMetrics();
        } catch (Exception e) {
            metrics.ingested(false);
            options.log().println("reckon serve: ingest failed (tried again in " + Times.text(options.ingestEvery())
                    + "): " + e.getMessage());
        }
    }
}
