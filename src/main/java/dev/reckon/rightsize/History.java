package dev.reckon.rightsize;

import dev.reckon.model.Job;
import dev.reckon.model.JobState;

import java.util.Arrays;

/**
 * The jobs of one group as compact per-job values (about 70 bytes a job): what each held, what it used, how it
 * ended. Jobs that have not ended, or never started, are not added.
 */
public final class History {
    /** How a job ended, as far as right-sizing cares. */
    public enum End { COMPLETED, OOM, TIMEOUT, OTHER }

    private int n;
    private long[] elapsed = new long[8];
    private long[] limit = new long[8];      // -1: unknown
    private long[] mem = new long[8];        // allocated, -1: unknown
    private long[] peak = new long[8];       // -1: unknown
    private int[] cpus = new int[8];         // 0: unknown
    private int[] gpus = new int[8];
    private int[] nodes = new int[8];
    private double[] cpuTime = new double[8]; // NaN: unknown
    private double[] gpuUtil = new double[8]; // NaN: unknown
    private byte[] end = new byte[8];

    /** Whether a job enters a history: it has ended, and it ran. */
    public static boolean counts(Job j) {
        return j.jobState().isFinal() && j.elapsedS() != null && j.elapsedS() > 0;
    }

    /** How a job ended: OUT_OF_MEMORY, or FAILED with exit code 0:9 or 0:125, ran out of memory. */
    public static End end(Job j) {
        JobState s = j.jobState();
        if (s == JobState.OUT_OF_MEMORY) return End.OOM;
        if (s == JobState.FAILED && ("0:9".equals(j.exitCode()) || "0:125".equals(j.exitCode()))) return End.OOM;
        if (s == JobState.TIMEOUT) return End.TIMEOUT;
        if (s == JobState.COMPLETED) return End.COMPLETED;
        return End.OTHER;
    }

    /** Adds a job that {@link #counts}; returns whether it was added. */
    public boolean add(Job j) {
        if (!counts(j)) return false;
        if (n == elapsed.length) grow();
        elapsed[n] = j.elapsedS();
        limit[n] = j.timelimitS() == null ? -1 : j.timelimitS();
        mem[n] = j.allocMemBytes() == null ? -1 : j.allocMemBytes();
        peak[n] = j.peakMemBytes() == null ? -1 : j.peakMemBytes();
        cpus[n] = j.allocCpus() == null ? 0 : j.allocCpus();
        gpus[n] = j.allocGpus() == null ? 0 : j.allocGpus();
        nodes[n] = j.allocNodes() == null ? 0 : j.allocNodes();
        cpuTime[n] = j.totalCpuS() == null ? Double.NaN : j.totalCpuS();
        gpuUtil[n] = j.gpuUtil() == null ? Double.NaN : j.gpuUtil();
        end[n] = (byte) end(j).ordinal();
        n++;
        return true;
    }

    private void grow() {
        int c = n * 2;
        elapsed = Arrays.copyOf(elapsed, c);
        limit = Arrays.copyOf(limit, c);
        mem = Arrays.copyOf(mem, c);
        peak = Arrays.copyOf(peak, c);
        cpus = Arrays.copyOf(cpus, c);
        gpus = Arrays.copyOf(gpus, c);
        nodes = Arrays.copyOf(nodes, c);
        cpuTime = Arrays.copyOf(cpuTime, c);
        gpuUtil = Arrays.copyOf(gpuUtil, c);
        end = Arrays.copyOf(end, c);
    }

    public int size() { return n; }

    long elapsed(int i) { return elapsed[i]; }
    Long limit(int i) { return limit[i] < 0 ? null : limit[i]; }
    Long mem(int i) { return mem[i] < 0 ? null : mem[i]; }
    Long peak(int i) { return peak[i] < 0 ? null : peak[i]; }
    int cpus(int i) { return cpus[i]; }
    int gpus(int i) { return gpus[i]; }
    int nodes(int i) { return nodes[i]; }
    Double cpuTime(int i) { return Double.isNaN(cpuTime[i]) ? null : cpuTime[i]; }
    Double gpuUtil(int i) { return Double.isNaN(gpuUtil[i]) ? null : gpuUtil[i]; }
    End end(int i) { return End.values()[end[i]]; }
}
