package dev.reckon.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/** The options of the commands that tell people before acting on their jobs: the channels, the grace, --apply. */
final class NoticeOptions extends ChannelOptions {

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "2h",
            description = "How long after the notice a job may be cancelled (default: ${DEFAULT-VALUE}): 0s, 30m, 2h, "
                    + "1d, 2w, or Slurm-style [D-]HH:MM:SS.")
    String grace;

    Duration grace(Door door) {
        return door.duration(grace, "--grace");
    }
}
