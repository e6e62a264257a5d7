package dev.reckon.cli;

import dev.reckon.app.Channels;
import picocli.CommandLine.Option;

import java.time.Duration;

/** The options of the commands that tell people before acting on their jobs: the channels, the grace, --apply. */
final class NoticeOptions {

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "2h",
            description = "How long after the notice a job may be cancelled (default: ${DEFAULT-VALUE}): 0s, 30m, 2h, "
                    + "1d, 2w, or Slurm-style [D-]HH:MM:SS.")
    String grace;
    @Option(names = "--webhook", paramLabel = "URL", description = "POST each notice's JSON here (10 s timeout); "
            + "its 'subject' and 'text' fields hold the readable notice.")
    String webhook;
    @Option(names = "--mail-command", paramLabel = "CMD", description = "Run CMD (through /bin/sh) for each notice, "
            + "with its plain text on standard input, its subject in $RECKON_SUBJECT and the recipient as the last "
            + "argument, e.g. 'mail -s \"$RECKON_SUBJECT\"'.")
    String mailCommand;
    @Option(names = "--apply", description = "Carry the plan out (default: only say what would be done).")
    boolean apply;

    /** The notice channels given. */
    Channels channels() {
        return new Channels(webhook, mailCommand);
    }

    Duration grace(Door door) {
        return door.duration(grace, "--grace");
    }
}
