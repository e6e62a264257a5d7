package dev.reckon.cli;

import dev.reckon.app.Records;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

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
                "List them with 'reckon metrics CHARTER'.",
                "When the ledger is not writable by you (a job of an unprivileged user at a site), the metrics are "
                        + "appended to the site's metric spool (metric_spool, default /var/spool/reckon/metrics) and "
                        + "stored by the next 'reckon ingest'; see docs/site.md."})
final class MetricCommand implements Callable<Integer> {
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
        Records records = new Records(door.context(charters));
        if (file != null) {
            if (!words.isEmpty()) throw door.usage("give either --file or CHARTER NAME=VALUE..., not both");
            Records.Recorded r = records.record(new Records.MetricFile(file, door.root().in));
            door.out().println((r.spooled() == null ? "recorded " : "spooled ") + what(r) + " from " + r.file() + spooled(r));
            return 0;
        }
        if (words.isEmpty()) throw door.usage("give a charter and NAME=VALUE pairs, or --file FILE");
        String charter = words.get(0);
        List<Records.Reading> readings = new ArrayList<>();
        for (String pair : words.subList(1, words.size())) {
            int eq = pair.indexOf('=');
            if (eq < 0) throw door.usage("\"" + pair + "\" is not NAME=VALUE");
            readings.add(new Records.Reading(pair.substring(0, eq), pair.substring(eq + 1)));
        }
        Map<String, String> env = door.root().env;
        Records.Recorded r = records.record(new Records.MetricReport(charter, readings, jobId(env),
                env.get("SLURM_CLUSTER_NAME")));
        door.out().println((r.spooled() == null ? "recorded " : "spooled ") + what(r) + " for " + r.charter()
                + (r.jobId() == null ? "" : " (job " + r.jobId() + ")") + spooled(r));
        return 0;
    }

    /** Where the metrics wait when the ledger was not writable, and until when. */
    private static String spooled(Records.Recorded r) {
        return r.spooled() == null ? "" : " into " + r.spooled() + ": the ledger is not writable by you (" + r.why()
                + "); the next 'reckon ingest' stores them";
    }

    private static String what(Records.Recorded r) {
        return r.count() == 1 ? "1 metric" : r.count() + " metrics";
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
}
