package io.carryover.sandbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;

/**
 * Hides the whole sandbox when {@code carryover.sandbox.enabled=false}: one router handler answers 404
 * for every /sandbox path (HTTP and WebSocket upgrade alike) before any REST or WebSocket route runs.
 * When the sandbox is enabled nothing is registered, so production traffic never passes through here.
 */
@ApplicationScoped
public class SandboxGate {

    /** Below Quarkus' upload-limit, compression and security handlers, above its access log and CORS. */
    static final int ORDER = -1000;

    private final SandboxConfig config;

    SandboxGate(SandboxConfig config) {
        this.config = config;
    }

    void init(@Observes Router router) {
        if (config.enabled()) {
            return;
        }
        router.route("/sandbox/*").order(ORDER).handler(ctx -> ctx.response().setStatusCode(404).end());
    }
}
