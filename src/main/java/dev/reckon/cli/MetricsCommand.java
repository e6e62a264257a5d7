package dev.reckon.cli;

import dev.reckon.app.Records;
import dev.reckon.model.Metric;
import dev.reckon.report.Format;
import dev.reckon.core.Json;
import dev.reckon.report.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code reckon metrics CHARTER}: the metrics reported for a charter, oldest first. */
@Command(name = "metrics", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Lists the metrics reported for a charter, oldest first.",
                "Record them with 'reckon metric CHARTER NAME=VALUE ...'."})
final class MetricsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "CHARTER", description = "The charter's id.")
    String charter;

    @Option(names = "--json", description = "One JSON array of metric objects, for scripts.")
    boolean json;

    @Override
    public Integer call() {
        Door door = new Door(spec);
        ZoneId zone = door.config().zone();
        Records.MetricLog log = new Records(door.context()).metrics(charter);
        if (json) {
            door.out().println(Json.write(log));
            return 0;
        }
        List<Metric> metrics = log.metrics();
        if (metrics.isEmpty()) {
            door.err().println("no metrics for charter " + charter);
            return 0;
        }
        Table t = new Table("TIME (" + dev.reckon.report.Format.zone(zone) + ")", "NAME", "VALUE>", "JOBID", "CLUSTER", "SOURCE");
        for (Metric m : metrics) {
            t.row(Format.time(m.at(), zone), m.name(), value(m.value()), m.jobId(), m.cluster(), m.source());
        }
        door.out().print(t.render());
        return 0;
    }

    /** The value as written: {@code 0.93}, {@code 12}, {@code 1.0E-5}. */
    static String value(double v) {
        String s = Double.toString(v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
