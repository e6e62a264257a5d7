package dev.reckon.cli;

import dev.reckon.app.Records;
import dev.reckon.model.Efficiency;
import dev.reckon.model.Job;
import dev.reckon.model.Step;
import dev.reckon.report.Format;
import dev.reckon.report.JobReport;
import dev.reckon.core.Json;
import dev.reckon.report.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintStream;
import java.time.ZoneId;
import java.util.List;

/** {@code reckon job ID}: one job in full, the way seff shows it, with its steps. */
@Command(name = "job", mixinStandardHelpOptions = true,
        description = {"Shows one job in full: what it was given, what it used, and its steps (like seff).",
                "For an array or heterogeneous job id (123 for 123_1, 123_2, ... or 123+0, 123+1), lists its jobs.",
                "Exit code 1 when the ledger holds no such job."})
final class JobCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "JOBID", description = "As sacct prints it: 123, 123_4, 123+0.")
    String jobId;
    @Option(names = {"-M", "--cluster"}, paramLabel = "NAME", description = "The cluster, when several have this job id.")
    String cluster;
    @Option(names = "--json", description = "The job as one JSON object, with its steps.")
    boolean json;

    @Override
    public Integer call() {
        Door door = new Door(spec);
        ZoneId zone = door.config().zone();
        Records.Found f = new Records(door.context()).job(new Records.JobRequest(jobId, cluster));
        if (!f.found()) {
            door.err().println("reckon: no job " + jobId + (cluster == null ? "" : " on cluster " + cluster)
                    + " in the ledger (" + f.ledger() + ")");
            return 1;
        }
        if (json) door.out().println(Json.write(f));
        else if (f.job() != null) print(f.job(), zone, door.out());
        else printMembers(f.members(), zone, door.out());
        return 0;
    }

    /** An array or heterogeneous job: one line per task or component, and what they consumed together. */
    static void printMembers(List<Job> members, ZoneId zone, PrintStream out) {
        String base = members.get(0).baseId();
        boolean het = members.get(0).jobId().startsWith(base + "+");
        out.printf("Job %s is %s of %d jobs:%n%n", base, het ? "a heterogeneous job" : "an array", members.size());
        Table t = JobReport.memberTable(zone);
        double cpuHours = 0;
        double gpuHours = 0;
        for (Job m : members) {
            Efficiency e = m.efficiency();
            cpuHours += e.cpuHours();
            gpuHours += e.gpuHours();
            t.row(JobReport.memberRow(m, zone));
        }
        out.print(t.render());
        out.printf("%nTogether: %s CPU-hours, %s GPU-hours. One in full: reckon job %s%n", Format.number(cpuHours),
                Format.number(gpuHours), members.get(0).jobId());
    }

    static void print(Job j, ZoneId zone, PrintStream out) {
        Efficiency e = j.efficiency();
        int cpus = j.allocCpus() == null ? 0 : j.allocCpus();
        Long coreWall = j.elapsedS() == null ? null : j.elapsedS() * cpus;
        out.printf("Job ID: %s%n", j.jobId());
        out.printf("Cluster: %s%n", Format.orDash(j.cluster()));
        out.printf("Name: %s%n", Format.orDash(j.name()));
        out.printf("User/Account: %s/%s%n", Format.orDash(j.user()), Format.orDash(j.account()));
        out.printf("Partition/QOS: %s/%s%n", Format.orDash(j.partition()), Format.orDash(j.qos()));
        out.printf("State: %s (exit code %s)%n", Format.orDash(j.state()), Format.orDash(j.exitCode()));
        String cause = JobReport.cause(j);
        if (cause != null) out.printf("Why: %s%n", cause);
        out.printf("Submit/Start/End (%s): %s / %s / %s%n", Format.zone(zone), Format.time(j.submit(), zone), Format.time(j.start(), zone),
                Format.time(j.end(), zone));
        out.printf("Nodes: %s%s%n", Format.orDash(j.allocNodes()), j.nodeList() == null ? "" : " (" + j.nodeList() + ")");
        out.printf("Cores: %s%n", Format.orDash(j.allocCpus()));
        out.printf("GPUs: %s%n", j.allocGpus() == null ? "0" : j.allocGpus());
        if (j.gpuUtil() != null || j.gpuMemPeakBytes() != null) {
            out.printf("GPU Utilization: %s%n", Format.percent(j.gpuUtil()));
            out.printf("GPU Memory Peak: %s%n", Format.bytes(j.gpuMemPeakBytes()));
        }
        out.printf("CPU Utilized: %s%n", Format.duration(j.totalCpuS()));
        out.printf("CPU Efficiency: %s of %s core-walltime%n", Format.percent(e.cpuEff()), Format.duration(coreWall));
        out.printf("Job Wall-clock time: %s%n", Format.duration(j.elapsedS()));
        out.printf("Time Efficiency: %s of %s time limit%n", Format.percent(e.timeEff()),
                j.timelimitS() == null ? "no" : Format.duration(j.timelimitS()));
        out.printf("Memory Utilized: %s%n", Format.bytes(j.peakMemBytes()));
        out.printf("Memory Efficiency: %s of %s%n", Format.percent(e.memEff()), Format.bytes(j.allocMemBytes()));
        out.printf("Charged: %s CPU-hours, %s GPU-hours, %s GiB-hours of memory%n",
                Format.number(e.cpuHours()), Format.number(e.gpuHours()), Format.number(e.memGbHours()));
        if (!j.steps().isEmpty()) {
            out.println();
            Table t = new Table("STEP", "NAME", "STATE", "EXIT", "ELAPSED>", "TASKS>", "CPUS>", "CPU TIME>", "MAXRSS>", "PEAK MEM>");
            for (Step s : j.steps()) {
                t.row(s.stepId(), s.name(), s.state(), s.exitCode(), Format.duration(s.elapsedS()), s.ntasks(),
                        s.allocCpus(), Format.duration(s.totalCpuS()), Format.bytes(s.maxRssBytes()),
                        Format.bytes(s.peakMemBytes()));
            }
            out.print(t.render());
        }
    }
}
