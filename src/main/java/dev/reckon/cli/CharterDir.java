package dev.reckon.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --charters DIR} option, for every command that reads charters. */
final class CharterDir {
    @Option(names = "--charters", paramLabel = "DIR",
            description = "The charter directory (default: $RECKON_CHARTERS, the site's (/etc/reckon/charters), the "
                    + "config's 'charters', else ~/.config/reckon/charters).")
    Path dir;

    /** The directory in force: this option, else the settings'. */
    Path resolve(Door door) {
        return dir != null ? dir : door.config().charters();
    }
}
