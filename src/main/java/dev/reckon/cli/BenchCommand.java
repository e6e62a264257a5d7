package dev.reckon.cli;

import dev.reckon.bench.IngestBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Path;

/** {@code reckon bench ...}: measured speed, printed as figures (never asserted in tests). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures reckon's speed on synthetic data and prints the figures.",
        subcommands = {BenchCommand.Ingest.class, BenchCommand.Sim.class, FidelityCommand.class, PredictCheckCommand.class,
                BenchCommand.Optimise.class, BenchCommand.Startup.class, BenchCommand.ReviewSize.class,
                BenchCommand.StudySpeed.class})
final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new Door(spec).usage("say what to measure: ingest, sim, fidelity, optimise, startup, review or study");
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = {"Generates N realistic synthetic sacct jobs (with batch/extern/numbered steps, array tasks, "
                    + "GPU jobs, every common state), ingests them into a fresh ledger and summarises it.",
                    "Prints generation, ingest (records/s, jobs/s) and summary times and the peak heap "
                            + "(the launcher's JVM has a 1 GB heap)."})
    static final class Ingest implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-n", "--jobs"}, paramLabel = "N", defaultValue = "1000000",
                description = "Jobs to generate (default: ${DEFAULT-VALUE}).")
        int jobs;

        @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--dir", paramLabel = "DIR",
                description = "Where the generated file and the ledger go (default: a fresh temporary directory, removed after).")
        Path dir;

        @Option(names = "--json", description = "The figures as JSON.")
        boolean json;

        @Option(names = "--write-only", paramLabel = "FILE",
                description = "Only writes the synthetic sacct output to FILE and prints its records and size: the "
                        + "input of scripts/bench-ingest-vs-pandas.")
        Path writeOnly;

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            if (jobs < 1) throw door.usage("--jobs must be at least 1");
            if (writeOnly != null) {
                long records = IngestBench.write(jobs, seed, writeOnly);
                door.out().printf(java.util.Locale.ROOT, "%s: %,d jobs, %,d records, %,d bytes%n", writeOnly, jobs,
                        records, java.nio.file.Files.size(writeOnly));
                return 0;
            }
            IngestBench.Figures f = IngestBench.run(jobs, seed, dir, json ? null : door.out());
            if (json) door.out().println(dev.reckon.core.Json.write(f));
            return 0;
        }
    }

    @Command(name = "sim", mixinStandardHelpOptions = true,
            description = {"Replays the SWF traces of --data (hpc2n-seth-3170, metacentrum-wagap-2013, "
                    + "NASA-iPSC-1993-3.1, those present; without --data, none) and synthetic workloads (100,000 and "
                    + "1,000,000 jobs on 10,000 nodes by default) under every policy, and prints jobs simulated per "
                    + "second. Conservative backfill is given the synthetic workloads up to the defaults' "
                    + "bench.conservative_max_jobs."})
    static final class Sim implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--data", paramLabel = "DIR", description = "A directory holding the traces, as downloaded from the Parallel Workloads Archive.")
        Path data;

        @Option(names = {"-n", "--jobs"}, paramLabel = "N", split = ",",
                description = "Synthetic workload sizes (default from the defaults file: 100000,1000000).")
        int[] jobs;

        @Option(names = "--json", description = "The figures as JSON.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            dev.reckon.sim.SimDefaults d = dev.reckon.sim.SimDefaults.load();
            int[] sizes = jobs != null ? jobs : d.benchSyntheticJobs();
            for (int n : sizes) if (n < 1) throw door.usage("--jobs: sizes must be at least 1");
            var figures = dev.reckon.bench.SimBench.run(data, sizes, d, json ? null : door.out());
            if (json) door.out().println(dev.reckon.core.Json.write(figures));
            return 0;
        }
    }

    @Command(name = "study", mixinStandardHelpOptions = true,
            description = {"A placement study's speed: a synthetic workload (4,000 jobs by default) on a fleet of 100 "
                    + "providers drawn from the archetypes, under every selector (20,000 placements, each asking "
                    + "every provider), each provider then simulated; prints the seconds and placements per second."})
    static final class StudySpeed implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-n", "--jobs"}, paramLabel = "N", defaultValue = "4000",
                description = "Jobs per selector (default: ${DEFAULT-VALUE}; x 5 selectors = the placements).")
        int jobs;

        @Option(names = "--providers", paramLabel = "N", defaultValue = "100",
                description = "Providers in the fleet (default: ${DEFAULT-VALUE}).")
        int providers;

        @Option(names = "--threads", paramLabel = "N", description = "Threads (default: every core).")
        Integer threads;

        @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--json", description = "The figures as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Door door = new Door(spec);
            if (jobs < 1 || providers < 1) throw door.usage("--jobs and --providers: at least 1");
            int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
            if (t < 1) throw door.usage("--threads: at least 1");
            var f = dev.reckon.bench.StudyBench.run(jobs, providers, t, seed);
            if (json) {
                door.out().println(dev.reckon.core.Json.write(f));
            } else {
                door.out().printf(java.util.Locale.ROOT, "%,d placements (%,d offers) on %d providers, %d threads: "
                        + "%.1f s, %,.0f placements/s%n", f.placements(), f.offers(), providers, t, f.seconds(),
                        f.perSecond());
            }
            return 0;
        }
    }

    @Command(name = "optimise", aliases = "optimize", mixinStandardHelpOptions = true,
            description = {"Runs the optimiser on simulated clusters with other users' load over six workload models "
                    + "(a queue-bound stage of wide jobs, preprocessing holding idle GPUs, an OOM-prone stage, a stage "
                    + "asking ten times the memory it uses, a pipeline mixing them, and a staging-heavy stage), or on "
                    + "a campaign file and its workload model file, and prints per model the "
                    + "pipeline's wall-clock as submitted, after right-sizing alone (largest use + margin, retried with "
                    + "more memory), after reckon's rounds, and the best of an exhaustive search of the factor grid, "
                    + "each the mean over the same draws of the others' load, with each draw's range; "
                    + "the rounds, the trials' hours, and jobs out of memory after round 1."})
    static final class Optimise implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--model", paramLabel = "NAME|FILE", description = "Only this model (default: all six); "
                + "with --campaign, a workload model file (*.model.yaml).")
        String model;
        @Option(names = "--campaign", paramLabel = "FILE", description = "A campaign file as submitted, run against "
                + "the workload model file given by --model.")
        Path campaign;
        @Option(names = "--draws", paramLabel = "K", description = "Draws of the others' load each configuration is "
                + "scored over (default: " + dev.reckon.bench.OptimiseBench.DRAWS + ").")
        Integer draws;
        @Option(names = "--threads", paramLabel = "N", description = "Simulations run at once (default: the cores).")
        Integer threads;
        @Option(names = "--json", description = "The figures as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Door door = new Door(spec);
            int k = draws == null ? dev.reckon.bench.OptimiseBench.DRAWS : draws;
            if (k < 1 || k > 64) throw door.usage("--draws: 1 to 64");
            int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
            if (t < 1) throw door.usage("--threads: at least 1");
            java.util.List<dev.reckon.bench.OptimiseBench.Workload> models;
            if (campaign != null) {
                if (model == null) throw door.usage("--campaign needs --model FILE, the campaign's workload model file");
                models = java.util.List.of(dev.reckon.bench.OptimiseBench.fromFiles(campaign, Path.of(model)));
            } else {
                models = dev.reckon.bench.OptimiseBench.models().stream()
                        .filter(w -> model == null || w.name().equals(model)).toList();
                if (models.isEmpty()) throw door.usage("--model: one of " + dev.reckon.bench.OptimiseBench.models().stream()
                        .map(dev.reckon.bench.OptimiseBench.Workload::name).toList() + ", or a model file with --campaign");
            }
            var figures = dev.reckon.bench.OptimiseBench.run(models, k, t, json ? null : door.out());
            if (json) door.out().println(dev.reckon.core.Json.write(figures));
            return 0;
        }
    }

    @Command(name = "startup", mixinStandardHelpOptions = true,
            description = {"Starts whole reckon processes, as a shell does, and prints the median wall-clock of "
                    + "'reckon --version' and 'reckon jobs' on an empty ledger: as ./reckon starts them (with the "
                    + "class-data archive it records beside the jar) and as a plain 'java -jar'."})
    static final class Startup implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = {"-n", "--runs"}, paramLabel = "N", defaultValue = "9",
                description = "Runs of each (default: ${DEFAULT-VALUE}).")
        int runs;
        @Option(names = "--json", description = "The figures as JSON.")
        boolean json;

        @Override
        public Integer call() throws IOException, InterruptedException {
            Door door = new Door(spec);
            if (runs < 1) throw door.usage("--runs must be at least 1");
            var figures = dev.reckon.bench.StartupBench.run(runs, json ? null : door.out());
            if (json) door.out().println(dev.reckon.core.Json.write(figures));
            return 0;
        }
    }

    @Command(name = "review", mixinStandardHelpOptions = true,
            description = {"Fills a fresh ledger with N synthetic jobs (some 200 users, five charters) and times the "
                    + "standing review of the whole window, the owners' view, the exits and the what-if of the window, "
                    + "as reckon review, owners, exits and whatif make them, with the peak heap (the launcher's JVM "
                    + "has 1 GB)."})
    static final class ReviewSize implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = {"-n", "--jobs"}, paramLabel = "N", split = ",", defaultValue = "100000,1000000",
                description = "Ledger sizes (default: ${DEFAULT-VALUE}).")
        int[] jobs;
        @Option(names = "--pg", paramLabel = "URL",
                description = "Also measure on this PostgreSQL database (jdbc:postgresql://...): the bench works in a "
                        + "schema of its own and drops it after.")
        String pg;
        @Option(names = "--dir", paramLabel = "DIR",
                description = "Keep the sacct file, the SQLite ledger and the PostgreSQL schema (reckon_bench_N) here, "
                        + "and use again those an earlier run with the same DIR left (no generating or ingesting: "
                        + "ingest reads 0); default: a temporary directory, removed after.")
        java.nio.file.Path dir;
        @Option(names = "--json", description = "The figures as JSON.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            Door door = new Door(spec);
            for (int n : jobs) if (n < 1) throw door.usage("--jobs: sizes must be at least 1");
            if (pg != null && !pg.startsWith("jdbc:postgresql:")) throw door.usage("--pg: a jdbc:postgresql:// URL");
            var figures = dev.reckon.bench.ReviewBench.run(jobs, pg, dir, json ? null : door.out());
            if (json) door.out().println(dev.reckon.core.Json.write(figures));
            return 0;
        }
    }
}
