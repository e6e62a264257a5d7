package dev.reckon.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.reckon.app.Records;
import dev.reckon.report.JobReport;
import dev.reckon.report.JobView;
import dev.reckon.core.Json;
import dev.reckon.report.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.OutputStream;
import java.time.ZoneId;

/** {@code reckon jobs}: the jobs in the ledger, with what each consumed and how efficiently. */
@Command(name = "jobs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Lists jobs from the ledger with their consumption and efficiency.",
                "A job is in the window when it was pending or running at some time between --since and --until.",
                "CPU%% = TotalCPU / (Elapsed x AllocCPUS); MEM%% = peak memory / allocated memory; "
                        + "TIME%% = Elapsed / Timelimit; CPU-H = AllocCPUS x Elapsed. '-' where a figure is not known yet: "
                        + "a running job's CPU%% (Slurm counts CPU time when a job ends), a pending job's time.",
                "Times are in the display zone, named in the START column's header (--json: UTC)."})
final class JobsCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-u", "--user"}, paramLabel = "U[,U...]", description = "Only these users.")
    String user;
    @Option(names = {"-A", "--account"}, paramLabel = "A[,A...]", description = "Only these accounts.")
    String account;
    @Option(names = {"-p", "--partition"}, paramLabel = "P[,P...]", description = "Only these partitions.")
    String partition;
    @Option(names = {"-s", "--state"}, paramLabel = "S[,S...]", description = "Only these states (COMPLETED, FAILED, TIMEOUT, ...).")
    String state;
    @Option(names = {"-S", "--since"}, paramLabel = "TIME", description = "Window start: 7d, 12h, 2024-03-01, 2024-03-01T08:00.")
    String since;
    @Option(names = {"-E", "--until"}, paramLabel = "TIME", description = "Window end (default: no end).")
    String until;
    @Option(names = {"-M", "--cluster"}, paramLabel = "NAME[,NAME...]", split = ",",
            description = "Only these clusters (repeatable, or a comma list; default: every cluster).")
    java.util.List<String> clusters;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", description = "At most N jobs.")
    Integer limit;
    @Option(names = "--json", description = "One JSON array of job objects, for scripts.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Door door = new Door(spec);
        Records.JobsRequest q = new Records.JobsRequest(user, account, partition, state, door.time(since, "--since"),
                door.time(until, "--until"), dev.reckon.app.Clusters.list(clusters), limit);
        Records records = new Records(door.context());
        ZoneId zone = door.config().zone();
        if (json) {
            writeJson(records, q, zone, door.out());
            return 0;
        }
        Table t = JobReport.table(zone).streamingTo(door.out(), 5_000);
        Records.Listing listed = records.jobs(q, j -> t.row(JobReport.row(j, zone)));
        t.finish();
        if (listed.count() == 0) door.err().println("no jobs match (ledger: " + listed.ledger() + ")");
        return 0;
    }

    /** Streams the array so that a million jobs need no more memory than one. */
    private static void writeJson(Records records, Records.JobsRequest q, ZoneId zone, OutputStream out) throws IOException {
        JsonGenerator g = Json.mapper().getFactory().createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.useDefaultPrettyPrinter();
        g.writeStartArray();
        records.jobs(q, j -> {
            try {
                g.writeObject(JobView.of(j, zone, false));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        g.writeEndArray();
        g.writeRaw('\n');
        g.flush();
    }
}
