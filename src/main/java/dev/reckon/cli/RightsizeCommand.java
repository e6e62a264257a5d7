package dev.reckon.cli;

import dev.reckon.app.Rightsizing;
import dev.reckon.core.Json;
import dev.reckon.report.JsonVocabulary;
import dev.reckon.report.RightsizeReport;
import dev.reckon.rightsize.Rightsize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code reckon rightsize}: the shape each group of jobs should ask for, from their history. */
@Command(name = "rightsize", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Recommends, from history alone, the shape each group of jobs should ask for (CPUs, memory, "
                + "time limit, GPUs) as sbatch flags, with the evidence and the CPU-, GPU- and memory-hours it "
                + "would have freed over the window. Memory: p95 of peaks x1.25 (at least +512 MiB), 1.5x after "
                + "OOMs; time: p95 of completed runs x1.25 (at least +5 min), 1.5x after timeouts; CPUs from CPU "
                + "efficiency; no GPUs where GPU utilisation is below 5%%. See docs/rightsize.md."})
final class RightsizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-S", "--since"}, paramLabel = "TIME", description = "Window start: 30d, 2024-03-01.")
    String since;
    @Option(names = {"-E", "--until"}, paramLabel = "TIME", description = "Window end (default: no end).")
    String until;
    @Option(names = {"-u", "--user"}, paramLabel = "U[,U...]", description = "Only these users.")
    String user;
    @Option(names = "--name", paramLabel = "PATTERN",
            description = "Only jobs whose name matches (* any run, ? one character), e.g. a campaign stage's match.")
    String name;
    @Option(names = "--charter", paramLabel = "ID", description = "Only the jobs of this charter.")
    String charter;
    @Option(names = {"-A", "--account"}, paramLabel = "A[,A...]", description = "Only these accounts.")
    String account;
    @Option(names = {"-M", "--cluster"}, paramLabel = "NAME[,NAME...]", split = ",",
            description = "Only the jobs of these clusters (repeatable, or a comma list; default: every cluster).")
    java.util.List<String> clusters;
    @Option(names = "--by", paramLabel = "GROUPING",
            description = "One recommendation per: signature (user and job-name pattern, the default), user, name, "
                    + "charter, account, cluster.")
    String by;
    @Option(names = "--percentile", paramLabel = "P", description = "The percentile of history covered (default 95).")
    Double percentile;
    @Option(names = "--json", description = "One JSON object: the window, the defaults, the groups.")
    boolean json;
    @Option(names = "--markdown", description = "As Markdown.")
    boolean markdown;

    @Override
    public Integer call() {
        Door door = new Door(spec);
        if (json && markdown) throw door.usage("--json and --markdown: choose one");
        Rightsize.Plan plan = door.show(new Rightsizing(door.context()).rightsize(new Rightsizing.Request(
                door.time(since, "--since"), door.time(until, "--until"), user, name, charter, account, by,
                percentile, clusters)));
        if (json) door.out().println(Json.write(JsonVocabulary.rightsize(plan)));
        else if (markdown) door.out().print(RightsizeReport.markdown(plan));
        else door.out().print(RightsizeReport.text(plan));
        return Main.EXIT_OK;
    }
}
