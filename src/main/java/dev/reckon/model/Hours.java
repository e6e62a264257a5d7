package dev.reckon.model;

import java.time.Instant;

/**
 * Allocation-hours of the three resources budgets count: what was charged, used or not (AllocCPUS, allocated GPUs and
 * allocated memory times the time held), as {@link Efficiency} counts them.
 *
 * @param gpuHours   GPU-hours
 * @param cpuHours   CPU-hours
 * @param memGbHours GiB-hours of memory
 */
public record Hours(double gpuHours, double cpuHours, double memGbHours) {
    /** No hours. */
    public static final Hours ZERO = new Hours(0, 0, 0);

    private static final double GIB = 1024.0 * 1024 * 1024;

    public Hours plus(Hours o) {
        return new Hours(gpuHours + o.gpuHours, cpuHours + o.cpuHours, memGbHours + o.memGbHours);
    }

    public Hours minus(Hours o) {
        return new Hours(gpuHours - o.gpuHours, cpuHours - o.cpuHours, memGbHours - o.memGbHours);
    }

    /** Whether any of the three is more than a rounding error (a millionth of an hour). */
    public boolean any() {
        return gpuHours > 1e-6 || cpuHours > 1e-6 || memGbHours > 1e-6;
    }

    /**
     * What the job held during {@code [from, to)} (either may be null: open). A job holds its allocation from its start
     * until its end; one that has not ended (running) holds it until {@code to}, and a job with no start held nothing.
     */
    public static Hours held(Job j, Instant from, Instant to) {
        if (j.start() == null) return ZERO;
        Instant end = j.end() != null ? j.end() : to;
        if (end == null) return ZERO;
        Instant a = from == null || j.start().isAfter(from) ? j.start() : from;
        Instant b = to == null || end.isBefore(to) ? end : to;
        if (!b.isAfter(a)) return ZERO;
        double h = (b.toEpochMilli() - a.toEpochMilli()) / 3_600_000.0;
        return perHour(j).times(h);
    }

    /** What the job holds in one hour: its allocated GPUs, CPUs and GiB of memory. */
    public static Hours perHour(Job j) {
        int cpus = j.allocCpus() == null ? 0 : j.allocCpus();
        int gpus = j.allocGpus() == null ? 0 : j.allocGpus();
        long mem = j.allocMemBytes() == null ? 0 : j.allocMemBytes();
        return new Hours(gpus, cpus, mem / GIB);
    }

    /** One of the three by resource: {@code gpu}, {@code cpu} or {@code mem}. */
    public double of(Resource r) {
        return switch (r) {
            case GPU -> gpuHours;
            case CPU -> cpuHours;
            case MEM -> memGbHours;
        };
    }

    /** The three resources a budget counts. */
    public enum Resource {
        GPU("gpu-hours"), CPU("cpu-hours"), MEM("GiB-hours of memory");

        private final String unit;

        Resource(String unit) {
            this.unit = unit;
        }

        /** How its hours read in a sentence: {@code gpu-hours}, ... */
        public String unit() {
            return unit;
        }

        /** What a charter's budget allows of it; null when the budget does not limit it (0 or not given). */
        public Double budgetOf(Charter.Budget b) {
            double v = switch (this) {
                case GPU -> b.gpuHours();
                case CPU -> b.cpuHours();
                case MEM -> b.memGbHours() == null ? 0 : b.memGbHours();
            };
            return v > 0 ? v : null;
        }
    }

    public Hours times(double k) {
        return new Hours(gpuHours * k, cpuHours * k, memGbHours * k);
    }
}
