package io.carryover.agent;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Security headers on everything under {@code /agent} (page, assets, API, errors): a CSP that allows only the page's
 * own script and style, Genesys login for sign-in, and framing by the configured Genesys origins; no sniffing, no
 * referrer; the API is never cached. Set before any route runs, so no answer under the path goes without them.
 */
@ApplicationScoped
class AgentPageHeaders {

    private final String policy;

    AgentPageHeaders(AgentSignIn signIn) {
        String login = String.join(" ", signIn.loginOrigins());
        String sources = login.isEmpty() ? "'self'" : "'self' " + login;
        String ancestors = signIn.frameAncestors().isEmpty() ? "'none'" : String.join(" ", signIn.frameAncestors());
        this.policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src "
                + sources + "; form-action " + sources + "; base-uri 'none'; frame-ancestors " + ancestors;
    }

    void register(@Observes Filters filters) {
        filters.register(this::headers, 1000);
    }

    private void headers(RoutingContext context) {
        String path = context.normalizedPath();
        String lower = path == null ? "" : path.toLowerCase(Locale.ROOT);
        if (lower.equals("/agent") || lower.startsWith("/agent/") || lower.startsWith("/agent;")) {
            var headers = context.response().headers();
            headers.set("Content-Security-Policy", policy);
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Referrer-Policy", "no-referrer");
            if (lower.startsWith("/agent/api")) {
                headers.set(HttpHeaders.CACHE_CONTROL, "no-store");
            }
        }
        context.next();
    }

}
