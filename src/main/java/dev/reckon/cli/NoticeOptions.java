package dev.reckon.cli;

import dev.reckon.act.Notices;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;

/** The options of the commands that tell people before acting on their jobs: the channels, the grace, --apply. */
final class NoticeOptions {

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "2h",
            description = "How long after the notice a job may be cancelled (default: ${DEFAULT-VALUE}): 0s, 30m, 2h, "
                    + "1d, or Slurm-style [D-]HH:MM:SS.")
    String grace;
    @Option(names = "--webhook", paramLabel = "URL", description = "POST each notice's JSON here (10 s timeout).")
    String webhook;
    @Option(names = "--mail-command", paramLabel = "CMD", description = "Run CMD (through /bin/sh) for each notice, "
            + "with the JSON on standard input and the recipient as the last argument, e.g. \"mail -s reckon\".")
    String mailCommand;
    @Option(names = "--apply", description = "Carry the plan out (default: only say what would be done).")
    boolean apply;

    /**
     * The channels, checked; null when none is given. With --apply one is required: people must be told before
     * their jobs are touched.
     */
    Notices notices(Door door) {
        URI hook = null;
        if (webhook != null) {
            try {
                hook = new URI(webhook);
                if (!"http".equals(hook.getScheme()) && !"https".equals(hook.getScheme()))
                    throw new URISyntaxException(webhook, "not http(s)");
            } catch (URISyntaxException e) {
                throw door.usage("--webhook: \"" + webhook + "\" is not an http(s) URL");
            }
        }
        if (mailCommand != null && mailCommand.isBlank()) throw door.usage("--mail-command: empty command");
        if (apply && hook == null && mailCommand == null)
            throw door.usage("--apply needs --webhook or --mail-command: people must be told before their jobs are touched");
        if (hook == null && mailCommand == null) return null;
        return new Notices(hook, mailCommand == null ? null
                : List.of("/bin/sh", "-c", mailCommand + " \"$@\"", "reckon-notice"));
    }

    Duration grace(Door door) {
        return door.duration(grace, "--grace");
    }
}
