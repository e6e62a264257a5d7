package dev.reckon.app;

import dev.reckon.core.BadRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The clusters a view is limited to ({@code --cluster NAME}, repeatable or a comma list): checked names, and the
 * ledger query's comma list. Empty means every cluster.
 */
public final class Clusters {
    /** What Slurm's ClusterName may look like. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private Clusters() {}

    /** The names given, each split at commas, blank ones dropped, each once; a name Slurm could not have is refused. */
    public static List<String> of(List<String> given) {
        if (given == null) return List.of();
        List<String> out = new ArrayList<>();
        for (String g : given) {
            if (g == null) continue;
            for (String n : g.split(",")) {
                n = n.strip();
                if (n.isEmpty() || out.contains(n)) continue;
                if (!NAME.matcher(n).matches())
                    throw new BadRequest("--cluster: \"" + n + "\" is not a cluster name (letters, digits, '.', '_', '-')");
                out.add(n);
            }
        }
        return List.copyOf(out);
    }

    /** The names given ({@link #of}) as one comma list, or null for every cluster. */
    public static String list(List<String> given) {
        return query(of(given));
    }

    /** The ledger query's criterion: the comma list, or null for every cluster. */
    static String query(List<String> clusters) {
        return clusters == null || clusters.isEmpty() ? null : String.join(",", clusters);
    }
}
