package dev.reckon.report.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reckon.core.Json;
import dev.reckon.report.JsonVocabulary;
import dev.reckon.sim.Predict;
import dev.reckon.sim.PredictAccuracy;
import dev.reckon.sim.RuntimeEstimate;

import java.time.Instant;
import java.util.List;

/** {@code reckon predict --json}, once, for every door that answers it (the command line, the web API, MCP). */
public final class PredictReport {
    private PredictReport() {}

    /**
     * The prediction as JSON: when, under which policy, on which nodes, from how many running and pending jobs; each
     * shape's predicted start and wait (and how it compares with the shape asked for, the first); how far off
     * predictions have been on this cluster's recent jobs (null when that could not be worked out).
     *
     * @param machine the nodes' groups as the simulation saw them
     */
    public static ObjectNode json(Instant now, String policy, Object machine, long running, long pending,
                                  List<Predict.Prediction> ps, PredictAccuracy.Report a, String cluster) {
        return json(now, policy, machine, running, pending, ps, a, cluster, null);
    }

    /**
     * As above, with how the live jobs' runtimes were estimated ({@code runtimes}: history jobs, live jobs estimated
     * and at their limits, the median share of the limit, how many each basis served; null: not said).
     */
    public static ObjectNode json(Instant now, String policy, Object machine, long running, long pending,
                                  List<Predict.Prediction> ps, PredictAccuracy.Report a, String cluster,
                                  RuntimeEstimate.Summary runtimes) {
        long base = ps.isEmpty() ? -1 : ps.get(0).waitS();
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("now", JsonVocabulary.instant(now));
        o.put("policy", policy);
        o.set("machine", Json.mapper().valueToTree(machine));
        o.put("running", running);
        o.put("pending", pending);
        ArrayNode arr = o.putArray("predictions");
        for (Predict.Prediction x : ps) {
            ObjectNode e = arr.addObject();
            e.set("shape", Json.mapper().valueToTree(x.shape()));
            e.put("start_at", JsonVocabulary.instant(x.start()));
            if (x.start() == null) e.putNull("wait_s");
            else e.put("wait_s", x.waitS());
            if (x.start() == null || base < 0) e.putNull("vs_asked_s");
            else e.put("vs_asked_s", x.waitS() - base);
            e.put("note", x.note());
        }
        if (runtimes != null) {
            ObjectNode rt = o.putObject("runtimes");
            rt.put("history_jobs", runtimes.historyJobs());
            rt.put("estimated", runtimes.estimated());
            rt.put("at_limit", runtimes.atLimit());
            if (runtimes.medianShare() == null) rt.putNull("median_limit_share");
            else rt.put("median_limit_share", Math.round(runtimes.medianShare() * 1000) / 1000.0);
            ObjectNode by = rt.putObject("by");
            by.put("name", runtimes.byBasis().getOrDefault(RuntimeEstimate.Basis.NAME, 0));
            by.put("partition", runtimes.byBasis().getOrDefault(RuntimeEstimate.Basis.PARTITION, 0));
            by.put("user", runtimes.byBasis().getOrDefault(RuntimeEstimate.Basis.USER, 0));
            by.put("all", runtimes.byBasis().getOrDefault(RuntimeEstimate.Basis.ALL, 0));
        }
        if (a == null) {
            o.putNull("accuracy");
        } else {
            ObjectNode acc = o.putObject("accuracy");
            acc.put("cluster", cluster);
            acc.put("jobs", a.jobs());
            if (a.medianOffS() == null) acc.putNull("median_off_s");
            else acc.put("median_off_s", a.medianOffS());
            acc.put("close_share", a.closeShare());
            acc.put("close_within_share", PredictAccuracy.CLOSE_SHARE);
            acc.put("close_within_s", PredictAccuracy.CLOSE_FLOOR_S);
            acc.put("median_real_wait_s", a.medianRealWaitS());
        }
        return o;
    }
}
