package dev.reckon.place;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reckon.core.InputError;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes cluster's Kueue queues as {@code kubectl get clusterqueues,localqueues,workloads -A -o json} prints
 * them (Kueue's {@code kueue.x-k8s.io/v1beta1} API): each ClusterQueue's quotas per resource
 * ({@code spec.resourceGroups[].flavors[].resources[]}: {@code nominalQuota}, {@code borrowingLimit},
 * {@code lendingLimit}; summed over flavors), {@code spec.cohort}, {@code spec.queueingStrategy},
 * {@code spec.stopPolicy}, what its admitted workloads use ({@code status.flavorsUsage}) and its counts
 * ({@code status.pendingWorkloads}, {@code status.admittedWorkloads}); each LocalQueue's {@code spec.clusterQueue};
 * each Workload's {@code spec.queueName}, {@code spec.priority}, what its pod sets request
 * ({@code spec.podSets[].count} x the containers' {@code resources.requests}), {@code spec.maximumExecutionTimeSeconds},
 * whether it holds quota ({@code status.admission}, conditions {@code QuotaReserved}/{@code Admitted}) and since
 * when, and whether it finished (condition {@code Finished}). Quantities ({@code 500m}, {@code 16Gi}, {@code 2})
 * are kept in thousandths of their unit, so a CPU is 1000 and a byte of memory 1000.
 */
public record KueueState(List<ClusterQueue> clusterQueues, List<LocalQueue> localQueues, List<Workload> workloads) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public KueueState {
        clusterQueues = List.copyOf(clusterQueues);
        localQueues = List.copyOf(localQueues);
        workloads = List.copyOf(workloads);
    }

    /**
     * A ClusterQueue, its quotas summed over flavors per resource (in thousandths).
     *
     * @param borrowingLimit per resource; a resource absent has no limit (while the cohort has quota to lend)
     * @param lendingLimit   per resource; a resource absent lends all its unused nominal quota
     * @param usage          what admitted workloads use now ({@code status.flavorsUsage}, totals)
     */
    public record ClusterQueue(String name, String cohort, String queueingStrategy, String stopPolicy,
                               Map<String, Long> nominal, Map<String, Long> borrowingLimit,
                               Map<String, Long> lendingLimit, Map<String, Long> usage, int pendingWorkloads,
                               int admittedWorkloads) {
        /** Whether it admits nothing new ({@code stopPolicy} Hold or HoldAndDrain). */
        public boolean held() {
            return stopPolicy != null && !stopPolicy.isEmpty() && !stopPolicy.equals("None");
        }

        /** StrictFIFO: the head of the queue blocks those behind it; else BestEffortFIFO. */
        public boolean strictFifo() {
            return "StrictFIFO".equals(queueingStrategy);
        }
    }

    public record LocalQueue(String namespace, String name, String clusterQueue) {}

    /**
     * A Workload.
     *
     * @param requests   what all its pods request, per resource, in thousandths ({@code pods}: its pod count)
     * @param admittedTo the ClusterQueue it holds quota in, or null while pending
     * @param admittedAt when it got its quota; null when unknown or pending
     * @param maxExecS   {@code spec.maximumExecutionTimeSeconds}, or null
     */
    public record Workload(String namespace, String name, String queueName, int priority, Instant created,
                           Map<String, Long> requests, String admittedTo, Instant admittedAt, boolean finished,
                           boolean active, Long maxExecS) {
        public boolean admitted() {
            return admittedTo != null && !finished;
        }

        public boolean pending() {
            return admittedTo == null && !finished && active;
        }
    }

    /** The LocalQueue {@code namespace/name}, or null. */
    public LocalQueue localQueue(String nsName) {
        for (LocalQueue q : localQueues) if ((q.namespace() + "/" + q.name()).equals(nsName)) return q;
        return null;
    }

    /** The ClusterQueue of that name, or null. */
    public ClusterQueue clusterQueue(String name) {
        for (ClusterQueue q : clusterQueues) if (q.name().equals(name)) return q;
        return null;
    }

    /** Reads kubectl's JSON ({@code {"kind": "List", "items": [...]}}, or one object); {@code file} names it in errors. */
    public static KueueState parse(String text, String file) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new InputError(file, line, null, "not JSON (expected kubectl get clusterqueues,localqueues,"
                    + "workloads -A -o json): " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InputError(file, 0, null, "not kubectl's JSON: expected an object with items");
        }
        List<JsonNode> items = new ArrayList<>();
        if (root.has("items")) root.get("items").forEach(items::add);
        else items.add(root);
        List<ClusterQueue> cqs = new ArrayList<>();
        List<LocalQueue> lqs = new ArrayList<>();
        List<Workload> wls = new ArrayList<>();
        int i = 0;
        for (JsonNode it : items) {
            String at = "items[" + i++ + "]";
            String kind = it.path("kind").asText("");
            String name = it.path("metadata").path("name").asText("");
            String ns = it.path("metadata").path("namespace").asText("");
            if (name.isEmpty() && !kind.isEmpty()) throw new InputError(file, 0, at + ".metadata.name", "missing");
            switch (kind) {
                case "ClusterQueue" -> cqs.add(clusterQueue(it, name, file, at));
                case "LocalQueue" -> lqs.add(new LocalQueue(ns, name, it.path("spec").path("clusterQueue").asText("")));
                case "Workload" -> wls.add(workload(it, ns, name, file, at));
                default -> { } // other kinds (ResourceFlavors, ...) say nothing of queues
            }
        }
        return new KueueState(cqs, lqs, wls);
    }

    private static ClusterQueue clusterQueue(JsonNode it, String name, String file, String at) {
        JsonNode spec = it.path("spec");
        Map<String, Long> nominal = new LinkedHashMap<>(), borrow = new LinkedHashMap<>(), lend = new LinkedHashMap<>();
        Map<String, Boolean> unlimitedBorrow = new LinkedHashMap<>(), unlimitedLend = new LinkedHashMap<>();
        int g = 0;
        for (JsonNode group : spec.path("resourceGroups")) {
            int f = 0;
            for (JsonNode flavor : group.path("flavors")) {
                int r = 0;
                for (JsonNode res : flavor.path("resources")) {
                    String where = at + ".spec.resourceGroups[" + g + "].flavors[" + f + "].resources[" + r++ + "]";
                    String rn = res.path("name").asText("");
                    if (rn.isEmpty()) throw new InputError(file, 0, where + ".name", "missing");
                    nominal.merge(rn, quantity(res.get("nominalQuota"), file, where + ".nominalQuota", 0L), Long::sum);
                    if (res.hasNonNull("borrowingLimit")) {
                        borrow.merge(rn, quantity(res.get("borrowingLimit"), file, where + ".borrowingLimit", 0L), Long::sum);
                    } else {
                        unlimitedBorrow.put(rn, true);
                    }
                    if (res.hasNonNull("lendingLimit")) {
                        lend.merge(rn, quantity(res.get("lendingLimit"), file, where + ".lendingLimit", 0L), Long::sum);
                    } else {
                        unlimitedLend.put(rn, true);
                    }
                }
                f++;
            }
            for (JsonNode covered : group.path("coveredResources")) nominal.putIfAbsent(covered.asText(), 0L);
            g++;
        }
        unlimitedBorrow.keySet().forEach(borrow::remove);
        unlimitedLend.keySet().forEach(lend::remove);
        Map<String, Long> usage = new LinkedHashMap<>();
        int u = 0;
        for (JsonNode flavor : it.path("status").path("flavorsUsage")) {
            int r = 0;
            for (JsonNode res : flavor.path("resources")) {
                usage.merge(res.path("name").asText(""), quantity(res.get("total"), file,
                        at + ".status.flavorsUsage[" + u + "].resources[" + r++ + "].total", 0L), Long::sum);
            }
            u++;
        }
        String cohort = spec.path("cohort").asText("");
        if (cohort.isEmpty()) cohort = spec.path("cohortName").asText("");
        return new ClusterQueue(name, cohort.isEmpty() ? null : cohort, spec.path("queueingStrategy").asText(""),
                spec.path("stopPolicy").asText(""), nominal, borrow, lend, usage,
                it.path("status").path("pendingWorkloads").asInt(0), it.path("status").path("admittedWorkloads").asInt(0));
    }

    private static Workload workload(JsonNode it, String ns, String name, String file, String at) {
        JsonNode spec = it.path("spec");
        Map<String, Long> req = new LinkedHashMap<>();
        int p = 0;
        for (JsonNode ps : spec.path("podSets")) {
            long count = ps.path("count").asLong(1);
            Map<String, Long> one = new LinkedHashMap<>();
            int c = 0;
            for (JsonNode container : ps.path("template").path("spec").path("containers")) {
                JsonNode requests = container.path("resources").path("requests");
                if (requests.isMissingNode() || requests.isEmpty()) requests = container.path("resources").path("limits");
                String where = at + ".spec.podSets[" + p + "].template.spec.containers[" + c++ + "].resources.requests";
                for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) requests::fields) {
                    one.merge(e.getKey(), quantity(e.getValue(), file, where + "." + e.getKey(), 0L), Long::sum);
                }
            }
            for (Map.Entry<String, Long> e : one.entrySet()) req.merge(e.getKey(), Math.multiplyExact(e.getValue(), count), Long::sum);
            req.merge("pods", count * 1000, Long::sum);
            p++;
        }
        JsonNode status = it.path("status");
        boolean finished = false, reserved = false;
        Instant reservedAt = null;
        for (JsonNode cond : status.path("conditions")) {
            String type = cond.path("type").asText("");
            boolean on = "True".equals(cond.path("status").asText(""));
            if (type.equals("Finished") && on) finished = true;
            if ((type.equals("QuotaReserved") || type.equals("Admitted")) && on) {
                reserved = true;
                Instant t = instant(cond.path("lastTransitionTime").asText(""));
                if (t != null && (reservedAt == null || t.isBefore(reservedAt))) reservedAt = t;
            }
        }
        String admittedTo = null;
        if (status.hasNonNull("admission")) {
            admittedTo = status.path("admission").path("clusterQueue").asText("");
            if (admittedTo.isEmpty() || !reserved && status.path("conditions").size() > 0) admittedTo = null;
        }
        Long maxExec = spec.hasNonNull("maximumExecutionTimeSeconds") ? spec.get("maximumExecutionTimeSeconds").asLong()
                : null;
        return new Workload(ns, name, spec.path("queueName").asText(""), spec.path("priority").asInt(0),
                instant(it.path("metadata").path("creationTimestamp").asText("")), req, admittedTo, reservedAt,
                finished, spec.path("active").asBoolean(true), maxExec);
    }

    private static Instant instant(String s) {
        if (s == null || s.isEmpty()) return null;
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * A Kubernetes quantity ({@code 2}, {@code 500m}, {@code 16Gi}, {@code 1.5}, {@code 1e3}, {@code 10M}) in
     * thousandths of its unit, rounded up as Kubernetes does; {@code otherwise} when absent.
     */
    static Long quantity(JsonNode v, String file, String field, Long otherwise) {
        if (v == null || v.isNull() || v.isMissingNode()) return otherwise;
        String s = v.isNumber() ? v.asText() : v.asText("").strip();
        Long q = quantity(s);
        if (q == null) throw new InputError(file, 0, field, "\"" + s + "\" is not a Kubernetes quantity (e.g. 2, 500m, 16Gi)");
        return q;
    }

    /** A quantity's text in thousandths, or null when it is not one. */
    public static Long quantity(String s) {
        if (s == null || s.isEmpty()) return null;
        String num = s;
        BigDecimal mult = BigDecimal.ONE;
        java.util.regex.Matcher exp = java.util.regex.Pattern.compile("(.*\\d)[eE]([+-]?\\d{1,3})").matcher(s);
        if (exp.matches()) {
            num = exp.group(1);
            mult = BigDecimal.ONE.scaleByPowerOfTen(Integer.parseInt(exp.group(2)));
        } else {
            int end = s.length();
            while (end > 0 && Character.isLetter(s.charAt(end - 1))) end--;
            num = s.substring(0, end);
            switch (s.substring(end)) {
                case "" -> mult = BigDecimal.ONE;
                case "n" -> mult = new BigDecimal("1e-9");
                case "u" -> mult = new BigDecimal("1e-6");
                case "m" -> mult = new BigDecimal("1e-3");
                case "k" -> mult = new BigDecimal("1e3");
                case "M" -> mult = new BigDecimal("1e6");
                case "G" -> mult = new BigDecimal("1e9");
                case "T" -> mult = new BigDecimal("1e12");
                case "P" -> mult = new BigDecimal("1e15");
                case "E" -> mult = new BigDecimal("1e18");
                case "Ki" -> mult = BigDecimal.valueOf(1L << 10);
                case "Mi" -> mult = BigDecimal.valueOf(1L << 20);
                case "Gi" -> mult = BigDecimal.valueOf(1L << 30);
                case "Ti" -> mult = BigDecimal.valueOf(1L << 40);
                case "Pi" -> mult = BigDecimal.valueOf(1L << 50);
                case "Ei" -> mult = BigDecimal.valueOf(1L << 60);
                default -> {
                    return null;
                }
            }
        }
        if (!num.matches("[+]?(\\d+(\\.\\d*)?|\\.\\d+)")) return null;
        try {
            BigDecimal v = new BigDecimal(num).multiply(mult).multiply(BigDecimal.valueOf(1000));
            return v.setScale(0, RoundingMode.CEILING).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            return null;
        }
    }
}
