package dev.reckon.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reckon.act.ExitEnforcement;
import dev.reckon.act.Hold;
import dev.reckon.act.Reclaim;
import dev.reckon.app.Chartering;
import dev.reckon.app.Context;
import dev.reckon.app.ExitPlanning;
import dev.reckon.app.Governance;
import dev.reckon.app.Optimising;
import dev.reckon.app.Outcome;
import dev.reckon.app.Records;
import dev.reckon.app.Rightsizing;
import dev.reckon.app.Simulation;
import dev.reckon.core.BadRequest;
import dev.reckon.core.InputError;
import dev.reckon.core.Json;
import dev.reckon.report.JsonVocabulary;
import dev.reckon.core.SlurmSyntax;
import dev.reckon.report.JobView;
import dev.reckon.report.sim.WhatIfReport;
import dev.reckon.review.Owners;
import dev.reckon.sim.Predict;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tools: each reads its arguments as the command line reads its options, makes the one {@code app} call the
 * command makes, and answers with the JSON the command's {@code --json} prints (as text) and the same value as
 * structured content (an array is wrapped in an object under one key, since structured content is an object).
 */
final class Tools {
    private Tools() {}

    /** What a tool answers: the command line's JSON text, and its structured form. */
    record Answer(String text, JsonNode structured, List<String> notes) {}

    interface Handler {
        Answer call(Args a, Context ctx) throws IOException;
    }

    /**
     * One tool.
     *
     * @param action whether it changes the cluster (refused without --allow-actions; a dry run without apply)
     */
    record Tool(String name, String title, String description, Schema input, Schema output, boolean action,
                Handler handler) {}

    static final String JOB_FILTERS = "Times in reckon's grammar: 7d (that long ago), 12h, 2024-03-01, 2024-03-01T08:00.";

    static List<Tool> all(boolean allowActions, dev.reckon.app.Channels channels) {
        List<Tool> t = new ArrayList<>();
        t.add(new Tool("jobs", "Jobs in the ledger",
                "The jobs in the ledger with what each consumed and how efficiently, as 'reckon jobs --json' lists "
                        + "them. A job is in the window when it was pending or running between since and until. "
                        + JOB_FILTERS + " At most limit jobs (default 100).",
                Schema.object().string("user", "Only these users (comma-separated).")
                        .string("account", "Only these accounts (comma-separated).")
                        .string("partition", "Only these partitions (comma-separated).")
                        .string("state", "Only these states, e.g. COMPLETED,FAILED,TIMEOUT.")
                        .string("since", "Window start, e.g. 7d or 2024-03-01.")
                        .string("until", "Window end (default: no end).")
                        .string("cluster", "Only this cluster.")
                        .string("charter", "Only the jobs this charter claims (by its id).")
                        .string("name", "Only job names matching this pattern (* any run, ? one character).")
                        .integer("limit", "At most this many jobs (default 100, at most 100000)."),
                Schema.object().array("jobs", "One object per job, as reckon jobs --json prints it.").required("jobs"),
                false, Tools::jobs));
        t.add(new Tool("job", "One job in full",
                "One job in full with its steps, as 'reckon job ID --json' shows it; for an array or heterogeneous "
                        + "job id (123 for 123_1, 123_2, ...), its member jobs. An error when the ledger has no such job.",
                Schema.object().string("job_id", "As sacct prints it: 123, 123_4, 123+0.")
                        .string("cluster", "The cluster, when several have this job id.").required("job_id"),
                Schema.object().any("job_id", "The job's id (a single job).")
                        .array("members", "The member jobs (an array or heterogeneous job id)."),
                false, Tools::job));
        t.add(new Tool("review", "Review the cluster",
                "Who defends each job of the window (defended, habitual, orphaned), each class's share of CPU-, GPU- "
                        + "and memory-hours, each charter against its budget, the kill list and the top undefended "
                        + "signatures: 'reckon review --json'. " + JOB_FILTERS,
                Schema.object().string("since", "Window start (default 30d).")
                        .string("until", "Window end (default: no end).")
                        .string("period", "Judge recurrence over periods of this length only, e.g. 7d (default: weeks and days).")
                        .string("cluster", "Only the jobs of these clusters, a comma list (default: every cluster)."),
                Schema.object().any("jobs", "Per class: jobs and hours.").any("shares", "Each class's share.")
                        .any("charters", "Each charter against its budget.").any("kill_list", "Running and pending undefended jobs.")
                        .any("signatures", "The top undefended signatures."),
                false, Tools::review));
        t.add(new Tool("owners", "Charter owners and their load",
                "For each charter owner, the active charters they hold and the babysitting load of their jobs per "
                        + "week (failed, timed out, memory-killed, resubmitted); unowned load per user: 'reckon owners --json'.",
                Schema.object().string("since", "Window start (default 30d).").string("until", "Window end (default: now).")
                        .integer("limit", "Active charters one owner may hold before being flagged (default "
                                + Owners.DEFAULT_LIMIT + ")."),
                Schema.object().any("owners", "Per owner.").any("unowned", "Load no charter claims, per user."),
                false, Tools::owners));
        t.add(new Tool("exits", "Charters against their exits",
                "Each charter's verdict at a moment (continue, approaching, success-exit, failure-exit, overrun) with "
                        + "consumption, burn rate and projected exhaustion ('reckon exits --json'); view=calendar: the "
                        + "upcoming planned stops ('--calendar --json'); view=closed: the closing records ('--closed --json').",
                Schema.object().oneOf("view", "What to show (default verdicts).", "verdicts", "calendar", "closed")
                        .string("at", "Evaluate at this moment (default now).")
                        .number("approach_budget", "Approaching from this fraction of any budget used (default 0.8).")
                        .integer("approach_days", "Approaching this many days before the window ends (default 7).")
                        .integer("burn_days", "The burn rate's window in days (default 7)."),
                Schema.object().array("charters", "view=verdicts: one object per charter.")
                        .array("stops", "view=calendar: one object per planned stop.")
                        .array("closings", "view=closed: one object per closing record."),
                false, Tools::exits));
        t.add(new Tool("predict", "When would a job start",
                "When a job of this shape would start if submitted now, simulated forward from the live queue "
                        + "(squeue, scontrol; nothing is submitted), with fewer GPUs, half the time and a split in two "
                        + "for comparison: 'reckon predict --json'.",
                Schema.object().integer("nodes", "Nodes (sbatch --nodes; default: as Slurm chooses).")
                        .integer("cpus", "CPUs in all (default 1).")
                        .integer("tasks", "Tasks (sbatch --ntasks), sharing the CPUs; Slurm may spread them over nodes "
                                + "(default: one task of all the CPUs).")
                        .string("mem", "Memory in all, e.g. 32G (a bare number is MiB).").integer("gpus", "GPUs in all (default 0).")
                        .string("time", "Time limit: 30m, 4h, 2d or [D-]HH:MM:SS.")
                        .string("partition", "The partition (default: any node).")
                        .bool("exclusive", "The job has its nodes to itself (sbatch --exclusive; default false).")
                        .string("policy", "slurm (Slurm's scheduler job by job, on the live cluster) or a "
                                + "pooled policy (default: slurm where it can, else conservative).")
                        .string("squeue_output", "A saved squeue output file instead of asking Slurm (with nodes_output).")
                        .string("nodes_output", "A saved 'scontrol show node -o' output file (with squeue_output).")
                        .required("time"),
                Schema.object().any("now", "When.").any("policy", "The policy simulated.").any("machine", "The nodes.")
                        .any("running", "Running jobs.").any("pending", "Pending jobs.")
                        .array("predictions", "The shape asked, then the alternatives."),
                false, Tools::predict));
        t.add(new Tool("place", "Where should a job go",
                "Asks every provider of the providers file (Slurm clusters read live with -M, Kueue queues through "
                        + "kubectl or a saved output, cloud pools) for a job of this shape (or an sbatch script's "
                        + "#SBATCH lines): each one's verdict (READY, BUSY, RESTRICTED, INCOMPATIBLE), reason, "
                        + "predicted start and end and cost, and the one the selector chooses: 'reckon place --json'. "
                        + "submit: true sends it to the chosen Slurm cluster (sbatch -M), which needs a server started "
                        + "with --allow-actions, and is a dry run unless apply is true; claimed once, audited with this "
                        + "client's name.",
                Schema.object().integer("nodes", "Nodes (default: the script's, else 1).")
                        .integer("cpus", "CPUs in all (default: the script's, else 1).")
                        .string("mem", "Memory in all, e.g. 32G (a bare number is MiB).")
                        .integer("gpus", "GPUs in all (default: the script's, else 0).")
                        .string("time", "Time limit: 30m, 4h, 2d or [D-]HH:MM:SS (default: the script's).")
                        .string("script", "An sbatch script: its #SBATCH lines give the shape; what submit sends.")
                        .string("wrap", "A command to submit instead of a script (sbatch --wrap).")
                        .string("providers", "The providers file (default: providers.yaml beside the settings file, "
                                + "else in the site's folder).")
                        .string("select", "soonest, cheapest, first-ready, least-queue or cheapest-by-deadline "
                                + "(default soonest).")
                        .string("deadline", "When it must have ended: a time, or a duration from now (6h).")
                        .bool("submit", "Submit to the chosen provider (needs --allow-actions).")
                        .bool("apply", "With submit: really submit (default false: a dry run).")
                        .string("key", "The submission's key, claimed once (default: a digest of what is submitted).")
                        .string("name", "The job's name (sbatch --job-name)."),
                Schema.object().any("offers", "Each provider's offer.").any("chosen", "The chosen provider, or null.")
                        .any("why", "Why.").any("submission", "The submission, or null.").required("offers"),
                false, (a, c) -> place(a, c, allowActions)));
        t.add(new Tool("whatif", "Replay a period under variants",
                "Replays a period of the ledger (or an SWF trace) on a simulated machine: as it happened, without the "
                        + "undefended jobs, with more nodes, and right-sized; waits, slowdown, utilisation and makespan "
                        + "of each: 'reckon whatif --json'.",
                Schema.object().string("trace", "An SWF trace file; without it, the ledger.")
                        .string("since", "Ledger: jobs submitted from (default 30d).")
                        .string("until", "Ledger: jobs submitted before (default now).")
                        .string("machine", "A machine file: saved scontrol show node output, SWF .machines, or lines.")
                        .string("policy", "fcfs, easy, conservative or priority (default easy).")
                        .number("add_nodes", "Extra nodes for the 'more nodes' variant, in percent (default 10).")
                        .strings("undefended_users", "With trace: the users whose jobs count as undefended."),
                Schema.object().any("variants", "Each variant's metrics.").any("recorded", "The recorded waits.")
                        .any("summary", "In plain words.").any("notes", "Notes."),
                false, Tools::whatIf));
        t.add(new Tool("rightsize", "Right-size from history",
                "The shape each group of jobs should ask for (CPUs, memory, time, GPUs) as sbatch flags, from history, "
                        + "with the evidence and the hours it would have freed: 'reckon rightsize --json'.",
                Schema.object().string("since", "Window start, e.g. 30d.").string("until", "Window end.")
                        .string("user", "Only these users (comma-separated).")
                        .string("name", "Only job names matching this pattern (* and ?).")
                        .string("charter", "Only this charter's jobs.").string("account", "Only these accounts.")
                        .oneOf("by", "One recommendation per (default signature).", "signature", "user", "name", "charter", "account")
                        .number("percentile", "The percentile of history covered (default 95)."),
                Schema.object().any("groups", "One recommendation per group."),
                false, Tools::rightsize));
        Schema campaign = Schema.object().string("campaign", "The campaign file (docs/optimise.md).");
        t.add(new Tool("optimise_baseline", "A campaign's baseline",
                "Per stage of a campaign, its charter's past jobs: CPUs and memory asked and used, runtime, waits, how "
                        + "they ended, throughput; and the bottleneck stage: 'reckon optimise baseline --json'.",
                Schema.object().string("campaign", "The campaign file.").string("since", "History from (default: all).")
                        .required("campaign"),
                Schema.object().any("stages", "Per stage.").any("bottleneck", "The bottleneck stage."),
                false, Tools::baseline));
        t.add(new Tool("optimise_plan", "What round 0 would send",
                "What a campaign's round 0 would send (one job per stage and lane), with each trial's predicted wait; "
                        + "nothing is sent. For a campaign that has run, its stored state: 'reckon optimise plan --json'.",
                Schema.object().string("campaign", "The campaign file.").integer("rounds", "The last round (default 5).")
                        .required("campaign"),
                Schema.object().any("rounds", "The rounds."), false, Tools::plan));
        t.add(new Tool("optimise_status", "A campaign's status",
                "Per stage: trials finished and open, the chosen configuration, and why the campaign stopped, from "
                        + "the stored state: 'reckon optimise status --json'.",
                Schema.object().string("campaign", "The campaign file.")
                        .string("model", "A workload model file, for a campaign run on a simulated cluster.").required("campaign"),
                Schema.object(), false, Tools::status));
        t.add(new Tool("optimise_report", "A campaign's round report",
                "The round report of what has run (objective, experiments, findings, resource fit, failures, the "
                        + "chosen configuration, checkpoints, risks): 'reckon optimise report --json'.",
                Schema.object().string("campaign", "The campaign file.")
                        .string("model", "A workload model file, for a campaign run on a simulated cluster.").required("campaign"),
                Schema.object(), false, Tools::report));
        t.add(new Tool("charter_draft", "Draft a charter",
                "Drafts a charter file from its fields and checks it by the rules of 'reckon charter check' (id new, "
                        + "owner on the roster): the YAML and the problems, each naming the field at fault. Nothing is "
                        + "written unless write is true, which needs a server started with --allow-actions (a charter "
                        + "defends jobs) and writes <charter dir>/<id>.yaml, never over an existing one.",
                Schema.object().string("id", "What jobs name with --comment=charter=ID.")
                        .string("title", "A short title (default: the id).")
                        .string("purpose", "What the effort is for, in one sentence.")
                        .string("owner", "The one person who answers for it.")
                        .strings("members", "Other users whose jobs belong.").strings("accounts", "Slurm accounts it charges.")
                        .strings("match_wckeys", "Jobs with these wckeys belong.")
                        .strings("match_accounts", "Jobs of these accounts belong.")
                        .strings("match_jobs", "USER:GLOB: this user's jobs whose name matches belong.")
                        .string("budget_gpu_hours", "GPU-hours it may consume.").string("budget_cpu_hours", "CPU-hours it may consume.")
                        .string("budget_mem_gb_hours", "GiB-hours of memory (optional).")
                        .string("start", "When it starts (default today).").string("end", "The last day it may run.")
                        .strings("success", "How you will know it worked, e.g. 'val_accuracy >= 0.92' (any one).")
                        .strings("failure", "How you will know it is not working, e.g. 'loss > 2.5 after 50 gpu_hours'.")
                        .string("review_every", "How often it is reviewed (default 14d).")
                        .bool("write", "Write the file (needs --allow-actions); default false: the draft only."),
                Schema.object().bool("written", "Whether the file was written.").string("file", "The file (to be) written.")
                        .any("id", "The charter's id.").array("problems", "Each problem: file, line, field, problem.")
                        .any("yaml", "The charter file's text (null when it has problems).").required("written", "problems"),
                false, (a, c) -> draft(a, c, allowActions)));
        t.add(new Tool("charter_check", "Check charter files",
                "Checks the charter directory's files (or those named) by the rules of 'reckon charter check': each "
                        + "problem with its file, line and field.",
                Schema.object().strings("files", "Charter files (default: all of the directory)."),
                Schema.object().string("dir", "The charter directory.").integer("files", "Files read.")
                        .integer("valid", "Valid charters.").strings("charters", "Their ids.")
                        .array("problems", "Each problem: file, line, field, problem.")
                        .any("roster", "The roster file, when there is one.").required("valid", "problems"),
                false, Tools::check));
        t.add(new Tool("metric", "Record an effort's metrics",
                "Records metrics an effort reports, for its charter's success and failure conditions, as 'reckon "
                        + "metric CHARTER NAME=VALUE...' does; the time is now.",
                Schema.object().string("charter", "The charter's id.")
                        .prop("values", Map.of("type", "object", "additionalProperties", Map.of("type", "number"),
                                "description", "Name to value, e.g. {\"val_accuracy\": 0.93}."))
                        .string("job_id", "The job that reported them (optional).")
                        .string("cluster", "The job's cluster (optional).").required("charter", "values"),
                Schema.object().integer("count", "Metrics recorded.").any("charter", "The charter.")
                        .any("job_id", "The job.").required("count"),
                false, Tools::metric));
        t.add(new Tool("reclaim", "Reclaim undefended running jobs",
                "ACTION. Reviews as 'review' does and acts on the kill list's running jobs: tells the user first (the "
                        + "channels reckon mcp was started with), cancels (scancel) those told at least grace ago and "
                        + "still undefended. Refused unless the server was started with --allow-actions; a dry run "
                        + "(the plan, nothing done) unless apply is true. Every action is audited with this client's name.",
                Schema.object().string("since", "Review window start (default 30d).")
                        .string("grace", "How long after the notice a job may be cancelled (default 2h).")
                        .bool("apply", "Carry the plan out (default false: the plan only)."),
                Schema.object().bool("dry_run", "True when nothing was done.").array("steps", "The plan or what was done.")
                        .required("dry_run", "steps"),
                true, (a, c) -> reclaim(a, c, channels)));
        t.add(new Tool("hold", "Hold undefended pending jobs",
                "ACTION. Reviews as 'review' does and holds (scontrol hold) the kill list's pending jobs, or only the "
                        + "jobs named, so that they do not start; defended jobs are never held, running ones are "
                        + "reclaim's; each job's user is then told (the channels reckon mcp was started with). Refused unless the server was started with --allow-actions; a dry run unless "
                        + "apply is true; every hold is claimed, done once, and audited with this client's name.",
                Schema.object().string("since", "Review window start (default 30d).")
                        .strings("jobs", "Only these jobs (ID or CLUSTER:ID); default every pending undefended job.")
                        .bool("apply", "Carry the plan out (default false: the plan only)."),
                Schema.object().bool("dry_run", "True when nothing was done.").array("steps", "The plan or what was done.")
                        .required("dry_run", "steps"),
                true, (a, c) -> hold(a, c, channels)));
        t.add(new Tool("exits_enforce", "Carry charters' exits out",
                "ACTION. Per charter's on_exit: tells the owner when an exit approaches or falls due; holds its pending "
                        + "jobs, cancels its running ones after grace; closes the charter. Refused unless the server "
                        + "was started with --allow-actions; a dry run unless apply is true; audited with this client's name.",
                Schema.object().string("at", "Evaluate at this moment (default now).")
                        .number("approach_budget", "Approaching from this fraction of any budget used.")
                        .integer("approach_days", "Approaching this many days before the window ends.")
                        .integer("burn_days", "The burn rate's window in days (default 7).")
                        .string("grace", "How long after the owner is told jobs may be cancelled (default 2h).")
                        .bool("apply", "Carry the plan out (default false: the plan only)."),
                Schema.object().bool("dry_run", "True when nothing was done.").array("steps", "The plan or what was done.")
                        .required("dry_run", "steps"),
                true, (a, c) -> enforce(a, c, channels)));
        t.add(new Tool("optimise_submit", "Run a campaign's rounds",
                "ACTION. Runs a campaign's rounds ('reckon optimise run'): on this host's Slurm, trials are submitted "
                        + "(tagged, audited, counted against the charter's budget) only with apply true; with model, "
                        + "on a simulated cluster. Refused unless the server was started with --allow-actions; "
                        + "without apply, the plan only. Runs until its rounds end: give rounds 0 for the smoke round only.",
                Schema.object().string("campaign", "The campaign file.")
                        .string("model", "A workload model file: run on a simulated cluster.")
                        .integer("rounds", "The last round (default 5).")
                        .bool("apply", "Send the trials (default false: the plan only).").required("campaign"),
                Schema.object().bool("dry_run", "True when nothing was sent.").any("report", "The round report.")
                        .required("dry_run", "report"),
                true, Tools::submit));
        return t;
    }

    // ------------------------------------------------------------------------------------------------ reading

    static final int DEFAULT_JOBS = 100;
    static final int MAX_JOBS = 100_000;

    static Answer jobs(Args a, Context ctx) {
        int limit = a.integer("limit", DEFAULT_JOBS);
        if (limit < 1 || limit > MAX_JOBS) throw a.bad("limit", "from 1 to " + MAX_JOBS);
        Records.JobsRequest q = new Records.JobsRequest(a.string("user"), a.string("account"), a.string("partition"),
                a.string("state"), a.time("since", null), a.time("until", null), a.string("cluster"), limit,
                a.string("charter"), a.string("name"));
        ZoneId zone = ctx.zone();
        List<JobView> views = new ArrayList<>();
        Records.Listing listed = new Records(ctx).jobs(q, j -> views.add(JobView.of(j, zone, false)));
        List<String> notes = listed.count() == 0 ? List.of("no jobs match (ledger: " + listed.ledger() + ")")
                : listed.count() == limit ? List.of("the first " + limit + " jobs; give limit for more") : List.of();
        return wrapped("jobs", Json.write(views), notes);
    }

    static Answer job(Args a, Context ctx) {
        String id = a.required("job_id");
        String cluster = a.string("cluster");
        Records.Found f = new Records(ctx).job(new Records.JobRequest(id, cluster));
        if (!f.found())
            throw new NotFound("no job " + id + (cluster == null ? "" : " on cluster " + cluster) + " in the ledger ("
                    + f.ledger() + ")");
        String text = Json.write(f);
        return f.job() != null ? plain(text, List.of()) : wrapped("members", text, List.of());
    }

    static Answer review(Args a, Context ctx) {
        Governance.ReviewRequest q = new Governance.ReviewRequest(a.time("since", "30d"), a.time("until", null),
                a.duration("period", null), a.string("cluster") == null ? null : List.of(a.string("cluster")));
        return shown(new Governance(ctx).review(q), null, JsonVocabulary::review);
    }

    static Answer owners(Args a, Context ctx) {
        return shown(new Governance(ctx).owners(new Governance.OwnersRequest(a.time("since", "30d"),
                a.time("until", null), a.integer("limit", Owners.DEFAULT_LIMIT),
                a.string("cluster") == null ? null : List.of(a.string("cluster")))), null, JsonVocabulary::owners);
    }

    static ExitPlanning.Evaluation evaluation(Args a) {
        return new ExitPlanning.Evaluation(a.time("at", null), a.number("approach_budget"), a.integer("approach_days"),
                a.integer("burn_days", ExitPlanning.Evaluation.DEFAULT_BURN_DAYS));
    }

    static Answer exits(Args a, Context ctx) {
        String view = a.string("view") == null ? "verdicts" : a.string("view");
        ExitPlanning exits = new ExitPlanning(ctx);
        switch (view) {
            case "closed":
                return wrapped("closings", Json.write(JsonVocabulary.closings(exits.closed())), List.of());
            case "calendar":
                return shown(exits.calendar(evaluation(a)), "stops");
            case "verdicts":
                return shown(exits.evaluate(evaluation(a)), "charters", JsonVocabulary::exits);
            default:
                throw a.bad("view", "\"" + view + "\": one of verdicts, calendar, closed");
        }
    }

    static Answer predict(Args a, Context ctx) {
        long memBytes = 0;
        String mem = a.string("mem");
        if (mem != null) {
            try {
                Long m = SlurmSyntax.sizeBytes(mem.strip(), 'M');
                memBytes = m == null ? 0 : m;
            } catch (IllegalArgumentException e) {
                throw a.bad("mem", "\"" + mem + "\" is not a size such as 32G");
            }
        }
        long timeS = a.duration("time", null) == null ? 0 : a.duration("time", null).getSeconds();
        if (!a.has("time")) throw a.bad("time", "is required (a time limit such as 4h)");
        Outcome<Simulation.Prediction> o = new Simulation(ctx).predict(new Simulation.PredictRequest(
                a.integer("nodes", 0), a.integer("cpus", 1), memBytes, a.integer("gpus", 0), timeS, a.string("partition"),
                a.string("policy"), a.path("squeue_output"), a.path("nodes_output"), a.flag("exclusive"),
                a.integer("tasks", 0)));
        return plain(Json.write(predictionJson(o.value(), ctx.zone())), notes(o));
    }

    /** The object 'reckon predict --json' prints, key for key. */
    static ObjectNode predictionJson(Simulation.Prediction r, ZoneId zone) {
        return dev.reckon.report.sim.PredictReport.json(r.now(), r.policy(), r.machine().groups(), r.running(),
                r.pending(), r.predictions(), r.accuracy(), r.cluster(), r.runtimes());
    }

    static Answer place(Args a, Context ctx, boolean allowActions) {
        boolean submit = a.flag("submit"), apply = a.flag("apply");
        if (submit && !allowActions) throw new Refused(REFUSED + " (place with submit: true)");
        Long memBytes = null;
        String mem = a.string("mem");
        if (mem != null) {
            try {
                memBytes = SlurmSyntax.sizeBytes(mem.strip(), 'M');
            } catch (IllegalArgumentException e) {
                throw a.bad("mem", "\"" + mem + "\" is not a size such as 32G");
            }
        }
        Long timeS = a.has("time") ? a.duration("time", null).getSeconds() : null;
        java.time.Instant deadline = null;
        if (a.has("deadline")) {
            java.time.Duration d = dev.reckon.core.Times.duration(a.string("deadline"));
            deadline = d != null ? ctx.now().plus(d) : a.time("deadline", null);
        }
        Outcome<dev.reckon.app.Placement.Result> o = new dev.reckon.app.Placement(ctx).place(
                new dev.reckon.app.Placement.PlaceRequest(a.integer("nodes"), a.has("cpus") ? (long) a.integer("cpus") : null,
                        memBytes, a.has("gpus") ? (long) a.integer("gpus") : null, timeS, a.path("script"),
                        a.string("wrap"), a.path("providers"), a.string("select"), deadline, submit, apply,
                        a.string("key"), a.string("name")));
        return plain(Json.write(placementJson(o.value())), notes(o));
    }

    /** The object 'reckon place --json' prints, key for key. */
    static ObjectNode placementJson(dev.reckon.app.Placement.Result r) {
        return dev.reckon.report.PlaceReport.json(r.now(), r.providersFile(), r.request(), r.select(), r.offers(),
                r.chosen(), r.why(), r.submission());
    }

    static Answer whatIf(Args a, Context ctx) {
        Path trace = a.path("trace");
        if (trace != null && (a.has("since") || a.has("until")))
            throw new BadRequest("whatif: since and until apply to the ledger, not to a trace");
        Simulation.Source src = new Simulation.Source(trace, trace != null ? null : a.time("since", "30d"),
                trace != null ? null : a.time("until", null), a.path("machine"),
                a.string("policy") == null ? "easy" : a.string("policy"));
        Double percent = a.number("add_nodes");
        if (percent != null && (!(percent > -100) || percent > 10_000))
            throw a.bad("add_nodes", percent + " is not a percentage from -100 to 10000");
        List<String> users = a.strings("undefended_users");
        Outcome<Simulation.WhatIfRun> o = new Simulation(ctx).whatIf(new Simulation.WhatIfRequest(src, percent,
                users.isEmpty() ? null : users));
        Simulation.WhatIfRun run = o.value();
        return plain(WhatIfReport.json(run.result(), run.source(), run.machine()), notes(o));
    }

    static Answer rightsize(Args a, Context ctx) {
        return shown(new Rightsizing(ctx).rightsize(new Rightsizing.Request(a.time("since", null), a.time("until", null),
                a.string("user"), a.string("name"), a.string("charter"), a.string("account"), a.string("by"),
                a.number("percentile"))), null, JsonVocabulary::rightsize);
    }

    static Answer baseline(Args a, Context ctx) {
        return shown(new Optimising(ctx).baseline(a.requiredPath("campaign"), a.time("since", null)), null);
    }

    static Answer plan(Args a, Context ctx) throws IOException {
        Outcome<Optimising.RunResult> o = new Optimising(ctx).run(new Optimising.RunRequest(a.requiredPath("campaign"),
                null, false, a.integer("rounds")));
        return plain(Json.write(o.value().report()), notes(o));
    }

    static Answer status(Args a, Context ctx) throws IOException {
        Outcome<Optimising.RunResult> o = new Optimising(ctx).report(a.requiredPath("campaign"), a.path("model"));
        return plain(Json.write(o.value().run()), notes(o));
    }

    static Answer report(Args a, Context ctx) throws IOException {
        Outcome<Optimising.RunResult> o = new Optimising(ctx).report(a.requiredPath("campaign"), a.path("model"));
        return plain(Json.write(o.value().report()), notes(o));
    }

    static Answer check(Args a, Context ctx) {
        List<Path> files = new ArrayList<>();
        for (String f : a.strings("files")) files.add(Path.of(f));
        Outcome<dev.reckon.charter.Charters> o = new Chartering(ctx).check(files);
        dev.reckon.charter.Charters cs = o.value();
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("dir", String.valueOf(cs.dir()));
        out.put("files", cs.files().size());
        out.put("valid", cs.all().size());
        ArrayNode ids = out.putArray("charters");
        cs.all().forEach(c -> ids.add(c.id()));
        List<InputError> problems = new ArrayList<>(cs.errors());
        for (InputError e : o.problems()) if (!problems.contains(e)) problems.add(e);
        out.set("problems", problems(problems));
        if (cs.roster().isPresent()) out.put("roster", String.valueOf(cs.roster().get().file()));
        else out.putNull("roster");
        return plain(Json.write(out), o.notes());
    }

    static ArrayNode problems(List<InputError> problems) {
        ArrayNode arr = Json.mapper().createArrayNode();
        for (InputError e : problems) {
            ObjectNode p = arr.addObject();
            p.put("file", e.file());
            p.put("line", e.line());
            p.put("field", e.field());
            p.put("problem", e.problem());
            p.put("message", e.getMessage());
        }
        return arr;
    }

    static Answer metric(Args a, Context ctx) {
        String charter = a.required("charter");
        Map<String, String> values = a.pairs("values");
        if (values.isEmpty()) throw a.bad("values", "give at least one, e.g. {\"val_accuracy\": 0.93}");
        List<Records.Reading> readings = new ArrayList<>();
        values.forEach((k, v) -> readings.add(new Records.Reading(k, v)));
        Records.Recorded r = new Records(ctx).record(new Records.MetricReport(charter, readings, a.string("job_id"),
                a.string("cluster")));
        return plain(Json.write(r), List.of());
    }

    // ------------------------------------------------------------------------------------------------ drafting

    static Chartering.NewCharter newCharter(Args a) {
        return new Chartering.NewCharter(a.string("id"), a.string("title"), a.string("purpose"), a.string("owner"),
                a.strings("members"), a.strings("accounts"), a.strings("match_wckeys"), a.strings("match_accounts"),
                a.strings("match_jobs"), a.string("budget_gpu_hours"), a.string("budget_cpu_hours"),
                a.string("budget_mem_gb_hours"), a.string("start"), a.string("end"), a.strings("success"),
                a.strings("failure"), a.string("review_every"));
    }

    /**
     * The draft: written for real (write true, actions allowed), or checked by the very same use case in a scratch
     * copy of the charter directory (its charters and roster), so that the id and roster checks are the real ones.
     */
    static Answer draft(Args a, Context ctx, boolean allowWrite) throws IOException {
        boolean write = a.flag("write");
        if (write && !allowWrite) throw new Refused(REFUSED + " (charter_draft with write: true)");
        Chartering.NewCharter n = newCharter(a);
        Path dir = ctx.charterDir();
        if (write) {
            Chartering.Created c = new Chartering(ctx).create(n);
            String yaml = c.written() ? Files.readString(c.file()) : null;
            return draftAnswer(c, c.file(), yaml);
        }
        Path scratch = Files.createTempDirectory("reckon-mcp-draft");
        try {
            if (Files.isDirectory(dir)) {
                try (var files = Files.list(dir)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) Files.copy(f, scratch.resolve(f.getFileName()));
                }
            }
            Chartering.Created c = new Chartering(ctx.withCharters(scratch)).create(n);
            String yaml = c.written() ? Files.readString(c.file()) : null;
            Path target = dir.resolve(c.file().getFileName());
            return draftAnswer(c, target, yaml, scratch, dir);
        } finally {
            try (var files = Files.walk(scratch)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static Answer draftAnswer(Chartering.Created c, Path file, String yaml) {
        return draftAnswer(c, file, yaml, null, null);
    }

    private static Answer draftAnswer(Chartering.Created c, Path file, String yaml, Path scratch, Path dir) {
        boolean dry = scratch != null;
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("written", !dry && c.written());
        out.put("file", String.valueOf(file));
        out.put("id", c.id());
        List<InputError> ps = new ArrayList<>();
        for (InputError e : c.problems()) {
            ps.add(!dry ? e : new InputError(e.file() == null ? null : e.file().replace(scratch.toString(), dir.toString()),
                    e.line(), e.field(), e.problem() == null ? null : e.problem().replace(scratch.toString(), dir.toString())));
        }
        out.set("problems", problems(ps));
        if (yaml == null) out.putNull("yaml");
        else out.put("yaml", yaml);
        List<String> notes = new ArrayList<>();
        if (dry && c.written()) notes.add("a valid draft; nothing was written (write: true writes " + file + ")");
        if (!dry && c.written()) notes.add("wrote " + file + "; jobs join it with --comment=charter=" + c.id());
        return plain(Json.write(out), notes);
    }

    // ------------------------------------------------------------------------------------------------ actions

    static final String REFUSED = "refused: this reckon mcp server only reads; an action needs the server started "
            + "with 'reckon mcp --allow-actions' (and is then a dry run unless the call says apply: true)";

    static Answer reclaim(Args a, Context ctx, dev.reckon.app.Channels channels) {
        boolean apply = a.flag("apply");
        Outcome<List<Reclaim.Step>> o = new Governance(ctx).reclaim(new Governance.ReclaimRequest(a.time("since", "30d"),
                a.duration("grace", "2h"), channels, apply));
        return acted(!apply, "steps", Json.write(JsonVocabulary.steps(o.value())), notes(o));
    }

    static Answer hold(Args a, Context ctx, dev.reckon.app.Channels channels) {
        boolean apply = a.flag("apply");
        Outcome<List<Hold.Step>> o = new Governance(ctx).hold(new Governance.HoldRequest(a.time("since", "30d"),
                a.strings("jobs"), channels, apply));
        return acted(!apply, "steps", Json.write(JsonVocabulary.steps(o.value())), notes(o));
    }

    static Answer enforce(Args a, Context ctx, dev.reckon.app.Channels channels) {
        boolean apply = a.flag("apply");
        Outcome<List<ExitEnforcement.Step>> o = new ExitPlanning(ctx).enforce(new ExitPlanning.EnforceRequest(
                evaluation(a), a.duration("grace", "2h"), channels, apply));
        return acted(!apply, "steps", Json.write(JsonVocabulary.steps(o.value())), notes(o));
    }

    static Answer submit(Args a, Context ctx) throws IOException {
        boolean apply = a.flag("apply");
        Outcome<Optimising.RunResult> o = new Optimising(ctx).run(new Optimising.RunRequest(a.requiredPath("campaign"),
                a.path("model"), apply, a.integer("rounds")));
        return acted(!apply && a.path("model") == null, "report", Json.write(o.value().report()), notes(o));
    }

    // ------------------------------------------------------------------------------------------------ answers

    /** A tool's answer when the call is refused (actions without --allow-actions). */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** Nothing by that name (a job, a charter): an error result, as exit 1 is on the command line. */
    static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message, null, false, false);
        }
    }

    private static List<String> notes(Outcome<?> o) {
        List<String> n = new ArrayList<>();
        for (InputError e : o.problems()) n.add(e.getMessage());
        n.addAll(o.notes());
        return n;
    }

    private static <T> Answer shown(Outcome<T> o, String wrapKey) {
        return shown(o, wrapKey, v -> v);
    }

    /** The outcome's value as its command's --json prints it: through the vocabulary's shaping, {@code shape}. */
    private static <T> Answer shown(Outcome<T> o, String wrapKey, java.util.function.Function<Object, Object> shape) {
        String text = Json.write(shape.apply(o.value()));
        return wrapKey == null ? plain(text, notes(o)) : wrapped(wrapKey, text, notes(o));
    }

    static Answer plain(String text, List<String> notes) {
        return new Answer(text, read(text), notes);
    }

    static Answer wrapped(String key, String text, List<String> notes) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.set(key, read(text));
        return new Answer(text, o, notes);
    }

    private static Answer acted(boolean dryRun, String key, String text, List<String> notes) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("dry_run", dryRun);
        o.set(key, read(text));
        List<String> n = new ArrayList<>(notes);
        if (dryRun) n.add("dry run: nothing was done; apply: true carries it out");
        return new Answer(text, o, n);
    }

    private static JsonNode read(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Map<String, Object> toMap(JsonNode node) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = Json.mapper().convertValue(node, LinkedHashMap.class);
        return m;
    }
}
