package dev.reckon.source.sacct;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.Iterator;
import java.util.zip.GZIPInputStream;

/**
 * The GPU figures of a jobstats summary (Princeton's jobstats) that a site keeps in a job's AdminComment:
 * {@code JS1:} followed by the base64 of gzipped JSON, {@code {"nodes": {"NODE": {"gpu_utilization": {"0": 87.5},
 * "gpu_used_memory": {"0": BYTES}, "gpu_total_memory": {"0": BYTES}, ...}}, ...}}.
 */
final class JobStats {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** A summary is small; a larger one is not a summary. */
    private static final int MAX_JSON = 1 << 20;

    /**
     * @param util         mean utilisation over every GPU of every node, a fraction 0..1; null when none is given
     * @param memPeakBytes the largest {@code gpu_used_memory} of any one GPU; null when none is given
     */
    record Gpu(Double util, Long memPeakBytes) {}

    private JobStats() {
    }

    /** The GPU figures of an AdminComment, or null when it holds no summary, or one that does not decode. */
    static Gpu gpu(String adminComment) {
        if (adminComment == null) return null;
        String s = adminComment.strip();
        if (!s.startsWith("JS1:")) return null;
        try {
            byte[] gz = Base64.getDecoder().decode(s.substring(4).strip());
            byte[] json;
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
                json = in.readNBytes(MAX_JSON + 1);
            }
            if (json.length > MAX_JSON) return null;
            JsonNode nodes = MAPPER.readTree(json).path("nodes");
            if (!nodes.isObject()) return null;
            double sum = 0;
            int n = 0;
            Long peak = null;
            for (Iterator<JsonNode> it = nodes.elements(); it.hasNext(); ) {
                JsonNode node = it.next();
                for (Iterator<JsonNode> g = node.path("gpu_utilization").elements(); g.hasNext(); ) {
                    JsonNode u = g.next();
                    if (u.isNumber() && u.asDouble() >= 0) {
                        sum += Math.min(100.0, u.asDouble());
                        n++;
                    }
                }
                for (Iterator<JsonNode> g = node.path("gpu_used_memory").elements(); g.hasNext(); ) {
                    JsonNode m = g.next();
                    if (m.isNumber() && m.asLong() >= 0 && (peak == null || m.asLong() > peak)) peak = m.asLong();
                }
            }
            if (n == 0 && peak == null) return null;
            return new Gpu(n == 0 ? null : sum / n / 100, peak);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
