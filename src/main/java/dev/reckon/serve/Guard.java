package dev.reckon.serve;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Who may ask what. One place decides for the pages, the API, {@code /metrics} and any servlet mounted beside them
 * (MCP at {@code /mcp}):
 *
 * <ul>
 *   <li>With a token, every request carries it in the {@code Authorization} header: {@code Bearer TOKEN}, or, so that
 *   a browser can open the pages, HTTP Basic with the token as the password (GET and HEAD only). Never a cookie: a
 *   page of another site cannot make a browser send it.</li>
 *   <li>Bound to loopback, the {@code Host} header must name loopback too (a page of another site that resolves its
 *   own name to 127.0.0.1 cannot read these pages).</li>
 *   <li>A request that changes anything (any method but GET, HEAD) from a browser on another origin is refused: its
 *   {@code Origin} must be this server's own, and {@code Sec-Fetch-Site} must not say cross-site.</li>
 *   <li>Actions ({@code /api/actions/...}) need the server started with actions allowed and the bearer token.</li>
 * </ul>
 */
final class Guard {
    /** Why a request is refused: its HTTP status, the message, and the challenge to send with a 401. */
    record Refusal(int status, String message, String challenge) {}

    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final byte[] token;
    private final boolean loopback;
    private final String bind;
    private final boolean allowActions;

    Guard(String token, String bind, boolean allowActions) {
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.bind = bind;
        this.loopback = isLoopback(bind);
        this.allowActions = allowActions;
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    boolean hasToken() {
        return token != null;
    }

    /** Null when the request may go on; else why not. */
    Refusal check(String method, String path, Function<String, String> header) {
        String m = method.toUpperCase(Locale.ROOT);
        boolean safe = m.equals("GET") || m.equals("HEAD");
        String host = header.apply("Host");
        if (loopback && !loopbackHost(host))
            return new Refusal(403, "this server answers to its loopback address only (Host: " + host + ")", null);
        if (!safe) {
            String origin = header.apply("Origin");
            if (origin != null && !sameOrigin(origin, host))
                return new Refusal(403, "cross-origin request refused (Origin: " + origin + ")", null);
            String site = header.apply("Sec-Fetch-Site");
            if (site != null && site.equalsIgnoreCase("cross-site"))
                return new Refusal(403, "cross-site request refused", null);
        }
        boolean action = path.startsWith("/api/actions/") || path.equals("/api/actions");
        String auth = header.apply("Authorization");
        if (action) {
            if (!allowActions)
                return new Refusal(403, "read-only: actions need the server started with --allow-actions", null);
            if (!m.equals("POST")) return new Refusal(405, "actions are POST only", null);
            if (!bearer(auth))
                return new Refusal(401, "actions need the bearer token (Authorization: Bearer TOKEN)",
                        "Bearer realm=\"reckon\"");
            return null;
        }
        if (token == null) return null;
        if (bearer(auth) || (safe && basic(auth))) return null;
        return new Refusal(401, "this server needs its token (Authorization: Bearer TOKEN)",
                safe && !path.startsWith("/api/") && !path.equals("/metrics") ? "Basic realm=\"reckon\", charset=\"UTF-8\""
                        : "Bearer realm=\"reckon\"");
    }

    private boolean bearer(String auth) {
        if (token == null || auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
        return MessageDigest.isEqual(token, auth.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }

    private boolean basic(String auth) {
        if (token == null || auth == null || !auth.regionMatches(true, 0, "Basic ", 0, 6)) return false;
        try {
            String pair = new String(Base64.getDecoder().decode(auth.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon >= 0 && MessageDigest.isEqual(token, pair.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean loopbackHost(String host) {
        if (host == null) return false;
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            h = close < 0 ? h : h.substring(0, close + 1);
        } else if (h.indexOf(':') >= 0 && h.indexOf(':') == h.lastIndexOf(':')) {
            h = h.substring(0, h.indexOf(':'));
        }
        return LOOPBACK_NAMES.contains(h) || h.equals(bind) || h.startsWith("127.");
    }

    private static boolean sameOrigin(String origin, String host) {
        if (host == null) return false;
        try {
            URI o = new URI(origin.strip());
            String authority = o.getRawAuthority();
            return authority != null && ("http".equalsIgnoreCase(o.getScheme()) || "https".equalsIgnoreCase(o.getScheme()))
                    && authority.equalsIgnoreCase(host.strip());
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
