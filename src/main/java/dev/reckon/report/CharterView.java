package dev.reckon.report;

import dev.reckon.charter.CharterFile;
import dev.reckon.model.Charter;
import dev.reckon.model.Charter.Condition;
import dev.reckon.model.Hours;

import java.time.ZoneId;
import java.util.List;

/**
 * A charter as {@code --json} shows it: every field, windows as the file would write them ({@code 2024-06-30}) and as
 * instants, conditions as text and in parts.
 */
public record CharterView(String id, String title, String purpose, String owner, List<String> members,
                          List<String> accounts, MatchView match, BudgetView budget, WindowView window,
                          List<ConditionView> success, List<ConditionView> failure, String reviewEvery,
                          long reviewEveryS, String status, List<HistoryView> history, List<String> clusters) {

    /** The match rules; {@code comment} is the Slurm comment that always ties a job to the charter. */
    public record MatchView(String comment, List<String> wckeys, List<String> accounts, List<Charter.UserJobs> jobs) {}

    /**
     * The window as instants ({@code from} inclusive, {@code until} exclusive, UTC) and as the file writes it
     * ({@code start}, {@code end}: dates are whole days, the end's included: an end of 2026-11-29 is until
     * 2026-11-30T00:00:00Z).
     */
    public record WindowView(String from, String until, String start, String end) {}

    /** What the budget grants of each resource; null where it grants none (absent, or 0 in the file). */
    public record BudgetView(Double gpuHours, Double cpuHours, Double memGbHours) {
        static BudgetView of(Charter.Budget b) {
            return new BudgetView(Hours.Resource.GPU.budgetOf(b), Hours.Resource.CPU.budgetOf(b),
                    Hours.Resource.MEM.budgetOf(b));
        }
    }

    /** One condition: its text and its parts. */
    public record ConditionView(String text, String metric, String op, double value, Double afterAmount, String afterUnit) {
        static ConditionView of(Condition c) {
            return new ConditionView(c.toString(), c.metric(), c.op().symbol(), c.value(), c.afterAmount(),
                    c.afterUnit() == null ? null : c.afterUnit().word());
        }
    }

    /** One dated status change. */
    public record HistoryView(String date, String status, String note) {}

    public static CharterView of(Charter c, ZoneId zone) {
        Charter.Window w = c.window();
        return new CharterView(c.id(), c.title(), c.purpose(), c.owner(), c.members(), c.accounts(),
                new MatchView("charter=" + c.id(), c.match().wckeys(), c.match().accounts(), c.match().jobs()),
                BudgetView.of(c.budget()),
                new WindowView(JsonVocabulary.instant(w.start()), JsonVocabulary.instant(w.end()),
                        w.start() == null ? null : CharterFile.timeText(w.start(), zone, false),
                        CharterFile.timeText(w.end(), zone, true)),
                c.success().stream().map(ConditionView::of).toList(),
                c.failure().stream().map(ConditionView::of).toList(),
                CharterFile.durationText(c.reviewEvery()), c.reviewEvery().getSeconds(), c.status().word(),
                c.history().stream().map(h -> new HistoryView(String.valueOf(h.date()), h.status().word(), h.note())).toList(),
                c.clusters());
    }
}
