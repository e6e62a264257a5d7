package dev.reckon.charter;

import dev.reckon.core.InputError;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The people who can own charters, from {@code roster.yaml} (a YAML list of user names) or {@code roster.txt} (one
 * user name per line, the first word of the line; {@code #} starts a comment) in the charter directory.
 *
 * @param file   where it was read from
 * @param people the user names, in file order
 */
public record Roster(Path file, Set<String> people) {
    public Roster {
        people = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(people));
    }

    public boolean contains(String person) {
        return person != null && people.contains(person);
    }

    /** Reads a roster file, adding its problems to {@code errors}; returns what could be read. */
    public static Roster read(Path file, List<InputError> errors) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            errors.add(new InputError(file.toString(), 0, null, "cannot read the roster: " + e.getMessage()));
            return new Roster(file, Set.of());
        }
        Set<String> people = new LinkedHashSet<>();
        if (file.getFileName().toString().endsWith(".txt")) {
            String[] lines = text.split("\r?\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String l = lines[i];
                int hash = l.indexOf('#');
                if (hash >= 0) l = l.substring(0, hash);
                l = l.strip();
                if (!l.isEmpty()) people.add(l.split("\\s+")[0]);
            }
            return new Roster(file, people);
        }
        Node root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            long line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            errors.add(new InputError(file.toString(), line, null, "not valid YAML: " + e.getProblem()));
            return new Roster(file, Set.of());
        } catch (YAMLException e) {
            errors.add(new InputError(file.toString(), 0, null, "not valid YAML: " + e.getMessage()));
            return new Roster(file, Set.of());
        }
        if (root == null) return new Roster(file, Set.of());
        if (!(root instanceof SequenceNode seq)) {
            errors.add(new InputError(file.toString(), root.getStartMark().getLine() + 1, null,
                    "a roster is a YAML list of user names (- alice), one per line"));
            return new Roster(file, Set.of());
        }
        for (Node n : seq.getValue()) {
            if (n instanceof ScalarNode s && !s.getValue().isBlank()) {
                people.add(s.getValue().strip());
            } else {
                errors.add(new InputError(file.toString(), n.getStartMark().getLine() + 1, null,
                        "each roster entry is one user name"));
            }
        }
        return new Roster(file, people);
    }
}
