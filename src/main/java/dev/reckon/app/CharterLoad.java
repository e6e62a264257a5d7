package dev.reckon.app;

import dev.reckon.charter.CharterFile;
import dev.reckon.charter.Charters;
import dev.reckon.model.Charter;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reading the charter directory for the use cases that judge jobs by it. */
final class CharterLoad {
    private CharterLoad() {}

    /** The charters in force, with each bad file as a problem and a note when there are none to judge by. */
    static Outcome<Charters> load(Context ctx) {
        Charters cs = ctx.loadCharters();
        return Outcome.of(cs, cs.errors(), notes(cs));
    }

    static List<String> notes(Charters cs) {
        if (!cs.all().isEmpty()) return List.of();
        int files = cs.files().size();
        if (files == 0) return List.of("no charter files in " + cs.dir() + ": no job is defended (write one with: reckon charter new)");
        return List.of(files + " charter file" + (files == 1 ? "" : "s") + " in " + cs.dir() + ", none valid: no job is "
                + "defended (run: reckon charter check)");
    }

    /**
     * The valid charters, plus those refused only because their owner is not on the roster: the review still needs
     * them, to call their jobs orphaned for that reason rather than for having no charter.
     */
    static List<Charter> reviewable(Charters cs, ZoneId zone) {
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
}
