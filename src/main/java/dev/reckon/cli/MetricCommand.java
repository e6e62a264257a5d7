package dev.reckon.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reckon.ledger.Ledger;
import dev.reckon.charter.Charters;
import dev.reckon.model.Charter;
import java.util.stream.Collectors;

import dev.reckon.model.Metric;
import dev.reckon.core.InputError;
import dev.reckon.source.Inputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * {@code reckon metric}: records results an effort reports, for its charter's success and failure conditions. From a
 * job's last line: {@code reckon metric vision loss=0.31 val_accuracy=0.93}, with the time from reckon's clock and the
 * job and cluster from Slurm's environment; or a JSON-lines file of them with {@code --file}.
 */
@Command(name = "metric", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Records metrics an effort reports, e.g. from a job's last line:",
                "  reckon metric CHARTER loss=0.31 val_accuracy=0.93",
                "The time is now (RECKON_NOW fixes it); the job is SLURM_JOB_ID (an array task: "
                        + "SLURM_ARRAY_JOB_ID_SLURM_ARRAY_TASK_ID), the cluster SLURM_CLUSTER_NAME.",
                "With --file, a JSON-lines file, one object per line: "
                        + "{\"charter\":\"x\",\"name\":\"loss\",\"value\":1.2,\"at\":\"2026-11-01T10:00:00Z\",\"job_id\":\"123\"} "
                        + "(at, job_id and cluster optional); a bad line stores nothing of the file.",
                "The charter must be one of the charter directory's (a typo is refused, naming the known ones).",
                "List them with 'reckon metrics CHARTER'."})
final class MetricCommand implements Callable<Integer> {
    /** A metric's name: what a charter's condition can refer to. */
    /** A plain decimal number, as a person or a script writes it. */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    /** A charter's id, as far as a metric needs to know. */
    static final Pattern CHARTER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    private static final Set<String> FIELDS = Set.of("charter", "name", "value", "at", "job_id", "cluster");

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "Ingest a JSON-lines file of metrics instead ('-' for standard input).")
    String file;

    @picocli.CommandLine.Mixin
    CharterDir charters;

    @Parameters(paramLabel = "CHARTER NAME=VALUE", arity = "0..*",
            description = "The charter's id, then one or more name=value pairs.")
    List<String> words = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        Door door = new Door(spec);
        List<Metric> metrics;
        String charter;
        if (file != null) {
            if (!words.isEmpty()) throw door.usage("give either --file or CHARTER NAME=VALUE..., not both");
            metrics = readFile(door);
            charter = null;
        } else {
            if (words.isEmpty()) throw door.usage("give a charter and NAME=VALUE pairs, or --file FILE");
            charter = words.get(0);
            if (!CHARTER.matcher(charter).matches()) {
                throw door.usage("\"" + charter + "\" is not a charter id");
            }
            if (words.size() < 2) throw door.usage("give at least one NAME=VALUE for charter " + charter);
            metrics = fromPairs(door, charter, words.subList(1, words.size()));
        }
        requireCharters(door, metrics);
        try (Ledger ledger = door.openLedger()) {
            ledger.recordMetrics(metrics);
        }
        String what = metrics.size() == 1 ? "1 metric" : metrics.size() + " metrics";
        if (charter != null) {
            String job = metrics.get(0).jobId();
            door.out().println("recorded " + what + " for " + charter + (job == null ? "" : " (job " + job + ")"));
        } else {
            door.out().println("recorded " + what + " from " + file);
        }
        return 0;
    }

    /** A result for a charter nobody wrote is a typo or an effort without a charter: refused, naming the known ones. */
    private void requireCharters(Door door, List<Metric> metrics) {
        Path dir = charters.resolve(door);
        Charters known = Charters.load(dir, door.config().zone());
        for (Metric m : metrics) {
            if (known.byId(m.charter()).isEmpty()) {
                String ids = known.all().stream().map(Charter::id).sorted().collect(Collectors.joining(", "));
                throw new InputError(file != null ? file : dir.toString(), 0, "charter", "no charter \"" + m.charter()
                        + "\" in " + dir + (ids.isEmpty() ? " (it has none: reckon charter new)" : " (known: " + ids + ")"));
            }
        }
    }

    private static List<Metric> fromPairs(Door door, String charter, List<String> pairs) {
        Map<String, String> env = door.root().env;
        String jobId = jobId(env);
        String cluster = blankToNull(env.get("SLURM_CLUSTER_NAME"));
        if (cluster == null && jobId != null) cluster = door.config().cluster();
        Instant now = door.now();
        List<Metric> out = new ArrayList<>(pairs.size());
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq < 0) throw door.usage("\"" + pair + "\" is not NAME=VALUE");
            String name = pair.substring(0, eq);
            String value = pair.substring(eq + 1);
            if (!Metric.isName(name)) {
                throw door.usage("\"" + pair + "\": \"" + name + "\" is not a metric name (" + Metric.NAME_RULE + ")");
            }
            if (!NUMBER.matcher(value).matches()) {
                throw door.usage("\"" + pair + "\": \"" + value + "\" is not a number");
            }
            out.add(new Metric(charter, name, Double.parseDouble(value), now, jobId, cluster, "command line"));
        }
        return out;
    }

    /** The job the command runs in, as sacct prints its id: {@code 123}, or {@code 123_4} for an array task. */
    static String jobId(Map<String, String> env) {
        String array = blankToNull(env.get("SLURM_ARRAY_JOB_ID"));
        String task = blankToNull(env.get("SLURM_ARRAY_TASK_ID"));
        if (array != null && task != null) return array.strip() + "_" + task.strip();
        String job = blankToNull(env.get("SLURM_JOB_ID"));
        return job == null ? null : job.strip();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** Reads every line first: a bad one stops the command before anything is stored. */
    private List<Metric> readFile(Door door) throws IOException {
        String shown = file.equals("-") ? "-" : file;
        Instant now = door.now();
        ObjectMapper json = new ObjectMapper();
        List<Metric> out = new ArrayList<>();
        Reader raw;
        try {
            raw = file.equals("-") ? Inputs.strictUtf8(door.root().in) : Inputs.open(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new IOException("cannot read " + file + ": no such file", e);
        }
        try (BufferedReader r = new BufferedReader(raw)) {
            String line;
            long n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                JsonNode node;
                try {
                    node = json.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new InputError(shown, n, null, "not JSON: " + e.getOriginalMessage());
                }
                if (node == null || !node.isObject()) throw new InputError(shown, n, null, "not a JSON object");
                out.add(metric(node, shown, n, now));
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InputError(shown, 0, null, "not UTF-8 text");
        }
        if (out.isEmpty()) throw new InputError(shown, 0, null, "holds no metrics");
        return out;
    }

    private static Metric metric(JsonNode node, String file, long line, Instant now) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new InputError(file, line, f, "unknown field (known: charter, name, value, at, job_id, cluster)");
            }
        }
        String charter = text(node, "charter", file, line, true);
        if (!CHARTER.matcher(charter).matches()) {
            throw new InputError(file, line, "charter", "\"" + charter + "\" is not a charter id");
        }
        String name = text(node, "name", file, line, true);
        if (!Metric.isName(name)) {
            throw new InputError(file, line, "name", "\"" + name + "\" is not a metric name (" + Metric.NAME_RULE + ")");
        }
        JsonNode v = node.get("value");
        if (v == null || v.isNull()) throw new InputError(file, line, "value", "missing");
        if (!v.isNumber()) throw new InputError(file, line, "value", v + " is not a number");
        double value = v.asDouble();
        if (!Double.isFinite(value)) throw new InputError(file, line, "value", v + " is out of range");
        String atText = text(node, "at", file, line, false);
        Instant at = now;
        if (atText != null) {
            try {
                at = OffsetDateTime.parse(atText).toInstant();
            } catch (DateTimeParseException e) {
                throw new InputError(file, line, "at", "\"" + atText
                        + "\" is not an ISO-8601 time with offset (e.g. 2026-11-01T10:00:00Z)");
            }
        }
        String jobId = text(node, "job_id", file, line, false);
        String cluster = text(node, "cluster", file, line, false);
        return new Metric(charter, name, value, at, jobId, cluster, file);
    }

    /** A text field (a job id may be given as a number); missing or null is an error only where required. */
    private static String text(JsonNode node, String field, String file, long line, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new InputError(file, line, field, "missing");
            return null;
        }
        if (v.isTextual() || (field.equals("job_id") && v.isIntegralNumber())) {
            String s = v.asText().strip();
            if (s.isEmpty()) {
                if (required) throw new InputError(file, line, field, "empty");
                return null;
            }
            return s;
        }
        throw new InputError(file, line, field, v + " is not text");
    }
}
