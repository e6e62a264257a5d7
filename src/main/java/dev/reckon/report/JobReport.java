package dev.reckon.report;

import dev.reckon.model.Efficiency;
import dev.reckon.model.Job;
import dev.reckon.model.JobState;

import java.time.ZoneId;

/**
 * How jobs read on a terminal: the columns of {@code reckon jobs}, and in plain words why a job ended as it did.
 * A figure that cannot be known yet is {@code -}, not {@code 0.0%}: a running job's CPU time is counted by Slurm only
 * when it ends, and a pending job has used no time of its limit.
 */
public final class JobReport {
    /** Memory at or above this fraction of the allocation makes a SIGKILL most likely the OOM killer's. */
    static final double NEAR_LIMIT = 0.9;

    private JobReport() {}

    /** The widest a job name gets in the table before it is cut with an ellipsis. */
    public static final int NAME_WIDTH = 24;

    /** The table's columns, the start time's with its zone; the cluster first, as a ledger may hold several. */
    public static Table table(ZoneId zone) {
        return new Table("CLUSTER", "JOBID", "NAME", "USER", "ACCOUNT", "PARTITION", "STATE", "EXIT", "START (" + Format.zone(zone) + ")",
                "ELAPSED>", "CPUS>", "GPUS>", "MEM>", "CPU%>", "MEM%>", "TIME%>", "CPU-H>").cap(2, NAME_WIDTH);
    }

    /** The columns for the tasks of one array (or the components of a heterogeneous job), the start's with its zone. */
    public static Table memberTable(ZoneId zone) {
        return new Table("JOBID", "STATE", "EXIT", "START (" + Format.zone(zone) + ")", "ELAPSED>", "CPUS>", "GPUS>",
                "CPU%>", "MEM%>", "TIME%>", "CPU-H>");
    }

    /** One task's cells for {@link #memberTable}: {@link #row}'s, without what the tasks share. */
    public static Object[] memberRow(Job j, ZoneId zone) {
        Object[] c = row(j, zone);
        return new Object[] {c[1], c[6], c[7], c[8], c[9], c[10], c[11], c[13], c[14], c[15], c[16]};
    }

    /** One job's cells for {@link #table}. */
    public static Object[] row(Job j, ZoneId zone) {
        Efficiency e = j.efficiency();
        JobState s = JobState.of(j.state());
        boolean started = j.start() != null && s != JobState.PENDING;
        boolean ended = s.isFinal();
        return new Object[] {j.cluster(), j.jobId(), j.name(), j.user(), j.account(), j.partition(), j.state(), j.exitCode(),
                Format.time(j.start(), zone), started ? Format.duration(j.elapsedS()) : "-", j.allocCpus(),
                j.allocGpus(), Format.bytes(j.allocMemBytes()), ended ? Format.percent(e.cpuEff()) : "-",
                started ? Format.percent(e.memEff()) : "-", started ? Format.percent(e.timeEff()) : "-",
                Format.number(e.cpuHours())};
    }

    /**
     * Why the job ended as it did, in plain words, or null when its state says it already (completed, running,
     * pending). A job killed for memory says so: {@code OUT_OF_MEMORY}, a step Slurm's memory enforcement stopped
     * ({@code 0:125}), or a SIGKILL ({@code 0:9}, what the kernel's OOM killer sends) with memory near its limit.
     */
    public static String cause(Job j) {
        JobState s = JobState.of(j.state());
        String code = j.exitCode();
        int exit = -1;
        int signal = -1;
        if (code != null && code.matches("\\d+:\\d+")) {
            exit = Integer.parseInt(code.substring(0, code.indexOf(':')));
            signal = Integer.parseInt(code.substring(code.indexOf(':') + 1));
        }
        Double mem = j.efficiency().memEff();
        String memory = mem == null ? "" : " (its peak memory was " + Format.percent(mem) + " of the "
                + Format.bytes(j.allocMemBytes()) + " it was given)";
        if (s == JobState.OUT_OF_MEMORY)
            return "killed for memory: it used more than it was given" + memory + "; ask for more (--mem) or use less";
        if (s == JobState.FAILED && signal == 125)
            return "killed for memory: Slurm stopped it at its memory limit (signal 125)" + memory
                    + "; ask for more (--mem) or use less";
        if (s == JobState.FAILED && signal == 9) {
            if (mem != null && mem >= NEAR_LIMIT)
                return "killed for memory, most likely: signal 9 (SIGKILL), which the kernel's OOM killer sends, with "
                        + "memory near its limit" + memory + "; ask for more (--mem) or use less";
            return "killed by signal 9 (SIGKILL): the kernel's OOM killer sends it when a job runs out of memory"
                    + (mem == null ? " (its peak memory is not known)" : memory)
                    + "; an administrator or a node failure can send it too";
        }
        if (s == JobState.TIMEOUT) return "killed at its time limit" + (j.timelimitS() == null ? ""
                : " (" + Format.duration(j.timelimitS()) + ")") + "; ask for more (--time) or checkpoint";
        if (s == JobState.FAILED && signal > 0) return "killed by signal " + signal;
        if (s == JobState.FAILED && exit > 0) return "its program exited with code " + exit;
        if (s == JobState.NODE_FAIL) return "a node it ran on failed";
        if (s == JobState.PREEMPTED) return "preempted by a job of higher priority";
        return null;
    }
}
