package dev.reckon.model;

/**
 * The figures every user checks first, derived from one job's accounting. Fractions, not percentages;
 * {@code null} where the inputs are unknown or the ratio has no meaning (e.g. zero elapsed time).
 *
 * @param cpuEff     TotalCPU / (Elapsed x AllocCPUS)
 * @param memEff     peak memory / allocated memory
 * @param timeEff    Elapsed / Timelimit
 * @param cpuHours   AllocCPUS x Elapsed, in hours: what was charged, used or not
 * @param gpuHours   allocated GPUs x Elapsed, in hours
 * @param memGbHours allocated memory in GiB x Elapsed, in hours
 */
public record Efficiency(Double cpuEff, Double memEff, Double timeEff,
                         double cpuHours, double gpuHours, double memGbHours) {

    private static final double GIB = 1024.0 * 1024 * 1024;

    public static Efficiency of(Job j) {
        long el = j.elapsedS() == null ? 0 : Math.max(0, j.elapsedS());
        int cpus = j.allocCpus() == null ? 0 : j.allocCpus();
        int gpus = j.allocGpus() == null ? 0 : j.allocGpus();
        long mem = j.allocMemBytes() == null ? 0 : j.allocMemBytes();
        Double cpuEff = (j.totalCpuS() != null && el > 0 && cpus > 0) ? j.totalCpuS() / ((double) el * cpus) : null;
        Double memEff = (j.peakMemBytes() != null && mem > 0) ? (double) j.peakMemBytes() / mem : null;
        Double timeEff = (j.elapsedS() != null && j.timelimitS() != null && j.timelimitS() > 0)
                ? (double) el / j.timelimitS() : null;
        return new Efficiency(cpuEff, memEff, timeEff,
                cpus * el / 3600.0, gpus * el / 3600.0, mem / GIB * el / 3600.0);
    }
}
