package dev.reckon.app;

import dev.reckon.core.AtomicFiles;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.reckon.act.CharterQos;
import dev.reckon.charter.CharterFile;
import dev.reckon.charter.Charters;
import dev.reckon.core.InputError;
import dev.reckon.core.Json;
import dev.reckon.ledger.Ledger;
import dev.reckon.model.AuditEntry;
import dev.reckon.model.Charter;
import dev.reckon.report.CharterView;
import dev.reckon.source.slurm.SlurmCommands;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import dev.reckon.core.BadRequest;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The charters: reading the directory (for every use case that needs them), checking, listing, showing, writing a new
 * one, and applying one's budget as a Slurm QOS.
 */
public final class Chartering {
    private final Context ctx;

    public Chartering(Context ctx) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
    }

    // ------------------------------------------------------------------------------------------------ load

    /**
     * The charter directory in force, read whole: the valid charters, each problem of the others, and a note when the
     * directory has charter files but none of them is valid (so that no door says it "has none").
     */
    public static Outcome<Charters> load(Context ctx) {
        Charters cs = ctx.loadCharters();
        return Outcome.of(cs, cs.errors(), noneValid(cs).map(List::of).orElse(List.of()));
    }

    /** {@link #load(Context)} for this service's context. */
    public Outcome<Charters> load() {
        return load(ctx);
    }

    /** "3 charter files in DIR, none valid: run reckon charter check", when that is so. */
    static java.util.Optional<String> noneValid(Charters cs) {
        if (cs.files().isEmpty() || !cs.all().isEmpty()) return java.util.Optional.empty();
        int n = cs.files().size();
        return java.util.Optional.of(n + " charter file" + (n == 1 ? "" : "s") + " in " + cs.dir()
                + ", none valid: run reckon charter check");
    }

    /**
     * The valid charters, plus those refused only because their owner is not on the roster: a review still needs
     * them, to call their jobs orphaned for that reason rather than for having no charter.
     */
    public List<Charter> reviewable(Charters cs) {
        return reviewable(cs, ctx.zone());
    }

    /** {@link #reviewable(Charters)}, with dates without offset read in {@code zone}. */
    public static List<Charter> reviewable(Charters cs, ZoneId zone) {
        List<Charter> out = new ArrayList<>(cs.all());
        if (cs.roster().isEmpty()) return out;
        Set<String> ids = new HashSet<>();
        for (Charter c : out) ids.add(c.id());
        for (Path f : cs.files()) {
            CharterFile.Result r = CharterFile.read(f, zone);
            if (r.ok() && r.charter() != null && ids.add(r.charter().id())
                    && !cs.roster().get().contains(r.charter().owner())) out.add(r.charter());
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ check

    /**
     * Checks charter files: all of the directory when {@code files} is empty, else the ones named (with the
     * directory's roster). The problems are the outcome's; the value says how many files were read and are valid.
     */
    public Outcome<Charters> check(List<Path> files) {
        Charters cs = files == null || files.isEmpty() ? ctx.loadCharters()
                : Charters.check(ctx.charterDir(), files, ctx.zone());
        return Outcome.of(cs, cs.errors(), List.of());
    }

    // ------------------------------------------------------------------------------------------------ list

    /** The valid charters, in file-name order; as JSON, each as {@link CharterView}. */
    public record Listing(Path dir, List<Charter> charters, ZoneId zone) {
        @JsonValue
        public List<CharterView> json() {
            return charters.stream().map(c -> CharterView.of(c, zone)).toList();
        }
    }

    /** The valid charters, with the problems of the others and the note when none is valid. */
    public Outcome<Listing> list() {
        Outcome<Charters> o = load();
        Charters cs = o.value();
        return Outcome.of(new Listing(cs.dir(), cs.all(), ctx.zone()), o.problems(), o.notes());
    }

    // ------------------------------------------------------------------------------------------------ show

    /**
     * One charter, or why there is none: {@code charter} null and {@code problems} the problems of the file named
     * after the id (it exists but is invalid), or none at all (no such charter). As JSON, a {@link CharterView}.
     */
    public record Shown(Path dir, String id, Charter charter, List<InputError> problems, ZoneId zone) {
        public Shown {
            problems = List.copyOf(problems);
        }

        public boolean found() {
            return charter != null;
        }

        @JsonValue
        public CharterView json() {
            return charter == null ? null : CharterView.of(charter, zone);
        }
    }

    public Shown show(String id) {
        if (id == null || id.isBlank()) throw new dev.reckon.core.BadRequest("ID: give a charter id");
        Charters cs = ctx.loadCharters();
        Charter c = cs.byId(id).orElse(null);
        List<InputError> own = c != null ? List.of()
                : cs.errors().stream().filter(e -> id.equals(CharterFile.idOfFileName(e.file()))).toList();
        return new Shown(cs.dir(), id, c, own, ctx.zone());
    }

    // ------------------------------------------------------------------------------------------------ new

    /**
     * A new charter's fields, as a person gives them (texts, checked by the same rules as {@code charter check}).
     * Lists may be empty; blank texts count as not given.
     */
    public record NewCharter(String id, String title, String purpose, String owner, List<String> members,
                             List<String> accounts, List<String> matchWckeys, List<String> matchAccounts,
                             List<String> matchJobs, String gpuHours, String cpuHours, String memGbHours, String start,
                             String end, List<String> success, List<String> failure, String reviewEvery,
                             String onExit, boolean force) {
        /** Without {@code on_exit} (notify) and without {@code force}. */
        public NewCharter(String id, String title, String purpose, String owner, List<String> members,
                          List<String> accounts, List<String> matchWckeys, List<String> matchAccounts,
                          List<String> matchJobs, String gpuHours, String cpuHours, String memGbHours, String start,
                          String end, List<String> success, List<String> failure, String reviewEvery) {
            this(id, title, purpose, owner, members, accounts, matchWckeys, matchAccounts, matchJobs, gpuHours, cpuHours,
                    memGbHours, start, end, success, failure, reviewEvery, null, false);
        }

        public NewCharter {
            members = clean(members);
            accounts = clean(accounts);
            matchWckeys = clean(matchWckeys);
            matchAccounts = clean(matchAccounts);
            matchJobs = clean(matchJobs);
            success = clean(success);
            failure = clean(failure);
        }

        private static List<String> clean(List<String> items) {
            if (items == null) return List.of();
            List<String> out = new ArrayList<>();
            for (String s : items) if (s != null && !s.isBlank()) out.add(s.strip());
            return List.copyOf(out);
        }
    }

    /**
     * What {@link #create} did: wrote {@code file} (no problems), or refused, each problem naming the charter field at
     * fault ({@code id}, {@code owner}, {@code budget.gpu_hours}, ...); nothing is written then.
     */
    public record Created(Path file, String id, List<InputError> problems, boolean draft, Path charterDir) {
        public Created {
            problems = List.copyOf(problems);
        }

        public Created(Path file, String id, List<InputError> problems) {
            this(file, id, problems, false, file == null ? null : file.getParent());
        }

        public boolean written() {
            return problems.isEmpty();
        }
    }

    /**
     * Writes a new charter file, {@code <dir>/<id>.yaml}, when it passes the same check as {@code charter check}, its
     * id is new and its owner is on the roster (when there is one). Never overwrites.
     */
    public Created create(NewCharter n) throws IOException {
        Path d = ctx.config().drafts();
        boolean draft = !d.toAbsolutePath().normalize().equals(ctx.charterDir().toAbsolutePath().normalize());
        ZoneId zone = ctx.zone();
        LocalDate today = ctx.now().atZone(zone).toLocalDate();
        String id = blankToNull(n.id());
        Path target = id == null || !Charter.ID.matcher(id).matches() ? d.resolve("new.yaml") : d.resolve(id + ".yaml");
        String text = yaml(n, today);
        List<InputError> problems = new ArrayList<>(CharterFile.parse(target.toString(), text, zone).errors());
        Instant end = blankToNull(n.end()) == null ? null : CharterFile.parseTime(n.end().strip(), zone, true);
        if (end != null && !n.force() && !end.isAfter(ctx.now())) {
            // an end in the past would write an active charter that is already over: its jobs habitual from the start
            problems.removeIf(e -> "window.end".equals(e.field()));
            problems.add(new InputError(target.toString(), 0, "window.end", "\"" + n.end().strip() + "\" is in the "
                    + "past (today is " + today + "): the charter would be over the moment it is written; give a later "
                    + "end, or --force (with --start) to record an effort that has already ended"));
        }
        if (id != null && (Files.exists(d.resolve(id + ".yaml")) || Files.exists(d.resolve(id + ".yml")))) {
            problems.add(new InputError(target.toString(), 0, "id", "a charter " + id + " already exists in " + d
                    + "; edit it, or choose another id"));
        } else if (id != null && draft && ctx.loadCharters().byId(id).isPresent()) {
            problems.add(new InputError(target.toString(), 0, "id", "a charter " + id + " is already active in "
                    + ctx.charterDir() + "; choose another id"));
        }
        if (problems.isEmpty()) {
            Charters existing = ctx.loadCharters();
            String o = n.owner();
            if (existing.roster().isPresent() && !existing.roster().get().contains(o.strip())) {
                problems.add(new InputError(target.toString(), 0, "owner", "\"" + o + "\" is not on the roster ("
                        + existing.roster().get().file() + "); only people on it can own charters"));
            }
        }
        if (!problems.isEmpty()) return new Created(target, id, problems, draft, ctx.charterDir());
        Files.createDirectories(d);
        try {
            AtomicFiles.create(target, text);
        } catch (FileAlreadyExistsException e) {
            throw new InputError(target.toString(), 0, "id", "already exists; edit it, or choose another id");
        }
        return new Created(target, CharterFile.idOfFileName(target.toString()), List.of(), draft, ctx.charterDir());
    }

    /** The file text for the fields, in the format's order; its check decides whether it is written. */
    private static String yaml(NewCharter n, LocalDate today) {
        String id = blankToNull(n.id());
        StringBuilder b = new StringBuilder();
        b.append("# A charter: what this effort is for, who answers for it, and how everyone will know it worked.\n");
        b.append("# Format: docs/charters.md. Check after editing: reckon charter check\n");
        line(b, "id", id);
        line(b, "title", blankToNull(n.title()) != null ? n.title().strip() : id);
        line(b, "purpose", blankToNull(n.purpose()));
        line(b, "owner", blankToNull(n.owner()));
        list(b, "members", n.members());
        list(b, "accounts", n.accounts());
        if (!n.matchWckeys().isEmpty() || !n.matchAccounts().isEmpty() || !n.matchJobs().isEmpty()) {
            b.append("match:\n");
            if (!n.matchWckeys().isEmpty()) b.append("  wckeys: ").append(flow(n.matchWckeys())).append('\n');
            if (!n.matchAccounts().isEmpty()) b.append("  accounts: ").append(flow(n.matchAccounts())).append('\n');
            if (!n.matchJobs().isEmpty()) {
                b.append("  jobs:\n");
                for (String j : n.matchJobs()) {
                    int colon = j.indexOf(':');
                    String user = colon < 0 ? j : j.substring(0, colon);
                    String glob = colon < 0 ? "*" : j.substring(colon + 1);
                    b.append("    - {user: ").append(quote(user)).append(", name: ").append(quote(glob)).append("}\n");
                }
            }
        }
        Map<String, String> budget = new LinkedHashMap<>();
        if (blankToNull(n.gpuHours()) != null) budget.put("gpu_hours", n.gpuHours().strip());
        if (blankToNull(n.cpuHours()) != null) budget.put("cpu_hours", n.cpuHours().strip());
        if (blankToNull(n.memGbHours()) != null) budget.put("mem_gb_hours", n.memGbHours().strip());
        if (!budget.isEmpty()) {
            b.append("budget:\n");
            budget.forEach((k, v) -> b.append("  ").append(k).append(": ").append(quote(v)).append('\n'));
        }
        if (blankToNull(n.end()) != null) {
            b.append("window:\n");
            b.append("  start: ").append(quote(blankToNull(n.start()) == null ? today.toString() : n.start().strip()))
                    .append('\n');
            b.append("  end: ").append(quote(n.end().strip())).append('\n');
        }
        conditions(b, "success", n.success());
        conditions(b, "failure", n.failure());
        if (blankToNull(n.onExit()) != null) b.append("on_exit: ").append(quote(n.onExit().strip())).append('\n');
        b.append("review_every: ").append(quote(blankToNull(n.reviewEvery()) == null ? "14d" : n.reviewEvery().strip()))
                .append('\n');
        b.append("status: active\n");
        b.append("history:\n  - {date: ").append(today).append(", status: active, note: chartered}\n");
        return b.toString();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static void line(StringBuilder b, String key, String value) {
        if (value != null) b.append(key).append(": ").append(quote(value)).append('\n');
    }

    private static void list(StringBuilder b, String key, List<String> items) {
        if (!items.isEmpty()) b.append(key).append(": ").append(flow(items)).append('\n');
    }

    private static void conditions(StringBuilder b, String key, List<String> items) {
        if (items.isEmpty()) return;
        b.append(key).append(":\n");
        for (String s : items) b.append("  - ").append(quote(s)).append('\n');
    }

    private static String flow(List<String> items) {
        StringBuilder b = new StringBuilder("[");
        for (String s : items) b.append(b.length() == 1 ? "" : ", ").append(quote(s));
        return b.append(']').toString();
    }

    /** Plain when it is a simple word, number, date or condition; else double-quoted (JSON escapes YAML reads). */
    private static String quote(String s) {
        if (s.matches("[A-Za-z0-9_][A-Za-z0-9_.@+-]*")
                || s.matches("[A-Za-z_][A-Za-z0-9_.:/-]* *[<>=!]=? *[0-9.eE+-]+( +after +[0-9.]+ +[a-z_]+)?")) {
            return s;
        }
        return Json.write(s);
    }

    // ------------------------------------------------------------------------------------------------ proposals

    /** The audit actions of a proposal's fate. */
    public static final String APPROVE_ACTION = "charter-approve", REJECT_ACTION = "charter-reject",
            PROPOSE_ACTION = "charter-propose";
    private static final String HEADER = "# reckon proposal: ";

    /**
     * A charter proposed for the site's charter directory.
     *
     * @param id         the proposal's id ({@code <charter>.<proposer>}), its file name without {@code .yaml}
     * @param charterId  the id the charter file gives (null when it does not read)
     * @param proposer   who proposed it: the file's owner (the name in the header when the owner cannot be read)
     * @param proposedAt when (the header's time, else the file's)
     * @param from       the draft it was proposed from
     * @param charter    the charter, when it reads; null otherwise
     * @param problems   why it would not be approved as it stands (it does not read, the id is taken, ...)
     */
    public record Proposal(String id, String charterId, String proposer, Instant proposedAt, String from, Path file,
                           @com.fasterxml.jackson.annotation.JsonIgnore Charter charter, List<String> problems) {
        public Proposal {
            problems = List.copyOf(problems);
        }

        public String title() {
            return charter == null ? null : charter.title();
        }

        public String owner() {
            return charter == null ? null : charter.owner();
        }

        public String purpose() {
            return charter == null ? null : charter.purpose();
        }
    }

    /**
     * Proposes a draft (a file, or the id of one in the drafts directory) for the site: checks it as {@code charter
     * check} does, then writes it into the proposals spool as {@code <charter>.<user>.yaml} (a second proposal of the
     * same charter by the same user replaces the first). Refused with {@link InputError}s when the draft does not read
     * or its id is already active; {@link BadRequest} when there is no site proposals directory.
     */
    public Proposal propose(String fileOrId) throws IOException {
        if (fileOrId == null || fileOrId.isBlank()) throw new BadRequest("FILE|ID: give a draft file or its id");
        Path draft = Path.of(fileOrId);
        if (!Files.isRegularFile(draft) && Charter.ID.matcher(fileOrId).matches()) {
            Path d = ctx.config().drafts();
            draft = Files.isRegularFile(d.resolve(fileOrId + ".yml")) ? d.resolve(fileOrId + ".yml") : d.resolve(fileOrId + ".yaml");
        }
        if (!Files.isRegularFile(draft))
            throw new BadRequest("FILE|ID: no draft " + fileOrId + " (neither a file nor " + draft + ")");
        CharterFile.Result r = CharterFile.read(draft, ctx.zone());
        if (!r.ok()) throw r.errors().get(0);
        Charter c = r.charter();
        Charters active = ctx.loadCharters();
        if (active.byId(c.id()).isPresent())
            throw new InputError(draft.toString(), r.lineOf("id"), "id", "a charter " + c.id() + " is already active in "
                    + active.dir() + "; choose another id (an active charter is changed by an administrator)");
        if (active.roster().isPresent() && !active.roster().get().contains(c.owner()))
            throw new InputError(draft.toString(), r.lineOf("owner"), "owner", "\"" + c.owner() + "\" is not on the roster ("
                    + active.roster().get().file() + "); only people on it can own charters");
        Path spool = ctx.site().proposals();
        if (!Files.isDirectory(spool))
            throw new BadRequest("no proposals directory " + spool + ": the site has none yet (an administrator creates "
                    + "it, see docs/site.md), or set 'proposals' in the site config");
        String user = ctx.actor();
        String pid = c.id() + "." + user;
        if (!Charter.ID.matcher(user).matches()) throw new BadRequest("user name \"" + user + "\" cannot name a proposal");
        Path target = spool.resolve(pid + ".yaml");
        String text = Files.readString(draft);
        String header = HEADER + "by " + user + " at " + ctx.now() + " from " + draft.toAbsolutePath() + "\n";
        try {
            AtomicFiles.write(target, header + text);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IOException("cannot write the proposal into " + spool + ": permission denied (the spool must be "
                    + "world-writable with the sticky bit, or writable by your group: see docs/site.md)", e);
        }
        dev.reckon.core.AtomicFiles.readableByAll(target);
        return proposal(target);
    }

    /** The proposals waiting in the site's spool, oldest first. */
    public Outcome<List<Proposal>> proposals() throws IOException {
        Path spool = ctx.site().proposals();
        if (!Files.isDirectory(spool)) return Outcome.of(List.of(), List.of(), List.of("no proposals directory " + spool));
        List<Proposal> out = new ArrayList<>();
        try (var files = Files.list(spool)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".yaml")
                    && !f.getFileName().toString().startsWith(".")).sorted().toList()) {
                out.add(proposal(f));
            }
        }
        out.sort(java.util.Comparator.comparing(Proposal::proposedAt).thenComparing(Proposal::id));
        return Outcome.of(out, List.of(), out.isEmpty() ? List.of("no proposals in " + spool) : List.of());
    }

    /** One proposal as it reads now: its charter, its proposer, and what would stop its approval. */
    private Proposal proposal(Path f) throws IOException {
        String name = f.getFileName().toString();
        String id = name.substring(0, name.length() - ".yaml".length());
        String text = Files.readString(f);
        String proposer = null, from = null;
        Instant at = Files.getLastModifiedTime(f).toInstant();
        if (text.startsWith(HEADER)) {
            String h = text.substring(HEADER.length(), text.indexOf('\n') < 0 ? text.length() : text.indexOf('\n'));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("by (\\S+) at (\\S+) from (.*)").matcher(h);
            if (m.matches()) {
                proposer = m.group(1);
                try {
                    at = Instant.parse(m.group(2));
                } catch (java.time.format.DateTimeParseException ignored) {
                    // the file's time serves
                }
                from = m.group(3);
            }
        }
        try {
            String owner = Files.getOwner(f).getName();
            if (proposer == null || !proposer.equals(owner)) proposer = owner;
        } catch (IOException | UnsupportedOperationException noOwner) {
            // the file system keeps no owner here: the header's name serves
        }
        List<String> problems = new ArrayList<>();
        // read as the file it becomes: <charter>.yaml (the proposal's name adds the proposer)
        String as = f.resolveSibling(id.lastIndexOf('.') > 0 ? id.substring(0, id.lastIndexOf('.')) + ".yaml" : name).toString();
        CharterFile.Result r = CharterFile.parse(as, text, ctx.zone());
        Charter c = r.ok() ? r.charter() : null;
        for (InputError e : r.errors()) problems.add(e.getMessage().replace(as, f.toString()));
        if (c != null && ctx.loadCharters().byId(c.id()).isPresent())
            problems.add("a charter " + c.id() + " is already active in " + ctx.charterDir());
        return new Proposal(id, c == null ? null : c.id(), proposer, at, from, f, c, problems);
    }

    /** What approving or rejecting did: the proposal, and where its charter now is (approved) or why (rejected). */
    public record Decided(Proposal proposal, String decision, Path charterFile, String reason, String actor) {}

    /**
     * Approves a proposal (an administrator: write access to the site charter directory): the charter moves into the
     * charter directory in force with a history entry (who approved it, when, from which proposal and proposer), the
     * approval goes into the audit log, and the proposal leaves the spool. Refused with {@link InputError} when the
     * proposal does not read or its id is already active; {@link BadRequest} when there is no such proposal or the
     * charter directory is not writable.
     */
    public Decided approve(String proposalId) throws IOException {
        Proposal p = find(proposalId);
        if (!p.problems().isEmpty())
            throw new InputError(p.file().toString(), 0, null, "not approved: " + String.join("; ", p.problems()));
        Path dir = ctx.charterDir();
        if (!Files.isDirectory(dir) || !Files.isWritable(dir))
            throw new BadRequest("cannot approve as " + ctx.actor() + ": " + dir + (Files.isDirectory(dir)
                    ? " is not writable by you (approving is for the site's administrators)" : " does not exist"));
        String text = Files.readString(p.file());
        if (text.startsWith(HEADER)) text = text.substring(text.indexOf('\n') + 1);
        LocalDate today = ctx.now().atZone(ctx.zone()).toLocalDate();
        String note = "approved by " + ctx.actor() + " from proposal " + p.id() + " (proposed by " + p.proposer()
                + " on " + p.proposedAt() + ")";
        Path target = dir.resolve(p.charterId() + ".yaml");
        String out = CharterFile.withStatus(target.toString(), text, Charter.Status.ACTIVE,
                new Charter.StatusChange(today, Charter.Status.ACTIVE, note), ctx.zone());
        try (Ledger ledger = ctx.openLedger()) {
            try {
                AtomicFiles.create(target, out);
            } catch (FileAlreadyExistsException e) {
                throw new InputError(target.toString(), 0, "id", "a charter " + p.charterId() + " already exists; not approved");
            }
            dev.reckon.core.AtomicFiles.readableByAll(target);
            ledger.audit(new AuditEntry(ctx.now(), ctx.actor(), APPROVE_ACTION, "-", null, p.charterId(), true,
                    note + "; written to " + target));
        }
        Files.deleteIfExists(p.file());
        return new Decided(p, "approved", target, note, ctx.actor());
    }

    /** Rejects a proposal with a reason: it leaves the spool, and the reason goes into the audit log. */
    public Decided reject(String proposalId, String reason) throws IOException {
        if (reason == null || reason.isBlank()) throw new BadRequest("--reason: say why, for the proposer");
        Proposal p = find(proposalId);
        try (Ledger ledger = ctx.openLedger()) {
            try {
                Files.delete(p.file());
            } catch (java.nio.file.AccessDeniedException e) {
                throw new BadRequest("cannot reject as " + ctx.actor() + ": " + p.file() + " cannot be removed by you "
                        + "(rejecting is for the site's administrators)");
            }
            ledger.audit(new AuditEntry(ctx.now(), ctx.actor(), REJECT_ACTION, "-", null,
                    p.charterId() == null ? p.id() : p.charterId(), true, "rejected proposal " + p.id() + " by "
                    + p.proposer() + ": " + reason.strip()));
        }
        return new Decided(p, "rejected", null, reason.strip(), ctx.actor());
    }

    private Proposal find(String proposalId) throws IOException {
        if (proposalId == null || !Charter.ID.matcher(proposalId).matches())
            throw new BadRequest("ID: give a proposal's id (reckon charter proposals lists them)");
        Path f = ctx.site().proposals().resolve(proposalId + ".yaml");
        if (!Files.isRegularFile(f))
            throw new BadRequest("ID: no proposal " + proposalId + " in " + ctx.site().proposals()
                    + " (reckon charter proposals lists them)");
        return proposal(f);
    }


    // ------------------------------------------------------------------------------------------------ apply

    /** {@code charter apply}: the charter's id, and whether only to say what would be run. */
    public record ApplyRequest(String id, boolean dryRun) {}

    /**
     * What {@code charter apply} did or would do. {@code charter} null: no valid charter of that id (the outcome's
     * problems say what is wrong with the directory). {@code refused}: why the charter cannot be a QOS (nothing run).
     * Otherwise the QOS, its limits, and the sacctmgr commands run (or, on a dry run, that would be run).
     */
    public record Applied(String id, Path dir, Charter charter, String refused, boolean dryRun, String qos,
                          String limits, List<List<String>> commands) {
        public Applied {
            commands = commands == null ? List.of() : List.copyOf(commands);
        }

        public boolean done() {
            return charter != null && refused == null;
        }
    }

    /** {@link #apply(ApplyRequest, Consumer)} without word of each command as it runs. */
    public Outcome<Applied> apply(ApplyRequest r) {
        return apply(r, cmd -> {});
    }

    /**
     * Creates or updates the charter's QOS in Slurm (GrpTRESMins its budget, Flags=NoDecay) and ties it to the
     * associations of its people; each sacctmgr command is written to the audit log. {@code each} hears of every
     * command just before it runs (on a dry run: instead of running). The plan's notes are the outcome's notes.
     */
    public Outcome<Applied> apply(ApplyRequest r, Consumer<List<String>> each) {
        if (r.id() == null || r.id().isBlank()) throw new dev.reckon.core.BadRequest("ID: give a charter id");
        Outcome<Charters> loaded = load();
        Charters cs = loaded.value();
        Charter c = cs.byId(r.id()).orElse(null);
        if (c == null) {
            return Outcome.of(new Applied(r.id(), cs.dir(), null, null, r.dryRun(), null, null, List.of()),
                    loaded.problems(), loaded.notes());
        }
        SlurmCommands slurm = new SlurmCommands(SlurmCommands.DEFAULT_TIMEOUT, ctx.zone());
        String cluster = slurm.clusterName();
        String qos = CharterQos.qosName(c);
        String description = null;
        for (String line : slurm.run("sacctmgr", "-n", "-P", "list", "qos", qos, "format=name,description").lines().toList()) {
            String[] f = line.split("\\|", -1);
            if (f.length >= 2 && f[0].equals(qos)) description = f[1];
        }
        Map<String, String> assocs = new LinkedHashMap<>();
        for (String line : slurm.run("sacctmgr", "-n", "-P", "list", "assoc", "cluster=" + cluster,
                "format=user,account,qos").lines().toList()) {
            String[] f = line.split("\\|", -1);
            if (f.length >= 3 && !f[0].isEmpty()) assocs.put(f[0] + "|" + f[1], f[2]);
        }
        CharterQos.Plan plan;
        try {
            plan = CharterQos.plan(c, cluster, new CharterQos.Current(description, assocs));
        } catch (CharterQos.Refused e) {
            return Outcome.of(new Applied(r.id(), cs.dir(), c, e.getMessage(), r.dryRun(), qos, null, List.of()));
        }
        List<String> notes = plan.notes().stream().map(n -> "charter apply: note: " + n).toList();
        try (Ledger ledger = r.dryRun() ? null : ctx.openLedger()) {
            for (List<String> cmd : plan.commands()) {
                each.accept(cmd);
                if (r.dryRun()) continue;
                slurm.run(cmd.get(0), cmd.subList(1, cmd.size()).toArray(String[]::new));
                ledger.audit(new AuditEntry(ctx.now(), ctx.actor(), "qos", cluster, null, c.id(), true,
                        String.join(" ", cmd)));
            }
        }
        return Outcome.of(new Applied(r.id(), cs.dir(), c, null, r.dryRun(), plan.qos(), plan.limits(),
                plan.commands()), List.of(), notes);
    }
}
