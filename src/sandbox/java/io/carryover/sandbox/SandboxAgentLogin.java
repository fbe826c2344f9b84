package io.carryover.sandbox;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.carryover.identity.TokenHash;

/**
 * The emulated Genesys login for agents (PROTOCOL.md 10.2): authorization code with PKCE (S256 only) for the agent
 * page's OAuth client. {@code GET oauth/authorize} shows a page to pick a sandbox user (and, like the real login, may
 * not be framed); picking one redirects to the registered redirect URI with a code, single-use and valid for
 * {@link #CODE_LIFETIME_MS}; {@code POST oauth/token} exchanges it for that user's access token once the verifier,
 * client and redirect URI match. Errors follow RFC 6749: a bad client or redirect URI is shown, never redirected to.
 */
@ApplicationScoped
class SandboxAgentLogin {

    static final long CODE_LIFETIME_MS = 60_000;
    static final int MAX_CODES = 10_000;
    /** Login pages refuse to be framed: the agent page must sign in in a popup. */
    static final String FRAME_DENY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none';"
            + " form-action 'self' %s";

    private static final SecureRandom RANDOM = new SecureRandom();

    private record Code(String clientId, String redirectUri, String challenge, String userId, long expiresAtMillis) {
    }

    /** An authorize request that passed validation. */
    record Authorization(String clientId, String redirectUri, String challenge, String state) {
    }

    private final SandboxConfig config;
    private final PlatformTokens tokens;
    private final PlatformPipeline pipeline;
    private final ObjectMapper mapper;
    private final Map<String, Code> codes = new ConcurrentHashMap<>();

    SandboxAgentLogin(SandboxConfig config, PlatformTokens tokens, PlatformPipeline pipeline, ObjectMapper mapper) {
        this.config = config;
        this.tokens = tokens;
        this.pipeline = pipeline;
        this.mapper = mapper;
    }

    String agentClientId() {
        return config.platform().agentClientId();
    }

    /** The redirect URIs registered for the agent client: configured, else this service's {@code /agent/}. */
    List<String> redirectUris() {
        return config.platform().agentRedirectUris().orElseGet(() -> List.of(config.baseUrl() + "/agent/"));
    }

    /**
     * GET oauth/authorize: the user picker, or an error. A wrong client or redirect URI is an error page (nothing to
     * redirect to safely); other errors go back to the redirect URI as {@code error=...}.
     */
    Response authorize(String clientId, String responseType, String redirectUri, String challenge, String method,
            String state) {
        if (clientId == null || !clientId.equals(config.platform().agentClientId())) {
            return page(400, "Sign-in failed", "<p>Unknown client_id.</p>", null);
        }
        if (redirectUri == null || !redirectUris().contains(redirectUri)) {
            return page(400, "Sign-in failed", "<p>redirect_uri is not registered for this client.</p>", null);
        }
        if (!"code".equals(responseType)) {
            return redirect(redirectUri, "error", "unsupported_response_type", state);
        }
        if (challenge == null || challenge.length() < 43 || challenge.length() > 128 || !"S256".equals(method)) {
            return redirect(redirectUri, "error", "invalid_request", state);
        }
        StringBuilder users = new StringBuilder("<form method=\"post\" action=\"authorize\">");
        hidden(users, "client_id", clientId);
        hidden(users, "redirect_uri", redirectUri);
        hidden(users, "code_challenge", challenge);
        hidden(users, "state", state == null ? "" : state);
        users.append("<fieldset><legend>Choose a simulated user</legend>");
        for (SandboxUsers.User user : SandboxUsers.ALL) {
            users.append("<p><button type=\"submit\" name=\"user\" value=\"").append(html(user.key())).append("\">")
                    .append(html(user.name())).append("</button> ").append(html(String.join(", ", user.roles())))
                    .append(SandboxUsers.ORG_ID.equals(user.orgId()) ? "" : " (another org)").append("</p>");
        }
        users.append("</fieldset></form>");
        return page(200, "Sign in to Genesys Cloud (sandbox)", users.toString(), redirectUri);
    }

    /** POST oauth/authorize (the picker's form): a code for the chosen user, back to the redirect URI. */
    Response choose(String clientId, String redirectUri, String challenge, String state, String userKey) {
        if (clientId == null || !clientId.equals(config.platform().agentClientId()) || redirectUri == null
                || !redirectUris().contains(redirectUri) || challenge == null) {
            return page(400, "Sign-in failed", "<p>The sign-in request is not valid.</p>", null);
        }
        SandboxUsers.User user = SandboxUsers.byKey(userKey).orElse(null);
        if (user == null) {
            return redirect(redirectUri, "error", "access_denied", state);
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long now = System.currentTimeMillis();
        codes.values().removeIf(c -> c.expiresAtMillis() <= now);
        if (codes.size() >= MAX_CODES) {
            return redirect(redirectUri, "error", "temporarily_unavailable", state);
        }
        codes.put(code, new Code(clientId, redirectUri, challenge, user.id(), now + CODE_LIFETIME_MS));
        return redirect(redirectUri, "code", code, state);
    }

    /** POST oauth/token, grant_type=authorization_code (a public client: no secret, the PKCE verifier instead). */
    Response exchange(Map<String, String> form, String origin) {
        Response answer = exchange(form);
        // Browser apps call the token endpoint directly: their origin (a registered redirect URI's) may read it.
        if (origin != null && redirectUris().stream().anyMatch(uri -> origin.equals(origin(uri)))) {
            return Response.fromResponse(answer).header("Access-Control-Allow-Origin", origin)
                    .header("Vary", "Origin").build();
        }
        return answer;
    }

    private Response exchange(Map<String, String> form) {
        String clientId = form.get("client_id");
        if (clientId == null || !clientId.equals(config.platform().agentClientId())) {
            return PlatformErrors.oauth(401, "invalid_client", "client authentication failed");
        }
        String value = form.get("code");
        Code code = value == null ? null : codes.remove(value); // single use, even when the rest is wrong
        if (code == null || code.expiresAtMillis() <= System.currentTimeMillis()) {
            return PlatformErrors.oauth(400, "invalid_grant", "authorization code is invalid or expired");
        }
        if (!code.clientId().equals(clientId) || !code.redirectUri().equals(form.get("redirect_uri"))) {
            return PlatformErrors.oauth(400, "invalid_grant", "client_id or redirect_uri does not match the code");
        }
        String verifier = form.get("code_verifier");
        if (verifier == null || verifier.length() < 43 || verifier.length() > 128
                || !MessageDigest.isEqual(s256(verifier).getBytes(StandardCharsets.US_ASCII),
                        code.challenge().getBytes(StandardCharsets.US_ASCII))) {
            return PlatformErrors.oauth(400, "invalid_grant", "code_verifier does not match the code_challenge");
        }
        return Response.ok(tokenAnswer(clientId, code.userId())).type(MediaType.APPLICATION_JSON).build();
    }

    /** A user token without the browser (control API, for tests and the demo). */
    ObjectNode tokenAnswer(String clientId, String userId) {
        long lifetime = pipeline.settings().tokenLifetimeSeconds();
        return mapper.createObjectNode().put("access_token", tokens.issue(clientId, userId, lifetime))
                .put("token_type", "bearer").put("expires_in", lifetime);
    }

    /** PKCE S256; a verifier is ASCII (RFC 7636), so its UTF-8 bytes are its ASCII bytes. */
    static String s256(String verifier) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(TokenHash.bytes(verifier));
    }

    private static Response redirect(String redirectUri, String name, String value, String state) {
        UriBuilder target = UriBuilder.fromUri(redirectUri).queryParam(name, value);
        if (state != null && !state.isEmpty()) {
            target.queryParam("state", state);
        }
        return Response.seeOther(target.build()).build();
    }

    private Response page(int status, String title, String body, String redirectUri) {
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + html(title)
                + "</title></head><body style=\"font-family:sans-serif;max-width:32rem;margin:2rem auto\"><h1>"
                + html(title) + "</h1>" + body + "</body></html>";
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("utf-8")).entity(html)
                .header("X-Frame-Options", "DENY")
                .header("Content-Security-Policy",
                        FRAME_DENY_POLICY.formatted(redirectUri == null ? "" : origin(redirectUri)).trim())
                .header("Cache-Control", "no-store")
                .build();
    }

    private static void hidden(StringBuilder out, String name, String value) {
        out.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"").append(html(value))
                .append("\">");
    }

    private static String origin(String uri) {
        URI parsed = URI.create(uri);
        return parsed.getScheme() + "://" + parsed.getRawAuthority();
    }

    private static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
