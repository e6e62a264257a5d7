package dev.reckon.app;

import dev.reckon.act.Notices;
import dev.reckon.core.BadRequest;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * Where notices to people go: a webhook (an http(s) URL that gets each notice's JSON) and/or a mail command (run
 * through {@code /bin/sh} with the JSON on standard input and the recipient as its last argument).
 *
 * @param webhook     the URL; null for none
 * @param mailCommand the command line; null for none
 */
public record Channels(String webhook, String mailCommand) {
    public static final Channels NONE = new Channels(null, null);

    /** The channels, checked; null when none is given. With {@code apply} one is required. */
    Notices notices(boolean apply) {
        URI hook = null;
        if (webhook != null) {
            try {
                hook = new URI(webhook);
                if (!"http".equals(hook.getScheme()) && !"https".equals(hook.getScheme()))
                    throw new URISyntaxException(webhook, "not http(s)");
            } catch (URISyntaxException e) {
                throw new BadRequest("--webhook: \"" + webhook + "\" is not an http(s) URL");
            }
        }
        if (mailCommand != null && mailCommand.isBlank()) throw new BadRequest("--mail-command: empty command");
        if (apply && hook == null && mailCommand == null)
            throw new BadRequest("--apply needs --webhook or --mail-command: people must be told before their jobs are touched");
        if (hook == null && mailCommand == null) return null;
        return new Notices(hook, mailCommand == null ? null
                : List.of("/bin/sh", "-c", mailCommand + " \"$@\"", "reckon-notice"));
    }
}
