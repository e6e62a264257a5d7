package dev.reckon.act;

import dev.reckon.source.slurm.SlurmCommandException;
import dev.reckon.source.slurm.SlurmCommands;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Acting for real: notices through {@link Notices}, holds with {@code scontrol -M CLUSTER hold}, cancellations with
 * {@code scancel -M CLUSTER}. Every action on a job names the job's own cluster, so a job id that two clusters share
 * is never acted on in the wrong one; a job of a cluster this host's Slurm does not serve is refused (the caller
 * audits it as not done). The clusters served are asked once: {@code sacctmgr -n -P list clusters format=cluster}
 * (every cluster the accounting database knows, which {@code -M} can reach), else, without a database, the
 * {@code ClusterName} of {@code scontrol show config}.
 *
 * <p>The rule for a job's cluster: it is the name it was ingested under, compared exactly. {@code ingest slurm} stores
 * the host's own ClusterName; sacct text stores its Cluster field, else the configured {@code cluster} (default
 * {@code default}). A job stored under {@code default} is therefore refused when the host's cluster has a real name:
 * reckon cannot know it came from this host. Set {@code cluster:} in the config (or {@code RECKON_CLUSTER}) to the
 * cluster's name before ingesting text without a Cluster field, or ingest with {@code ingest slurm}.
 */
public final class SlurmJobActions implements JobActions {
    private final Notices notices;
    private final SlurmCommands slurm;
    private Set<String> served;

    /** @param notices where notices go; null when this run sends none (a notice then fails, saying so) */
    public SlurmJobActions(Notices notices, SlurmCommands slurm) {
        this.notices = notices;
        this.slurm = Objects.requireNonNull(slurm, "slurm");
    }

    @Override
    public String notify(String recipient, String payload) throws Exception {
        if (notices == null) throw new IllegalStateException("no channel for notices (give --webhook or --mail-command)");
        return notices.send(recipient, payload);
    }

    @Override
    public void checkCluster(String cluster) {
        Set<String> known = served();
        if (cluster == null || !known.contains(cluster)) {
            throw new IllegalStateException("the job is of cluster '" + cluster + "', which this host's Slurm does not "
                    + "serve (it serves " + String.join(", ", known) + ")"
                    + ("default".equals(cluster) ? "; it was ingested without a cluster name: set cluster in the "
                    + "config and ingest again" : "") + ": not acted on");
        }
    }

    @Override
    public String hold(String cluster, String jobId) {
        List<String> args = holdArgs(cluster, jobId);
        checkCluster(cluster);
        String out = slurm.scontrol(args.toArray(String[]::new)).strip();
        return "scontrol " + String.join(" ", args) + (out.isEmpty() ? "" : ": " + out);
    }

    @Override
    public String cancel(String cluster, String jobId) {
        List<String> args = cancelArgs(cluster, jobId);
        checkCluster(cluster);
        slurm.scancel(args.toArray(String[]::new));
        return "scancel " + String.join(" ", args);
    }

    /** The arguments of {@code scontrol} that hold a job of a cluster. */
    static List<String> holdArgs(String cluster, String jobId) {
        return List.of("-M", requireCluster(cluster), "hold", jobId);
    }

    /** The arguments of {@code scancel} that cancel a job of a cluster. */
    static List<String> cancelArgs(String cluster, String jobId) {
        return List.of("-M", requireCluster(cluster), jobId);
    }

    private static String requireCluster(String cluster) {
        if (cluster == null || cluster.isBlank()) throw new IllegalStateException("the job names no cluster: not acted on");
        return cluster;
    }

    /** The clusters this host's Slurm reaches, asked once. */
    synchronized Set<String> served() {
        if (served != null) return served;
        Set<String> out = new TreeSet<>();
        try {
            for (String line : slurm.run("sacctmgr", "-n", "-P", "list", "clusters", "format=cluster").split("\n")) {
                if (!line.isBlank()) out.add(line.strip());
            }
        } catch (SlurmCommandException e) {
            // no accounting database: the controller's own name is the one cluster reachable
        }
        if (out.isEmpty()) out.add(slurm.clusterName());
        served = java.util.Collections.unmodifiableSet(out);
        return served;
    }
}
