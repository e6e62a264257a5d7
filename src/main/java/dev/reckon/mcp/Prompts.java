package dev.reckon.mcp;

import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.List;
import java.util.Map;

/** The prompts: a review of the cluster, an optimisation campaign's plan, a charter's draft. */
final class Prompts {
    private Prompts() {}

    static List<McpServerFeatures.SyncPromptSpecification> all() {
        return List.of(
                new McpServerFeatures.SyncPromptSpecification(new McpSchema.Prompt("review_cluster",
                        "Review this cluster", "Review the cluster's consumption against its charters and say what "
                        + "to do about undefended work.",
                        List.of(new McpSchema.PromptArgument("since", "The window's start (default 30d): 7d, 2026-03-01.", false))),
                        (ex, req) -> review(arg(req.arguments(), "since", "30d"))),
                new McpServerFeatures.SyncPromptSpecification(new McpSchema.Prompt("plan_optimisation_campaign",
                        "Plan an optimisation campaign for this pipeline", "Read a campaign's baseline and round-0 "
                        + "plan and propose how to make the pipeline finish sooner.",
                        List.of(new McpSchema.PromptArgument("campaign", "The campaign file (docs/optimise.md).", true))),
                        (ex, req) -> campaign(arg(req.arguments(), "campaign", null))),
                new McpServerFeatures.SyncPromptSpecification(new McpSchema.Prompt("draft_charter",
                        "Draft a charter for this effort", "Draft a charter (owner, purpose, budget, window, success "
                        + "and failure exits) for an effort and check it.",
                        List.of(new McpSchema.PromptArgument("effort", "What the effort is for, in a sentence.", true),
                                new McpSchema.PromptArgument("owner", "The one person who answers for it.", false),
                                new McpSchema.PromptArgument("budget", "What it may consume, e.g. 200 GPU-hours.", false),
                                new McpSchema.PromptArgument("end", "The last day it may run.", false))),
                        (ex, req) -> charter(req.arguments())));
    }

    private static String arg(Map<String, Object> args, String name, String fallback) {
        Object v = args == null ? null : args.get(name);
        if (v == null || v.toString().isBlank()) {
            if (fallback == null)
                throw io.modelcontextprotocol.spec.McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                        .message("argument " + name + " is required").build();
            return fallback;
        }
        return v.toString().strip();
    }

    private static McpSchema.GetPromptResult user(String description, String text) {
        return new McpSchema.GetPromptResult(description,
                List.of(new McpSchema.PromptMessage(McpSchema.Role.USER, new McpSchema.TextContent(text))));
    }

    static McpSchema.GetPromptResult review(String since) {
        return user("Review this cluster", String.join("\n",
                "Review this batch cluster's consumption since " + since + " with reckon.",
                "1. Call the review tool with since=\"" + since + "\". Report each class's share (defended, habitual, "
                        + "orphaned) of CPU-, GPU- and memory-hours, and every charter over or near its budget.",
                "2. Call the exits tool: which charters approach or are at an exit, and which overrun one.",
                "3. Call the owners tool: owners flagged for holding too many charters, and the heaviest babysitting load.",
                "4. From the review's kill list and undefended signatures: which running jobs hold the most capacity "
                        + "and why nobody defends them; which recurring work deserves a charter (say what "
                        + "charter_draft would need) and which should stop.",
                "End with a short list of decisions for a person to take. Do not call reclaim, exits_enforce or "
                        + "optimise_submit: propose them (as dry runs) and let a person decide."));
    }

    static McpSchema.GetPromptResult campaign(String file) {
        return user("Plan an optimisation campaign for this pipeline", String.join("\n",
                "Plan how to make the pipeline of the campaign file " + file + " finish sooner with reckon.",
                "1. Call optimise_baseline with campaign=\"" + file + "\": per stage, what its past jobs asked and used, "
                        + "their waits and how they ended; name the bottleneck stage and why.",
                "2. Call optimise_plan with the same campaign: what round 0 would send, with each trial's predicted wait.",
                "3. If the campaign has run, call optimise_status and optimise_report.",
                "4. Propose the rounds: which factors to vary per stage (memory, time, CPUs, GPUs, shards), what "
                        + "evidence would settle each, and what it costs against the charter's budget.",
                "Do not call optimise_submit: it sends jobs to the cluster; propose it and let a person decide."));
    }

    static McpSchema.GetPromptResult charter(Map<String, Object> args) {
        String effort = arg(args, "effort", null);
        String owner = arg(args, "owner", "(ask me)");
        String budget = arg(args, "budget", "(ask me)");
        String end = arg(args, "end", "(ask me)");
        return user("Draft a charter for this effort", String.join("\n",
                "Draft a reckon charter for this effort: " + effort,
                "Owner: " + owner + ". Budget: " + budget + ". Last day: " + end + ".",
                "A charter names one owner, a one-sentence purpose, a budget (GPU- and CPU-hours), a window, how "
                        + "success is recognised (e.g. val_accuracy >= 0.92) and how failure is (e.g. loss > 2.5 "
                        + "after 50 gpu_hours), and how often it is reviewed.",
                "1. Ask me for what is missing; do not invent an owner or a budget.",
                "2. Call charter_draft (without write) with the fields, and fix each problem it names until it has none.",
                "3. Show me the YAML and the id jobs must carry (--comment=charter=ID). Write it (write: true) only "
                        + "when I say so."));
    }
}
