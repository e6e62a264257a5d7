package dev.reckon.bench;

import java.io.IOException;
import java.io.Writer;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

/**
 * Writes realistic synthetic {@code sacct --parsable2} output, as Slurm 22.05 prints it, for benchmarks: job lines
 * with their {@code batch}, {@code extern} and numbered steps, array tasks, GPU jobs, and every common state
 * (completed, failed, timed out, killed for memory, cancelled by a user, running, pending). Deterministic for a seed.
 */
public final class SyntheticSacct {
    /** The field list written in the header, as a site would pass it to {@code sacct --format}. */
    public static final String FIELDS = "JobID|JobIDRaw|JobName|User|Account|Partition|QOS|State|ExitCode|Submit|Start|End"
            + "|ElapsedRaw|Timelimit|ReqCPUS|AllocCPUS|NNodes|ReqMem|AllocTRES|TotalCPU|MaxRSS|NTasks|TRESUsageInTot"
            + "|NodeList|Cluster";

    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final String[] PARTITIONS = {"cpu", "cpu", "cpu", "gpu", "bigmem", "debug"};
    private static final String[] NAMES = {"train", "preprocess", "eval", "fetch", "sim", "assemble", "align", "render"};

    private final SplittableRandom rnd;
    private long lines;

    public SyntheticSacct(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    /** Lines written so far (job and step lines, header excluded). */
    public long lines() {
        return lines;
    }

    /** Writes a header and {@code jobs} jobs with their steps. */
    public void write(Writer w, int jobs) throws IOException {
        w.write(FIELDS);
        w.write('\n');
        LocalDateTime t = LocalDateTime.of(2024, 1, 1, 0, 0);
        int id = 1_000_000;
        int written = 0;
        StringBuilder b = new StringBuilder(2048);
        while (written < jobs) {
            t = t.plusSeconds(rnd.nextInt(4));
            int arrayTasks = rnd.nextInt(10) == 0 ? 2 + rnd.nextInt(20) : 0;
            if (arrayTasks == 0) {
                b.setLength(0);
                job(b, String.valueOf(id), String.valueOf(id), t);
                w.append(b);
                id++;
                written++;
            } else {
                int parent = id;
                for (int task = 1; task <= arrayTasks && written < jobs; task++) {
                    b.setLength(0);
                    job(b, parent + "_" + task, String.valueOf(id), t);
                    w.append(b);
                    id++;
                    written++;
                }
            }
        }
    }

    private void job(StringBuilder b, String jobId, String raw, LocalDateTime submit) {
        String part = PARTITIONS[rnd.nextInt(PARTITIONS.length)];
        boolean gpu = part.equals("gpu");
        int user = (int) Math.min(199, Math.abs(rnd.nextGaussian() * 40));
        String account = "acct" + (user % 23);
        String name = NAMES[rnd.nextInt(NAMES.length)] + "_" + rnd.nextInt(50);
        int cpus = 1 << rnd.nextInt(6);
        int nodes = cpus >= 16 && rnd.nextBoolean() ? 2 : 1;
        int memG = Math.max(1, cpus * (1 + rnd.nextInt(8)));
        int gpus = gpu ? 1 + rnd.nextInt(4) : 0;
        long limitMin = 30L * (1 + rnd.nextInt(96));
        int roll = rnd.nextInt(100);
        String state;
        String exit = "0:0";
        long elapsed = (long) (limitMin * 60 * rnd.nextDouble());
        if (roll < 70) state = "COMPLETED";
        else if (roll < 80) { state = "FAILED"; exit = (1 + rnd.nextInt(3)) + ":0"; }
        else if (roll < 85) { state = "TIMEOUT"; elapsed = limitMin * 60 + rnd.nextInt(60); }
        else if (roll < 93) { state = "CANCELLED by " + (1000 + user); exit = "0:15"; }
        else if (roll < 96) { state = "OUT_OF_MEMORY"; exit = "0:125"; }
        else if (roll < 99) state = "RUNNING";
        else state = "PENDING";
        boolean pending = state.equals("PENDING");
        boolean running = state.equals("RUNNING");
        LocalDateTime start = pending ? null : submit.plusSeconds(rnd.nextInt(3600));
        LocalDateTime end = pending || running ? null : start.plusSeconds(elapsed);
        if (pending) elapsed = 0;
        double eff = 0.2 + 0.8 * rnd.nextDouble();
        double totalCpu = pending ? 0 : elapsed * cpus * eff;
        long rssK = (long) (memG * 1024L * 1024 * (0.1 + 0.9 * rnd.nextDouble()));
        String tres = "billing=" + cpus + ",cpu=" + cpus + (gpu ? ",gres/gpu=" + gpus : "") + ",mem=" + memG + "G,node=" + nodes;
        String nodeList = pending ? "None assigned" : (nodes == 1 ? "n" + rnd.nextInt(500) : "n[" + rnd.nextInt(250) + "-" + (250 + rnd.nextInt(250)) + "]");
        String user_ = "user" + user;
        // the job line: no MaxRSS, TotalCPU is the sum over steps
        line(b, jobId, raw, name, user_, account, part, state, exit, submit, start, end, elapsed, limitMin, cpus, cpus,
                nodes, memG + "G", pending ? "" : tres, cpu(totalCpu), "", "", "", nodeList);
        if (pending) return;
        String stepState = running ? "RUNNING" : state.startsWith("CANCELLED") ? "CANCELLED" : state;
        line(b, jobId + ".batch", raw + ".batch", "batch", "", account, "", stepState, exit, start, start, end, elapsed,
                -1, 0, cpus, 1, "", tres, cpu(totalCpu * (gpu ? 0.1 : 1)), rssK + "K", "1",
                usage(totalCpu * (gpu ? 0.1 : 1), rssK), nodeList);
        line(b, jobId + ".extern", raw + ".extern", "extern", "", account, "", running ? "RUNNING" : "COMPLETED", "0:0",
                start, start, end, elapsed, -1, 0, cpus, nodes, "", tres, "00:00:00", "0", String.valueOf(nodes),
                usage(0, 0), nodeList);
        if (gpu || nodes > 1) {
            int tasks = nodes * (gpu ? gpus : cpus / nodes);
            line(b, jobId + ".0", raw + ".0", "python", "", account, "", stepState, exit, start, start, end, elapsed,
                    -1, 0, cpus, nodes, "", tres, cpu(totalCpu * 0.9), (rssK / Math.max(1, tasks)) + "K",
                    String.valueOf(tasks), usage(totalCpu * 0.9, rssK), nodeList);
        }
    }

    private void line(StringBuilder b, String id, String raw, String name, String user, String account, String part,
                      String state, String exit, LocalDateTime submit, LocalDateTime start, LocalDateTime end,
                      long elapsed, long limitMin, int reqCpus, int allocCpus, int nodes, String reqMem, String tres,
                      String totalCpu, String maxRss, String ntasks, String usage, String nodeList) {
        b.append(id).append('|').append(raw).append('|').append(name).append('|').append(user).append('|')
                .append(account).append('|').append(part).append('|').append(part.isEmpty() ? "" : "normal").append('|')
                .append(state).append('|').append(exit).append('|').append(ts(submit)).append('|').append(ts(start))
                .append('|').append(end == null ? "Unknown" : ts(end)).append('|').append(elapsed).append('|')
                .append(limitMin < 0 ? "" : hms(limitMin * 60)).append('|').append(reqCpus == 0 ? "" : reqCpus)
                .append('|').append(allocCpus).append('|').append(nodes).append('|').append(reqMem).append('|')
                .append(tres).append('|').append(totalCpu).append('|').append(maxRss).append('|').append(ntasks)
                .append('|').append(usage).append('|').append(nodeList).append('|').append("synth").append('\n');
        lines++;
    }

    private static String ts(LocalDateTime t) {
        return t == null ? "Unknown" : TS.format(t);
    }

    private static String usage(double cpuS, long rssK) {
        return "cpu=" + hms((long) cpuS) + ",energy=0,fs/disk=" + (rssK * 3) + ",mem=" + rssK + "K,pages=0,vmem="
                + (rssK * 2) + "K";
    }

    /** TotalCPU as sacct prints it: MM:SS.mmm under an hour, [D-]HH:MM:SS above. */
    private static String cpu(double s) {
        if (s < 3600) {
            long ms = Math.round(s * 1000);
            return String.format("%02d:%02d.%03d", ms / 60000, (ms / 1000) % 60, ms % 1000);
        }
        return hms((long) s);
    }

    private static String hms(long s) {
        long d = s / 86400;
        s %= 86400;
        String x = pad(s / 3600) + ":" + pad((s / 60) % 60) + ":" + pad(s % 60);
        return d > 0 ? d + "-" + x : x;
    }

    private static String pad(long v) {
        return v < 10 ? "0" + v : Long.toString(v);
    }
}
