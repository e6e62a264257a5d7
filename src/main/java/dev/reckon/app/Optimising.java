package dev.reckon.app;

import dev.reckon.charter.Charters;
import dev.reckon.core.InputError;
import dev.reckon.core.SlurmSyntax;
import dev.reckon.core.Times;
import dev.reckon.optimise.Campaign;
import dev.reckon.optimise.CampaignFile;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Optimisation campaigns: writing a new campaign file, and reading one (format: {@code docs/optimise.md}).
 */
public final class Optimising {
    private final Context ctx;

    public Optimising(Context ctx) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
    }

    // ------------------------------------------------------------------------------------------------ new

    /**
     * A new campaign's fields as a person gives them (texts, checked by the same rules as a campaign file).
     *
     * @param name     the campaign's name
     * @param charter  the id of the charter it charges
     * @param stages   one {@code NAME:WORK:CPUS:MEM:GPUS:TIME} per stage, in pipeline order ({@code prep:400:4:16G:1:2h});
     *                 each stage runs after the one before it
     * @param commands each stage's command template, by stage name (may be empty)
     * @param out      the file to write; null: {@code <name>.campaign.yaml} in the current directory
     */
    public record NewCampaign(String name, String charter, List<String> stages, Map<String, String> commands, Path out) {
        public NewCampaign {
            stages = stages == null ? List.of() : stages.stream().filter(s -> s != null && !s.isBlank()).map(String::strip)
                    .toList();
            commands = commands == null ? Map.of() : Map.copyOf(commands);
        }
    }

    /**
     * What {@link #create} did: the file written, or the problems that kept it from being written (each naming the
     * field at fault: {@code name}, {@code charter}, {@code stages}, {@code stages.<name>.start.cpus}, ...), and notes.
     */
    public record Created(Path file, String name, List<InputError> problems, List<String> notes) {
        public Created {
            problems = List.copyOf(problems);
            notes = List.copyOf(notes);
        }

        public boolean written() {
            return problems.isEmpty();
        }
    }

    /** The form of one {@code --stage}, for messages. */
    public static final String STAGE_FORM = "NAME:WORK:CPUS:MEM:GPUS:TIME";

    /**
     * Writes a new campaign file when its text passes the same check as any campaign file; never overwrites. The
     * stages run one after another; each may vary around its start (CPUs 1 to 4x, memory 1/8 to 4x, time 1/8 to 2x,
     * GPUs down to 0 when it asks for some, shards per job and concurrency 1 to its work): edit the file to narrow them.
     */
    public Created create(NewCampaign n) throws IOException {
        String name = blankToNull(n.name());
        Path target = n.out() != null ? n.out()
                : Path.of((name == null || !CampaignFile.NAME.matcher(name).matches() ? "new" : name) + ".campaign.yaml");
        List<InputError> problems = new ArrayList<>();
        String text = yaml(n, target.toString(), problems);
        if (problems.isEmpty()) problems.addAll(CampaignFile.parse(target.toString(), text).errors());
        if (Files.exists(target)) {
            problems.add(new InputError(target.toString(), 0, "out", "already exists; edit it, or write another file"));
        }
        List<String> notes = new ArrayList<>();
        if (!problems.isEmpty()) return new Created(target, name, problems, notes);
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try {
            Files.writeString(target, text, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new InputError(target.toString(), 0, "out", "already exists; edit it, or write another file");
        }
        charterNote(n.charter().strip()).ifPresent(notes::add);
        return new Created(target, name, List.of(), notes);
    }

    // ------------------------------------------------------------------------------------------------ load

    /**
     * Reads a campaign file; notes say when its charter is not (yet) a valid charter in the charter directory.
     *
     * @throws InputError the file's first problem when it does not read (the message counts the others; {@link #check}
     *                    lists them all)
     */
    public Outcome<Campaign> load(Path file) {
        CampaignFile.Result r = CampaignFile.read(file);
        if (!r.ok()) {
            InputError first = r.errors().get(0);
            int more = r.errors().size() - 1;
            if (more == 0) throw first;
            throw new InputError(first.file(), first.line(), first.field(), first.problem() + " (and " + more
                    + " more problem" + (more == 1 ? "" : "s") + " in the file)");
        }
        return Outcome.of(r.campaign(), List.of(), charterNote(r.campaign().charter()).map(List::of).orElse(List.of()));
    }

    /** Every problem of a campaign file, by line; empty when it is valid. */
    public List<InputError> check(Path file) {
        return CampaignFile.read(file).errors();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private java.util.Optional<String> charterNote(String charter) {
        Charters cs = ctx.loadCharters();
        if (cs.byId(charter).isPresent()) return java.util.Optional.empty();
        return java.util.Optional.of("no valid charter " + charter + " in " + cs.dir() + " yet: the campaign's budget "
                + "comes from it (reckon charter new --id " + charter + ")");
    }

    /** The file text for the fields; problems of the stage specs themselves are added to {@code problems}. */
    private static String yaml(NewCampaign n, String file, List<InputError> problems) {
        StringBuilder b = new StringBuilder();
        b.append("# A campaign for reckon optimise: a staged pipeline to finish sooner. Format: docs/optimise.md\n");
        b.append("# start: how each stage's jobs are submitted today; vary: the bounds the optimiser may move within.\n");
        line(b, "", "name", blankToNull(n.name()));
        line(b, "", "charter", blankToNull(n.charter()));
        b.append("version: 1\n");
        if (n.stages().isEmpty()) {
            problems.add(new InputError(file, 0, "stages", "missing: give each stage as " + STAGE_FORM
                    + " (e.g. preprocessing:400:4:16G:1:2h)"));
            return b.toString();
        }
        b.append("stages:\n");
        String previous = null;
        Map<String, String> commands = new LinkedHashMap<>(n.commands());
        for (String spec : n.stages()) {
            String[] f = spec.split(":", 6);
            if (f.length != 6 || java.util.Arrays.stream(f).anyMatch(String::isBlank)) {
                problems.add(new InputError(file, 0, "stages", "\"" + spec + "\" is not " + STAGE_FORM
                        + " (e.g. preprocessing:400:4:16G:1:2h)"));
                continue;
            }
            String stage = f[0].strip();
            b.append("  - name: ").append(quote(stage)).append('\n');
            b.append("    work: ").append(quote(f[1].strip())).append('\n');
            String cmd = commands.remove(stage);
            if (cmd != null && !cmd.isBlank()) b.append("    command: ").append(quote(cmd.strip())).append('\n');
            b.append("    start: {cpus: ").append(quote(f[2].strip())).append(", mem: ").append(quote(f[3].strip()))
                    .append(", gpus: ").append(quote(f[4].strip())).append(", time: ").append(quote(f[5].strip()));
            Long work = whole(f[1]), cpus = whole(f[2]), gpus = whole(f[4]), mem = size(f[3]);
            Duration time = Times.duration(f[5].strip());
            if (work != null && work >= 1) b.append(", shards_per_job: 1, concurrency: ").append(work);
            b.append("}\n");
            if (work != null && cpus != null && gpus != null && mem != null && time != null && work >= 1 && cpus >= 1
                    && mem >= 1 && time.getSeconds() >= 1) {
                long t = time.getSeconds();
                long memMin = Math.max(1L << 20, (mem / 8) >> 20 << 20);
                b.append("    vary:\n");
                b.append("      cpus: [1, ").append(Math.max(cpus * 4, 2)).append("]\n");
                b.append("      mem: [").append(sizeText(Math.min(memMin, mem))).append(", ").append(sizeText(mem * 4))
                        .append("]\n");
                if (gpus > 0) b.append("      gpus: [0, ").append(gpus).append("]\n");
                b.append("      time: [").append(Times.text(Duration.ofSeconds(Math.min(t, Math.max(60, t / 8 / 60 * 60)))))
                        .append(", ").append(Times.text(Duration.ofSeconds(Math.min(365L * 86_400, Math.max(t, 2 * t)))))
                        .append("]\n");
                b.append("      shards_per_job: [1, ").append(work).append("]\n");
                b.append("      concurrency: [1, ").append(work).append("]\n");
            }
            if (previous != null) b.append("    after: [").append(quote(previous)).append("]\n");
            previous = stage;
        }
        for (String stage : commands.keySet()) {
            problems.add(new InputError(file, 0, "stages." + stage + ".command", "no stage is named " + stage));
        }
        return b.toString();
    }

    private static Long whole(String s) {
        String t = s.strip();
        return t.matches("\\d{1,9}") ? Long.valueOf(t) : null;
    }

    private static Long size(String s) {
        try {
            return SlurmSyntax.sizeBytes(s.strip(), 'M');
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String sizeText(long bytes) {
        String units = "KMGTPE";
        for (int u = units.length(); u >= 1; u--) {
            long unit = 1L << (10 * u);
            if (bytes % unit == 0) return bytes / unit + String.valueOf(units.charAt(u - 1));
        }
        return bytes + "B";
    }

    private static void line(StringBuilder b, String indent, String key, String value) {
        if (value != null) b.append(indent).append(key).append(": ").append(quote(value.strip())).append('\n');
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** A YAML double-quoted scalar with JSON escapes (YAML reads those back). */
    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20 || ch == 0x7f) b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) ch));
                    else b.append(ch);
                }
            }
        }
        return b.append('"').toString();
    }
}
