package dev.reckon.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * The jobs of one simulation, held as parallel primitive arrays (one entry per job, ordered by submit time, ties in
 * the order added) so that millions of jobs cost tens of bytes each. Times are seconds on the trace's own clock.
 * Build one with {@link Builder}; a workload never changes once built.
 */
public final class Workload {
    final int n;
    final String[] ids;
    final long[] submit;
    final long[] limit;
    final long[] runtime;
    final int[] nodes;
    final long[] cores;
    final long[] mem;
    final long[] gpus;
    final int[] user;
    final int[] partition;
    final int[] tag;
    final String[] users;
    final String[] partitions;
    final String[] tags;

    private Workload(int n, String[] ids, long[] submit, long[] limit, long[] runtime, int[] nodes, long[] cores,
                     long[] mem, long[] gpus, int[] user, int[] partition, int[] tag, String[] users,
                     String[] partitions, String[] tags) {
        this.n = n;
        this.ids = ids;
        this.submit = submit;
        this.limit = limit;
        this.runtime = runtime;
        this.nodes = nodes;
        this.cores = cores;
        this.mem = mem;
        this.gpus = gpus;
        this.user = user;
        this.partition = partition;
        this.tag = tag;
        this.users = users;
        this.partitions = partitions;
        this.tags = tags;
    }

    public int size() { return n; }
    /** The job's id exactly as its source wrote it. */
    public String id(int j) { return ids[j]; }
    public long submit(int j) { return submit[j]; }
    /** The requested time limit: what reservations use. */
    public long limit(int j) { return limit[j]; }
    /** The actual runtime: what completion uses (capped at the limit by the simulator). */
    public long runtime(int j) { return runtime[j]; }
    /** Requested nodes; 0 when the source does not say (the job then spans as few nodes as its cores need). */
    public int nodes(int j) { return nodes[j]; }
    public long cores(int j) { return cores[j]; }
    public long memBytes(int j) { return mem[j]; }
    public long gpus(int j) { return gpus[j]; }
    public String user(int j) { return users[user[j]]; }
    /** The job's partition, or {@code null}. */
    public String partition(int j) { return partition[j] < 0 ? null : partitions[partition[j]]; }
    /** The job's tag (e.g. {@code undefended}), or {@code null}. */
    public String tag(int j) { return tag[j] < 0 ? null : tags[tag[j]]; }
    int userIndex(int j) { return user[j]; }
    int userCount() { return users.length; }

    /** The jobs this predicate keeps, in the same order (e.g. every job not tagged {@code undefended}). */
    public Workload filter(IntPredicate keep) {
        int[] idx = new int[n];
        int m = 0;
        for (int j = 0; j < n; j++) if (keep.test(j)) idx[m++] = j;
        return select(Arrays.copyOf(idx, m));
    }

    /** The jobs without the given tag. */
    public Workload without(String tagName) {
        return filter(j -> !tagName.equals(tag(j)));
    }

    Workload select(int[] idx) {
        int m = idx.length;
        String[] i2 = new String[m];
        long[] s = new long[m], l = new long[m], r = new long[m], c = new long[m], me = new long[m], g = new long[m];
        int[] no = new int[m], u = new int[m], p = new int[m], t = new int[m];
        for (int k = 0; k < m; k++) {
            int j = idx[k];
            i2[k] = ids[j];
            s[k] = submit[j];
            l[k] = limit[j];
            r[k] = runtime[j];
            no[k] = nodes[j];
            c[k] = cores[j];
            me[k] = mem[j];
            g[k] = gpus[j];
            u[k] = user[j];
            p[k] = partition[j];
            t[k] = tag[j];
        }
        return new Workload(m, i2, s, l, r, no, c, me, g, u, p, t, users, partitions, tags);
    }

    /** Collects jobs in any order; {@link #build} orders them by submit time (stable). */
    public static final class Builder {
        private int n;
        private String[] ids = new String[1024];
        private long[] submit = new long[1024], limit = new long[1024], runtime = new long[1024], cores = new long[1024],
                mem = new long[1024], gpus = new long[1024];
        private int[] nodes = new int[1024], user = new int[1024], partition = new int[1024], tag = new int[1024];
        private final Map<String, Integer> users = new HashMap<>(), partitions = new HashMap<>(), tags = new HashMap<>();
        private final List<String> userNames = new ArrayList<>(), partitionNames = new ArrayList<>(),
                tagNames = new ArrayList<>();

        /**
         * Adds one job.
         *
         * @param id        its id as the source writes it
         * @param submit    submit time, seconds on the trace's clock
         * @param limit     requested time limit, seconds, at least 0
         * @param runtime   actual runtime, seconds, at least 0 (may exceed the limit: the simulator ends it there)
         * @param nodes     requested nodes, 0 when unknown
         * @param cores     requested cores in all, at least 1
         * @param memBytes  requested memory in all, bytes (0: not modelled)
         * @param gpus      requested GPUs in all
         * @param user      the user, or {@code null}
         * @param partition the partition, or {@code null}
         * @param tag       a tag such as {@code undefended}, or {@code null}
         */
        public Builder add(String id, long submit, long limit, long runtime, int nodes, long cores, long memBytes,
                           long gpus, String user, String partition, String tag) {
            if (limit < 0 || runtime < 0 || nodes < 0 || cores < 1 || memBytes < 0 || gpus < 0) {
                throw new IllegalArgumentException("job " + id + ": negative size or time, or no cores");
            }
            if (n == ids.length) grow();
            ids[n] = id;
            this.submit[n] = submit;
            this.limit[n] = limit;
            this.runtime[n] = runtime;
            this.nodes[n] = nodes;
            this.cores[n] = cores;
            this.mem[n] = memBytes;
            this.gpus[n] = gpus;
            this.user[n] = intern(users, userNames, user == null ? "-" : user);
            this.partition[n] = partition == null ? -1 : intern(partitions, partitionNames, partition);
            this.tag[n] = tag == null ? -1 : intern(tags, tagNames, tag);
            n++;
            return this;
        }

        public int size() {
            return n;
        }

        /** Tags the {@code index}-th job added (from 0) anew: {@code tag} such as {@code undefended}, or null for none. */
        public Builder tag(int index, String tag) {
            if (index < 0 || index >= n) throw new IndexOutOfBoundsException("no job " + index + " added");
            this.tag[index] = tag == null ? -1 : intern(tags, tagNames, tag);
            return this;
        }

        private static int intern(Map<String, Integer> m, List<String> names, String s) {
            Integer i = m.get(s);
            if (i != null) return i;
            m.put(s, names.size());
            names.add(s);
            return names.size() - 1;
        }

        private void grow() {
            int c = ids.length * 2;
            ids = Arrays.copyOf(ids, c);
            submit = Arrays.copyOf(submit, c);
            limit = Arrays.copyOf(limit, c);
            runtime = Arrays.copyOf(runtime, c);
            nodes = Arrays.copyOf(nodes, c);
            cores = Arrays.copyOf(cores, c);
            mem = Arrays.copyOf(mem, c);
            gpus = Arrays.copyOf(gpus, c);
            user = Arrays.copyOf(user, c);
            partition = Arrays.copyOf(partition, c);
            tag = Arrays.copyOf(tag, c);
        }

        public Workload build() {
            Workload w = new Workload(n, ids, submit, limit, runtime, nodes, cores, mem, gpus, user, partition, tag,
                    userNames.toArray(String[]::new), partitionNames.toArray(String[]::new),
                    tagNames.toArray(String[]::new));
            boolean sorted = true;
            for (int j = 1; j < n && sorted; j++) sorted = submit[j - 1] <= submit[j];
            if (sorted) return w.select(identity(n));
            // stable sort by submit: (submit - min) << 26 | index sorts as one long when it fits, else boxed
            long[] keys = new long[n];
            long min = Long.MAX_VALUE;
            for (int j = 0; j < n; j++) min = Math.min(min, submit[j]);
            boolean packable = n < (1 << 26);
            for (int j = 0; j < n && packable; j++) packable = submit[j] - min < (1L << 37);
            int[] idx = new int[n];
            if (packable) {
                for (int j = 0; j < n; j++) keys[j] = ((submit[j] - min) << 26) | j;
                Arrays.sort(keys);
                for (int j = 0; j < n; j++) idx[j] = (int) (keys[j] & ((1 << 26) - 1));
            } else {
                Integer[] order = new Integer[n];
                for (int j = 0; j < n; j++) order[j] = j;
                Arrays.sort(order, (a, b) -> Long.compare(submit[a], submit[b]));
                for (int j = 0; j < n; j++) idx[j] = order[j];
            }
            return w.select(idx);
        }

        private static int[] identity(int n) {
            int[] a = new int[n];
            for (int j = 0; j < n; j++) a[j] = j;
            return a;
        }
    }
}
