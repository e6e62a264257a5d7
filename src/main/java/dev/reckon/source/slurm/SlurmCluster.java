package dev.reckon.source.slurm;

import dev.reckon.model.JobState;
import dev.reckon.source.Cluster;
import dev.reckon.core.SlurmSyntax;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link Cluster} seam on a real Slurm, through {@link SlurmCommands}: {@code sbatch --wrap} to submit (one task
 * on one node), {@code sacct} for states and accounting (a job sacct does not know yet reads as pending),
 * {@code scancel} to cancel. Polling waits in wall-clock time, asking {@code sacct} once a second.
 *
 * <p>Slurm's accounting is read the way {@code review} reads it: a job killed for memory by
 * {@code JobAcctGatherParams=OverMemoryKill} is recorded {@code FAILED} with exit code {@code 0:9} (its batch shell
 * killed by SIGKILL), which this seam reports as {@link JobState#OUT_OF_MEMORY}, as it does {@code FAILED 0:125}; and
 * a job whose job line still says {@code PENDING} while one of its steps is recorded (slurmdbd learns of a start
 * from the step before the job line catches up) reports {@link JobState#RUNNING}.
 */
public final class SlurmCluster implements Cluster {
    /** The sacct fields {@link #parseSacct} reads, in order. */
    public static final String SACCT_FIELDS = "JobID,State,Start,End,ExitCode,ElapsedRaw,MaxRSS";

    private final SlurmCommands commands;
    private final Clock clock;
    private final Path workDir;

    /** A cluster whose jobs run, and write their {@code slurm-<id>.out}, in this process's working directory. */
    public SlurmCluster(SlurmCommands commands, Clock clock) {
        this(commands, clock, null);
    }

    /**
     * A cluster whose jobs run in {@code workDir} and write their output there as {@code <name>-<id>.out}
     * (null: this process's working directory, {@code slurm-<id>.out}, as sbatch does).
     */
    public SlurmCluster(SlurmCommands commands, Clock clock, Path workDir) {
        this.commands = commands;
        this.clock = clock;
        this.workDir = workDir == null ? null : workDir.toAbsolutePath();
    }

    @Override
    public String submit(Submission s) {
        List<String> args = new ArrayList<>();
        if (workDir != null) {
            args.add("--chdir=" + workDir);
            args.add("--output=" + workDir.resolve("%x-%j.out"));
        }
        args.addAll(sbatchArgs(s));
        return commands.sbatch(args.toArray(String[]::new));
    }

    /** The {@code sbatch} arguments (after {@code --parsable}) for a submission. */
    public static List<String> sbatchArgs(Submission s) {
        if (s.command() == null || s.command().isBlank()) {
            throw new IllegalArgumentException("a real cluster needs a command to run for " + s.name());
        }
        List<String> a = new ArrayList<>();
        a.add("--job-name=" + s.name());
        a.add("--nodes=1");
        a.add("--ntasks=1");
        a.add("--cpus-per-task=" + s.cpus());
        if (s.memBytes() > 0) a.add("--mem=" + Math.max(1, (s.memBytes() + (1 << 20) - 1) >> 20) + "M");
        if (s.gpus() > 0) a.add("--gres=gpu:" + s.gpus());
        long t = s.timeLimitS();
        a.add(String.format(java.util.Locale.ROOT, "--time=%d-%02d:%02d:%02d", t / 86400, t / 3600 % 24, t / 60 % 60,
                t % 60));
        if (s.partition() != null) a.add("--partition=" + s.partition());
        if (s.comment() != null) a.add("--comment=" + s.comment());
        a.add("--wrap=" + s.command());
        return a;
    }

    @Override
    public List<JobStatus> poll(Collection<String> ids, Duration wait) {
        List<JobStatus> first = query(ids);
        Instant deadline = clock.instant().plus(wait);
        List<JobStatus> last = first;
        while (clock.instant().isBefore(deadline)) {
            try {
                Thread.sleep(Math.max(1, Math.min(1000, Duration.between(clock.instant(), deadline).toMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return last;
            }
            last = query(ids);
            for (int i = 0; i < first.size(); i++) {
                if (first.get(i).state() != last.get(i).state()) return last;
            }
        }
        return last;
    }

    @Override
    public void cancel(String id) {
        commands.scancel(id);
    }

    @Override
    public List<JobStatus> accounting(Collection<String> ids) {
        List<JobStatus> out = new ArrayList<>();
        for (JobStatus s : query(ids)) if (s.state().isFinal()) out.add(s);
        return out;
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    private List<JobStatus> query(Collection<String> ids) {
        if (ids.isEmpty()) return List.of();
        String text = commands.run("sacct", "--noheader", "--parsable2", "--jobs=" + String.join(",", ids),
                "--format=" + SACCT_FIELDS);
        Map<String, JobStatus> known = new LinkedHashMap<>();
        for (JobStatus s : parseSacct(text, commands.zone())) known.put(s.id(), s);
        List<JobStatus> out = new ArrayList<>();
        for (String id : ids) {
            JobStatus s = known.get(id);
            out.add(s != null ? s : new JobStatus(id, JobState.PENDING, null, null, null, null, 0));
        }
        return out;
    }

    /**
     * Jobs from {@code sacct --noheader --parsable2 --format=}{@value #SACCT_FIELDS}: one status per job line, its
     * peak memory the largest {@code MaxRSS} of its steps ({@code 123.batch}, {@code 123.0}); a job whose steps report
     * none has it null. {@code FAILED} with exit code {@code 0:9} or {@code 0:125} (killed for memory) reads as
     * {@link JobState#OUT_OF_MEMORY}; a {@code PENDING} job line with a step recorded reads as {@link JobState#RUNNING}.
     * Times are read in {@code zone}.
     */
    public static List<JobStatus> parseSacct(String text, ZoneId zone) {
        Map<String, JobStatus> jobs = new LinkedHashMap<>();
        Map<String, Long> peaks = new LinkedHashMap<>();
        Set<String> stepped = new HashSet<>();
        for (String line : text.split("\r?\n")) {
            if (line.isBlank()) continue;
            String[] f = line.split("\\|", -1);
            if (f.length < 7) throw new IllegalArgumentException("sacct line has " + f.length + " fields, not 7: " + line);
            String id = f[0].strip();
            int dot = id.indexOf('.');
            if (dot >= 0) {
                stepped.add(id.substring(0, dot));
                Long rss = f[6].isBlank() ? null : SlurmSyntax.sizeBytes(f[6].strip(), 'K');
                if (rss != null) peaks.merge(id.substring(0, dot), rss, Math::max);
                continue;
            }
            Long elapsed = SlurmSyntax.wholeNumber(f[5].strip());
            String exit = f[4].isBlank() ? null : f[4].strip();
            JobState state = JobState.of(f[1]);
            if (state == JobState.FAILED && ("0:9".equals(exit) || "0:125".equals(exit))) state = JobState.OUT_OF_MEMORY;
            jobs.put(id, new JobStatus(id, state, SlurmSyntax.time(f[2].strip(), zone),
                    state.isFinal() ? SlurmSyntax.time(f[3].strip(), zone) : null, state.isFinal() ? exit : null, null,
                    elapsed == null ? 0 : elapsed));
        }
        List<JobStatus> out = new ArrayList<>();
        for (JobStatus s : jobs.values()) {
            JobState state = s.state() == JobState.PENDING && stepped.contains(s.id()) ? JobState.RUNNING : s.state();
            out.add(new JobStatus(s.id(), state, s.start(), s.end(), s.exitCode(), peaks.get(s.id()), s.elapsedS()));
        }
        return out;
    }
}
