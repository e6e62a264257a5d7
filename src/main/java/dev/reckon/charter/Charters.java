package dev.reckon.charter;

import dev.reckon.model.Charter;
import dev.reckon.model.Job;
import dev.reckon.core.InputError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A charter directory read whole: every valid charter, the roster when there is one, and every problem of every
 * file (a bad file does not hide the others). Charter files are the directory's {@code *.yaml} and {@code *.yml}
 * files other than the roster; the roster is {@code roster.yaml} or {@code roster.txt}. When a roster exists, an
 * owner not on it makes the charter invalid.
 */
public final class Charters {
    /** The roster's possible names. */
    public static final List<String> ROSTER_FILES = List.of("roster.yaml", "roster.yml", "roster.txt");

    private final Path dir;
    private final List<Path> files;
    private final List<Charter> charters;
    private final Roster roster;
    private final List<InputError> errors;
    private final int badFiles;

    private Charters(Path dir, List<Path> files, List<Charter> charters, Roster roster, List<InputError> errors, int badFiles) {
        this.dir = dir;
        this.files = List.copyOf(files);
        this.charters = List.copyOf(charters);
        this.roster = roster;
        this.errors = List.copyOf(errors);
        this.badFiles = badFiles;
    }

    /** Reads every charter file of {@code dir} (none when it does not exist); dates without offset are in {@code zone}. */
    public static Charters load(Path dir, ZoneId zone) {
        List<InputError> errors = new ArrayList<>();
        return read(dir, charterFiles(dir, errors), zone, errors);
    }

    /** Reads the given charter files, with the roster of {@code dir} when it has one. */
    public static Charters check(Path dir, List<Path> files, ZoneId zone) {
        return read(dir, files, zone, new ArrayList<>());
    }

    private static Charters read(Path dir, List<Path> files, ZoneId zone, List<InputError> errors) {
        Roster roster = roster(dir, errors);
        List<Charter> ok = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        int bad = errors.isEmpty() ? 0 : 1;
        for (Path f : files) {
            CharterFile.Result r = CharterFile.read(f, zone);
            List<InputError> problems = new ArrayList<>(r.errors());
            Charter c = r.charter();
            if (c != null && roster != null && !roster.contains(c.owner())) {
                problems.add(new InputError(f.toString(), r.lineOf("owner"), "owner", "\"" + c.owner()
                        + "\" is not on the roster (" + roster.file() + "); only people on it can own charters"));
            }
            if (c != null && seen.containsKey(c.id())) {
                problems.add(new InputError(f.toString(), r.lineOf("id"), "id", "\"" + c.id()
                        + "\" is also the id of " + seen.get(c.id()) + "; keep one of them"));
            }
            if (problems.isEmpty()) {
                ok.add(c);
                seen.put(c.id(), f.toString());
            } else {
                bad++;
                errors.addAll(problems);
            }
        }
        return new Charters(dir, files, ok, roster, errors, bad);
    }

    private static List<Path> charterFiles(Path dir, List<InputError> errors) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return (n.endsWith(".yaml") || n.endsWith(".yml")) && !n.startsWith(".") && !ROSTER_FILES.contains(n)
                        && Files.isRegularFile(p);
            }).sorted().toList();
        } catch (IOException e) {
            errors.add(new InputError(dir.toString(), 0, null, "cannot list the charter directory: " + e.getMessage()));
            return List.of();
        }
    }

    private static Roster roster(Path dir, List<InputError> errors) {
        List<Path> found = ROSTER_FILES.stream().map(dir::resolve).filter(Files::isRegularFile).toList();
        if (found.isEmpty()) return null;
        if (found.size() > 1) {
            errors.add(new InputError(found.get(1).toString(), 0, null, "a second roster beside " + found.get(0)
                    + "; keep one"));
        }
        return Roster.read(found.get(0), errors);
    }

    /** The directory read. */
    public Path dir() {
        return dir;
    }

    /** The charter files read, valid or not. */
    public List<Path> files() {
        return files;
    }

    /** The valid charters, in file-name order. */
    public List<Charter> all() {
        return charters;
    }

    public Optional<Charter> byId(String id) {
        return charters.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    /** The roster, when the directory has one. */
    public Optional<Roster> roster() {
        return Optional.ofNullable(roster);
    }

    /** Every problem found, file by file, in line order within a file. */
    public List<InputError> errors() {
        return errors;
    }

    /** How many files (charters or the roster) have at least one problem. */
    public int badFiles() {
        return badFiles;
    }

    /** The valid charters the job belongs to (by comment, wckey, account or user and job name). */
    public List<Charter> matching(Job job) {
        return charters.stream().filter(c -> c.matches(job)).toList();
    }
}
