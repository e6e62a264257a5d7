package dev.reckon.act;

import dev.reckon.core.AtomicFiles;
import dev.reckon.model.Charter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admission gate: a Slurm {@code job_submit.lua} that refuses (or warns about) a submission naming no charter
 * ({@code --comment=charter=<id>} or {@code --wckey=<id>}), or naming one that is unknown or not active now.
 *
 * <p>Three files in the directory of {@code slurm.conf}: {@value #MODULE}, the check itself (a Lua module a site's
 * own {@code job_submit.lua} can call too); {@value #SCRIPT}, a thin hook calling it; and {@value #LIST}, the
 * charters as the last {@link #sync} saw them, read by the check on every submission (so a sync needs no reload).
 * Every file is written whole to a temporary name and moved into place, so slurmctld never reads half a file.
 *
 * <p>slurmctld reloads {@code job_submit.lua} when its modification time is later than its last load, compared in
 * whole seconds (the file's time or the load's); the hook and the module are therefore stamped a second after both
 * now and the file they replace, so that a gate written in the same second as the last load takes effect at the next
 * submission.
 */
public final class Gate {
    /** The hook slurmctld loads (its job_submit/lua plugin reads exactly this name beside slurm.conf). */
    public static final String SCRIPT = "job_submit.lua";
    /** The check, as a Lua module. */
    public static final String MODULE = "reckon_gate.lua";
    /** The charters the check reads. */
    public static final String LIST = "reckon_charters.txt";
    /** Where a site's own hook is kept while the gate replaces it. */
    public static final String BACKUP = "job_submit.lua.before-reckon";

    /** The first line of every file the gate writes: how it recognises its own. */
    static final String MARK = "-- Written by reckon gate";
    private static final Pattern PLUGINS = Pattern.compile("(?im)^\\s*JobSubmitPlugins\\s*=\\s*(\\S+)");

    private Gate() {}

    /** What the gate does with a submission it would not admit. */
    public enum Mode {
        /** refuse it, with the message */
        REJECT,
        /** admit it, showing the message */
        WARN;

        /** The lower-case word used on the command line and in the script. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One file the gate writes or removes.
     *
     * @param path    the file
     * @param content its new text; null to remove it
     * @param why     one line for the user
     */
    public record Change(Path path, String content, String why) {}

    /**
     * What an install, sync or uninstall does.
     *
     * @param changes  the files written or removed, in order
     * @param warnings what the administrator still has to do, or should know
     */
    public record Plan(List<Change> changes, List<String> warnings) {
        public Plan {
            changes = List.copyOf(changes);
            warnings = List.copyOf(warnings);
        }
    }

    /** Refused: the plan would destroy or ignore something of the site's. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    /**
     * The plan to install the gate in {@code dir}. A hook there that the gate did not write is kept unless
     * {@code replace} (then it is saved as {@value #BACKUP} and restored by {@link #uninstall}).
     *
     * @param exemptUids submitters the gate never stops (e.g. 0 for root), may be empty
     */
    public static Plan install(Path dir, Mode mode, Collection<Integer> exemptUids, Collection<Charter> charters,
                               Instant now, boolean replace) {
        requireDir(dir);
        List<Change> changes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Path script = dir.resolve(SCRIPT);
        Optional<String> existing = read(script);
        if (existing.isPresent() && !ours(existing.get())) {
            if (!replace)
                throw new Refused(script + " is the site's own hook, not the gate's. Either call the gate from it "
                        + "(install with --module-only, then add to its slurm_job_submit: local rc = "
                        + "dofile(\"" + dir.resolve(MODULE) + "\").check(job_desc, submit_uid); if rc ~= slurm.SUCCESS "
                        + "then return rc end), or replace it with --replace (it is kept as " + BACKUP
                        + " and put back by 'reckon gate uninstall').");
            changes.add(new Change(dir.resolve(BACKUP), existing.get(), "keep the site's own hook"));
        }
        changes.add(new Change(dir.resolve(LIST), list(charters, now), "the charters the gate admits"));
        changes.add(new Change(dir.resolve(MODULE), module(mode, dir.resolve(LIST), exemptUids),
                "the check (" + mode.word() + " jobs that name no active charter)"));
        changes.add(new Change(script, hook(dir.resolve(MODULE)), "the hook slurmctld calls"));
        pluginWarning(dir).ifPresent(warnings::add);
        return new Plan(changes, warnings);
    }

    /** The plan to install only the module and the list, for a site that calls the check from its own hook. */
    public static Plan installModule(Path dir, Mode mode, Collection<Integer> exemptUids, Collection<Charter> charters,
                                     Instant now) {
        requireDir(dir);
        List<String> warnings = new ArrayList<>();
        warnings.add("the check runs only where a job_submit.lua calls it: local rc = dofile(\"" + dir.resolve(MODULE)
                + "\").check(job_desc, submit_uid); if rc ~= slurm.SUCCESS then return rc end");
        pluginWarning(dir).ifPresent(warnings::add);
        return new Plan(List.of(
                new Change(dir.resolve(LIST), list(charters, now), "the charters the gate admits"),
                new Change(dir.resolve(MODULE), module(mode, dir.resolve(LIST), exemptUids),
                        "the check (" + mode.word() + " jobs that name no active charter)")), warnings);
    }

    /** The plan to refresh the charter list the installed gate reads. */
    public static Plan sync(Path dir, Collection<Charter> charters, Instant now) {
        requireDir(dir);
        if (!Files.exists(dir.resolve(MODULE)))
            throw new Refused("no gate is installed in " + dir + " (no " + MODULE + "): run 'reckon gate install' first");
        return new Plan(List.of(new Change(dir.resolve(LIST), list(charters, now), "the charters the gate admits")),
                List.of());
    }

    /**
     * The plan to take the gate out: the site's own hook comes back when one was kept; otherwise the hook becomes one
     * that admits every job (slurmctld keeps the last script it loaded when the file disappears, so removing it would
     * leave the gate running).
     */
    public static Plan uninstall(Path dir) {
        requireDir(dir);
        Path script = dir.resolve(SCRIPT);
        Optional<String> existing = read(script);
        List<Change> changes = new ArrayList<>();
        if (existing.isPresent() && !ours(existing.get()))
            throw new Refused(script + " is not the gate's hook; nothing of it to take out (the module and the list, "
                    + "if any, are left for that hook)");
        Optional<String> backup = read(dir.resolve(BACKUP));
        if (backup.isPresent()) {
            changes.add(new Change(script, backup.get(), "the site's own hook, back"));
            changes.add(new Change(dir.resolve(BACKUP), null, "no longer needed"));
        } else if (existing.isPresent()) {
            changes.add(new Change(script, admitAll(), "a hook that admits every job"));
        }
        if (Files.exists(dir.resolve(MODULE))) changes.add(new Change(dir.resolve(MODULE), null, "the check"));
        if (Files.exists(dir.resolve(LIST))) changes.add(new Change(dir.resolve(LIST), null, "the charter list"));
        return new Plan(changes, List.of());
    }

    /** Carries out a plan: writes each file whole, then moves it into place; Lua files are stamped to be reloaded. */
    public static void apply(Plan plan) throws IOException {
        for (Change c : plan.changes()) {
            if (c.content() == null) {
                Files.deleteIfExists(c.path());
                continue;
            }
            boolean lua = c.path().getFileName().toString().endsWith(".lua");
            AtomicFiles.write(c.path(), c.content(), lua ? stamp(c.path()) : null);
        }
    }

    /**
     * A modification time slurmctld sees as newer than whatever it loaded: it remembers a script's time in whole
     * seconds (that of the file, or of the load) and reloads only a file stamped later than that.
     */
    private static FileTime stamp(Path replaced) throws IOException {
        long now = Instant.now().getEpochSecond();
        long before = Files.exists(replaced) ? Files.getLastModifiedTime(replaced).toInstant().getEpochSecond() : now;
        return FileTime.from(Instant.ofEpochSecond(Math.max(now, before) + 1));
    }

    /**
     * The charter list: one line per charter (id, status, window start and end in epoch seconds, owner), and one line
     * per extra wckey a charter's match rules name, pointing at the charter. The gate decides "active" itself, at
     * each submission, from status and window: a charter whose window closes between two syncs is refused on time.
     */
    static String list(Collection<Charter> charters, Instant now) {
        StringBuilder b = new StringBuilder();
        b.append("# Written by reckon gate sync at ").append(now).append(": the charters the admission gate knows.\n");
        b.append("# id\tstatus\twindow_start\twindow_end\towner (epoch seconds; 'alias' lines: wckey -> charter)\n");
        SortedSet<String> aliases = new TreeSet<>();
        for (Charter c : charters.stream().sorted(java.util.Comparator.comparing(Charter::id)).toList()) {
            b.append(c.id()).append('\t').append(c.status().word()).append('\t')
                    .append(c.window() == null || c.window().start() == null ? "0" : c.window().start().getEpochSecond()).append('\t')
                    .append(c.window() == null || c.window().end() == null ? "0" : c.window().end().getEpochSecond()).append('\t')
                    .append(clean(c.owner())).append('\n');
            for (String w : c.match().wckeys())
                if (!w.equals(c.id()) && Charter.ID.matcher(w).matches()) aliases.add("alias\t" + w + "\t" + c.id());
        }
        aliases.forEach(a -> b.append(a).append('\n'));
        return b.toString();
    }

    private static String clean(String s) {
        return s == null ? "" : s.replaceAll("[\\t\\n\\r]", " ");
    }

    /** The check, as a Lua 5.1 module; it reads the list at each submission. */
    static String module(Mode mode, Path list, Collection<Integer> exemptUids) {
        StringBuilder exempt = new StringBuilder();
        for (Integer uid : new TreeSet<>(exemptUids)) exempt.append("[").append(uid).append("] = true, ");
        String template = """
                %1$s (%2$s mode): the charter admission check. Do not edit; 'reckon gate install' rewrites it.
                -- Every job runs for a written charter: it must name an active one with --comment=charter=<id> or
                -- --wckey=<id>. The list of charters is %3$s, refreshed by 'reckon gate sync'.
                local M = {}
                local MODE = %4$s
                local LIST = %3$s
                local EXEMPT = { %5$s}
                local HOWTO = "Every job on this cluster runs for a written charter: submit with --comment=charter=<id> "
                  .. "(or --wckey=<id>) naming an active one; 'reckon charter list' shows them. No charter yet? "
                  .. "'reckon charter new' writes one: what the effort is for in one sentence, its one owner, a budget, "
                  .. "an end date, and how you will know it worked or failed; at a site it is a draft until "
                  .. "'reckon charter propose <id>' and an administrator's approval. A new charter is admitted once "
                  .. "'reckon gate sync' has run."

                local function charters()
                  local f = io.open(LIST, "r")
                  if not f then return nil end
                  local known, alias = {}, {}
                  for line in f:lines() do
                    local a, target = line:match("^alias\\t([^\\t]+)\\t([^\\t]+)")
                    if a then
                      alias[a] = target
                    else
                      local id, status, s, e, owner = line:match("^([^#\\t][^\\t]*)\\t([^\\t]+)\\t(%%-?%%d+)\\t(%%-?%%d+)\\t?([^\\t]*)")
                      if id then known[id] = { status = status, start = tonumber(s), stop = tonumber(e), owner = owner } end
                    end
                  end
                  f:close()
                  return known, alias
                end

                local function named(job_desc)
                  local comment = job_desc.comment
                  if comment ~= nil and comment ~= "" then
                    local id = (" " .. comment):match("[^%%w%%._%%-]charter=([%%w][%%w%%._%%-]*)")
                    if id then return id, "--comment=charter=" .. id end
                  end
                  local wckey = job_desc.wckey
                  if wckey ~= nil and wckey ~= "" and wckey:sub(1, 1) ~= "*" then return wckey, "--wckey=" .. wckey end
                  return nil, nil
                end

                local function day(t)
                  return os.date("!%%Y-%%m-%%d %%H:%%M UTC", t)
                end

                -- The problem with the submission, or nil when it names an active charter.
                local function problem(job_desc)
                  local id, how = named(job_desc)
                  if id == nil then return "this job names no charter." end
                  local known, alias = charters()
                  if known == nil then
                    slurm.log_error("reckon gate: cannot read %%s; job admitted unchecked", LIST)
                    return nil
                  end
                  local c = known[id]
                  if c == nil and alias[id] ~= nil then id = alias[id]; c = known[id] end
                  if c == nil then
                    return "this job names charter '" .. id .. "' (" .. how .. "), which this cluster does not know."
                  end
                  local now = os.time()
                  if c.status ~= "active" then
                    return "charter '" .. id .. "' (" .. how .. ") is " .. c.status .. ", no longer active; ask its owner "
                      .. c.owner .. " about a new one."
                  end
                  if c.start > 0 and now < c.start then
                    return "charter '" .. id .. "' (" .. how .. ") starts " .. day(c.start) .. "."
                  end
                  if c.stop > 0 and now >= c.stop then
                    return "charter '" .. id .. "' (" .. how .. ") ended " .. day(c.stop) .. "; its owner " .. c.owner
                      .. " can extend its window and run 'reckon gate sync'."
                  end
                  return nil
                end

                -- slurm.SUCCESS to admit the job; slurm.ERROR (refusal) with the reason told to the submitter.
                function M.check(job_desc, submit_uid)
                  if EXEMPT[submit_uid] then return slurm.SUCCESS end
                  local p = problem(job_desc)
                  if p == nil then return slurm.SUCCESS end
                  if MODE == "warn" then
                    slurm.log_user("%%s", "reckon gate (warning; admitted this time): " .. p .. " " .. HOWTO)
                    slurm.log_info("reckon gate: warned uid %%s: %%s", tostring(submit_uid), p)
                    return slurm.SUCCESS
                  end
                  slurm.log_user("%%s", "reckon gate: refused: " .. p .. " " .. HOWTO)
                  slurm.log_info("reckon gate: refused uid %%s: %%s", tostring(submit_uid), p)
                  return slurm.ERROR
                end

                return M
                """;
        return String.format(Locale.ROOT, template, MARK, mode.word(), lua(list.toString()), lua(mode.word()), exempt);
    }

    /** The hook slurmctld loads: it runs the check on submission and lets modifications through. */
    static String hook(Path module) {
        return MARK + ": the hook of the charter admission gate. 'reckon gate uninstall' takes it out.\n"
                + "local gate = dofile(" + lua(module.toString()) + ")\n\n"
                + "function slurm_job_submit(job_desc, part_list, submit_uid)\n"
                + "  return gate.check(job_desc, submit_uid)\n"
                + "end\n\n"
                + "function slurm_job_modify(job_desc, job_rec, part_list, modify_uid)\n"
                + "  return slurm.SUCCESS\n"
                + "end\n";
    }

    static String admitAll() {
        return MARK + " uninstall: admits every job. Remove JobSubmitPlugins=lua from slurm.conf (and restart "
                + "slurmctld) to drop the hook altogether.\n"
                + "function slurm_job_submit(job_desc, part_list, submit_uid)\n  return slurm.SUCCESS\nend\n\n"
                + "function slurm_job_modify(job_desc, job_rec, part_list, modify_uid)\n  return slurm.SUCCESS\nend\n";
    }

    /** A Lua string literal. */
    static String lua(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(ch);
            }
        }
        return b.append('"').toString();
    }

    /** Whether the text is a hook the gate wrote (and may overwrite or take out). */
    static boolean ours(String text) {
        return text.startsWith(MARK);
    }

    private static final Pattern CLUSTER_NAME = Pattern.compile("(?im)^\\s*ClusterName\\s*=\\s*([^\\s#]+)");

    /** The {@code ClusterName} of the slurm.conf in {@code dir}: the cluster the gate guards; empty when none says. */
    public static Optional<String> clusterName(Path dir) {
        Optional<String> text = read(dir.resolve("slurm.conf"));
        if (text.isEmpty()) return Optional.empty();
        Matcher m = CLUSTER_NAME.matcher(text.get());
        return m.find() ? Optional.of(m.group(1).toLowerCase(java.util.Locale.ROOT)) : Optional.empty();
    }

    /** A line for the administrator when slurm.conf beside the hook does not load the Lua plugin. */
    static Optional<String> pluginWarning(Path dir) {
        Path conf = dir.resolve("slurm.conf");
        Optional<String> text = read(conf);
        if (text.isEmpty())
            return Optional.of("no slurm.conf in " + dir + ": the hook only runs where slurmctld's slurm.conf sits "
                    + "in this directory and has JobSubmitPlugins=lua");
        Matcher m = PLUGINS.matcher(text.get());
        while (m.find()) {
            for (String p : m.group(1).split(","))
                if (p.strip().equalsIgnoreCase("lua") || p.strip().equalsIgnoreCase("job_submit/lua")) return Optional.empty();
        }
        return Optional.of(conf + " does not load the hook: add JobSubmitPlugins=lua (next to any plugins already "
                + "listed) and restart slurmctld; until then the gate admits everything");
    }

    private static void requireDir(Path dir) {
        if (!Files.isDirectory(dir)) throw new Refused(dir + " is not a directory (give the directory of slurm.conf)");
    }

    private static Optional<String> read(Path p) {
        try {
            return Files.isRegularFile(p) ? Optional.of(Files.readString(p, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            throw new Refused("cannot read " + p + ": " + e.getMessage());
        }
    }
}
