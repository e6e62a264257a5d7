package dev.reckon.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reckon.core.Json;
import dev.reckon.place.Offer;
import dev.reckon.place.Request;
import dev.reckon.place.Submission;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;

/** {@code reckon place}: its {@code --json} and its table, once, for every door that answers it. */
public final class PlaceReport {
    private PlaceReport() {}

    /** The placement as JSON (keys: docs/json.md). */
    public static ObjectNode json(Instant now, String providersFile, Request r, String select, List<Offer> offers,
                                  Offer chosen, String why, Submission s) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("now", JsonVocabulary.instant(now));
        o.put("providers_file", providersFile);
        ObjectNode q = o.putObject("request");
        q.put("nodes", r.nodes());
        q.put("cpus", r.cpus());
        q.put("mem_bytes", r.memBytes());
        q.put("gpus", r.gpus());
        q.put("timelimit_s", r.timeS());
        q.put("deadline_at", JsonVocabulary.instant(r.deadline()));
        o.put("select", select);
        ArrayNode arr = o.putArray("offers");
        for (Offer x : offers) {
            ObjectNode e = arr.addObject();
            e.put("provider", x.provider());
            e.put("kind", x.kind());
            e.put("readiness", x.readiness().name());
            e.put("reason", x.reason());
            e.put("start_at", JsonVocabulary.instant(x.start()));
            e.put("end_at", JsonVocabulary.instant(x.end()));
            if (x.start() == null) e.putNull("wait_s");
            else e.put("wait_s", Math.max(0, x.start().getEpochSecond() - now.getEpochSecond()));
            e.put("cost", x.cost());
            e.put("queue_cpu_s", x.queueDepth());
        }
        o.put("chosen", chosen == null ? null : chosen.provider());
        o.put("why", why);
        if (s == null) {
            o.putNull("submission");
        } else {
            ObjectNode e = o.putObject("submission");
            e.put("provider", s.provider());
            e.put("cluster", s.cluster());
            ArrayNode c = e.putArray("command");
            s.command().forEach(c::add);
            e.put("applied", s.applied());
            e.put("job_id", s.jobId());
            e.put("key", s.key());
            e.put("outcome", s.outcome());
        }
        return o;
    }

    /**
     * The offers as a terminal table, data escaped, the chosen one marked with {@code *}; then each provider's reason
     * on a line of its own (reasons are sentences, too wide for a column).
     */
    public static String table(Instant now, List<Offer> offers, Offer chosen, ZoneId zone) {
        Table t = new Table(" ", "provider", "kind", "verdict", "predicted start", "predicted end", "wait>", "cost>");
        for (Offer x : offers) {
            t.row(x == chosen ? "*" : "", Terminal.visible(x.provider(), false), x.kind(), x.readiness().name(),
                    x.start() == null ? "-" : Format.time(x.start(), zone),
                    x.end() == null ? "-" : Format.time(x.end(), zone),
                    x.start() == null ? "-" : dev.reckon.sim.WhatIf.human(Math.max(0,
                            x.start().getEpochSecond() - now.getEpochSecond())),
                    String.format(Locale.ROOT, "%.2f", x.cost()));
        }
        StringBuilder b = new StringBuilder(t.render()).append('\n');
        for (Offer x : offers) {
            b.append(Terminal.visible(x.provider(), false)).append(": ").append(Terminal.visible(x.reason(), false))
                    .append('\n');
        }
        return b.toString();
    }
}
