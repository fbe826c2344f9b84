package io.carryover.sandbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;

/** In a sandbox-enabled build {@code /} leads to the demo page; the production build keeps {@code /} as it is. */
@ApplicationScoped
class SandboxRoutes {

    static final String DEMO_PAGE = "/sandbox/";

    void routes(@Observes Router router) {
        router.get("/").handler(context -> context.redirect(DEMO_PAGE));
    }
}
