package dev.reckon.cli;

import dev.reckon.app.Channels;
import picocli.CommandLine.Option;

/** The options of the commands that tell people when they act on their jobs: the channels and --apply. */
class ChannelOptions {
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
}
