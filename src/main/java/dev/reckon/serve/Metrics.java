package dev.reckon.serve;

import dev.reckon.exits.Exits;
import dev.reckon.model.Verdict;
import dev.reckon.review.Review;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /metrics}, through the official Prometheus Java client. The ledger's figures (hours by class, charter and
 * user over the review window; each charter's budget and verdict; the kill list) are worked out by the application
 * layer when the server starts, after each ingest and every few minutes, and kept: a scrape reads them, it never
 * reviews the ledger itself. The request counters and the latency histogram are live.
 */
final class Metrics {
    static final String[] RESOURCES = {"cpu", "gpu", "mem_gib"};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final Clock clock;
    private final Counter requests;
    private final Histogram latency;
    private final Counter ingests;
    private final Counter refreshFailures;
    private volatile List<MetricSnapshot> ledger = List.of();
    private volatile Instant refreshedAt;
    private volatile Instant lastIngest;

    Metrics(Clock clock) {
        this.clock = clock;
        requests = Counter.builder().name("reckon_http_requests_total").help("HTTP requests answered, by route and status")
                .labelNames("method", "route", "status").register(registry);
        latency = Histogram.builder().name("reckon_http_request_duration_seconds")
                .help("How long requests took to answer, by route").labelNames("method", "route")
                .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30).register(registry);
        ingests = Counter.builder().name("reckon_ingest_runs_total").help("Ingests of the live cluster run by the "
                + "server's loop, by result").labelNames("result").register(registry);
        refreshFailures = Counter.builder().name("reckon_metrics_refresh_failures_total")
                .help("Times the ledger's figures could not be worked out (the last good ones are kept)").register(registry);
        registry.register(new MultiCollector() {
            @Override
            public MetricSnapshots collect() {
                List<MetricSnapshot> all = new ArrayList<>(ledger);
                all.addAll(liveGauges());
                return new MetricSnapshots(all);
            }
        });
    }

    void request(String method, String route, int status, double seconds) {
        requests.labelValues(method, route, Integer.toString(status)).inc();
        latency.labelValues(method, route).observe(seconds);
    }

    void ingested(boolean ok) {
        ingests.labelValues(ok ? "ok" : "failed").inc();
        if (ok) lastIngest = clock.instant();
    }

    void refreshFailed() {
        refreshFailures.inc();
    }

    /** Writes the metrics in the format the scraper asked for (its Accept header); returns the content type. */
    String write(String accept, OutputStream out) throws IOException {
        ExpositionFormatWriter w = formats.findWriter(accept);
        w.write(out, registry.scrape());
        return w.getContentType();
    }

    /** The figures a scrape reads until the next refresh: from the review of the window and the exits at now. */
    void refresh(Review.Result review, List<Exits.Evaluation> exits) {
        List<MetricSnapshot> out = new ArrayList<>();
        GaugeSnapshot.Builder classHours = gauge("reckon_class_hours",
                "Hours consumed in the review window by class of job (defended, habitual, orphaned)");
        GaugeSnapshot.Builder classJobs = gauge("reckon_class_jobs", "Jobs of the review window by class");
        for (Review.Share s : review.shares()) {
            String k = s.jobClass().word();
            double[] v = {s.cpuHours(), s.gpuHours(), s.memGbHours()};
            for (int i = 0; i < RESOURCES.length; i++) point(classHours, v[i], "class", k, "resource", RESOURCES[i]);
            point(classJobs, s.jobs(), "class", k);
        }
        out.add(classHours.build());
        out.add(classJobs.build());

        Map<String, double[]> users = new TreeMap<>();
        for (Review.JobVerdict j : review.jobs()) {
            double[] u = users.computeIfAbsent(j.user() == null ? "" : j.user(), x -> new double[3]);
            u[0] += j.cpuHours();
            u[1] += j.gpuHours();
            u[2] += j.memGbHours();
        }
        GaugeSnapshot.Builder userHours = gauge("reckon_user_hours", "Hours consumed in the review window by user");
        users.forEach((user, v) -> {
            for (int i = 0; i < RESOURCES.length; i++) point(userHours, v[i], "user", user, "resource", RESOURCES[i]);
        });
        out.add(userHours.build());

        GaugeSnapshot.Builder charterHours = gauge("reckon_charter_hours",
                "Hours the charter's jobs consumed in the review window");
        for (Review.CharterUse c : review.charters()) {
            double[] v = {c.cpuHours(), c.gpuHours(), c.memGbHours()};
            for (int i = 0; i < RESOURCES.length; i++) point(charterHours, v[i], "charter", c.charter(), "resource", RESOURCES[i]);
        }
        out.add(charterHours.build());

        GaugeSnapshot.Builder budget = gauge("reckon_charter_budget_hours", "The charter's budget, per limited resource");
        GaugeSnapshot.Builder used = gauge("reckon_charter_budget_used_hours",
                "What the charter consumed from its window start, per limited resource");
        GaugeSnapshot.Builder left = gauge("reckon_charter_budget_left_hours",
                "The charter's budget left (negative when overspent), per limited resource");
        GaugeSnapshot.Builder verdict = gauge("reckon_charter_verdict",
                "1 for the charter's verdict against its exits now (continue, approaching, success-exit, failure-exit, overrun)");
        for (Exits.Evaluation e : exits) {
            Double[] b = e.budget() == null ? new Double[3]
                    : new Double[] {e.budget().cpuHours(), e.budget().gpuHours(), e.budget().memGbHours()};
            Double[] l = e.left() == null ? new Double[3]
                    : new Double[] {e.left().cpuHours(), e.left().gpuHours(), e.left().memGbHours()};
            double[] u = e.used() == null ? new double[3]
                    : new double[] {e.used().cpuHours(), e.used().gpuHours(), e.used().memGbHours()};
            for (int i = 0; i < RESOURCES.length; i++) {
                if (b[i] == null) continue;
                point(budget, b[i], "charter", e.charter(), "resource", RESOURCES[i]);
                point(used, u[i], "charter", e.charter(), "resource", RESOURCES[i]);
                if (l[i] != null) point(left, l[i], "charter", e.charter(), "resource", RESOURCES[i]);
            }
            for (Verdict v : Verdict.values())
                point(verdict, v == e.verdict() ? 1 : 0, "charter", e.charter(), "verdict", v.word());
        }
        out.add(budget.build());
        out.add(used.build());
        out.add(left.build());
        out.add(verdict.build());

        long cpus = 0, gpus = 0, mem = 0;
        Map<String, Long> byClass = new LinkedHashMap<>();
        for (Review.Kill k : review.killList()) {
            cpus += k.cpus();
            gpus += k.gpus();
            mem += k.memBytes();
            byClass.merge(k.jobClass().word(), 1L, Long::sum);
        }
        GaugeSnapshot.Builder killJobs = gauge("reckon_kill_list_jobs",
                "Running and pending undefended jobs (the review's kill list)");
        point(killJobs, review.killList().size());
        out.add(killJobs.build());
        GaugeSnapshot.Builder held = gauge("reckon_kill_list_held", "Capacity the kill list holds: cpus, gpus, memory_bytes");
        point(held, cpus, "resource", "cpus");
        point(held, gpus, "resource", "gpus");
        point(held, mem, "resource", "memory_bytes");
        out.add(held.build());

        Instant newest = null;
        for (Review.JobVerdict j : review.jobs()) {
            for (Instant t : new Instant[] {j.start(), j.end()})
                if (t != null && (newest == null || t.isAfter(newest))) newest = t;
        }
        if (newest != null) {
            GaugeSnapshot.Builder n = gauge("reckon_ledger_newest_job_timestamp_seconds",
                    "The latest start or end of a job of the review window: how fresh the ledger is");
            point(n, newest.getEpochSecond());
            out.add(n.build());
        }
        ledger = List.copyOf(out);
        refreshedAt = clock.instant();
    }

    private List<MetricSnapshot> liveGauges() {
        List<MetricSnapshot> out = new ArrayList<>();
        Instant now = clock.instant();
        if (refreshedAt != null) {
            GaugeSnapshot.Builder r = gauge("reckon_metrics_refreshed_timestamp_seconds",
                    "When the ledger's figures were last worked out");
            point(r, refreshedAt.getEpochSecond());
            out.add(r.build());
        }
        if (lastIngest != null) {
            GaugeSnapshot.Builder t = gauge("reckon_ingest_last_success_timestamp_seconds",
                    "When the server's ingest loop last read the cluster into the ledger");
            point(t, lastIngest.getEpochSecond());
            out.add(t.build());
            GaugeSnapshot.Builder lag = gauge("reckon_ingest_lag_seconds", "Seconds since the last successful ingest");
            point(lag, Math.max(0, now.getEpochSecond() - lastIngest.getEpochSecond()));
            out.add(lag.build());
        }
        return out;
    }

    private static GaugeSnapshot.Builder gauge(String name, String help) {
        return GaugeSnapshot.builder().name(name).help(help);
    }

    private static void point(GaugeSnapshot.Builder g, double value, String... labels) {
        g.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
    }
}
