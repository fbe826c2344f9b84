package io.carryover.sandbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServerStart;

/**
 * The process {@code ./mvnw -B -Pdemo package} runs in the foreground ({@code carryover.sandbox.demo-run}). It says
 * where to go only once the port listens, and it stops when Maven goes away: the exec plugin runs it as a child that
 * a SIGTERM to Maven alone would otherwise leave running.
 */
@ApplicationScoped
class DemoRun {

    private static final Logger LOG = Logger.getLogger(DemoRun.class);

    private final SandboxConfig config;

    DemoRun(SandboxConfig config) {
        this.config = config;
    }

    void exitWithParent(@Observes StartupEvent started) {
        if (config.demoRun()) {
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
                LOG.info("Carryover demo: the Maven process that started it has ended; stopping");
                Quarkus.asyncExit(0);
            }));
        }
    }

    /** Quarkus fires this (asynchronously) once the HTTP server listens. */
    void banner(@ObservesAsync HttpServerStart started) {
        if (!config.demoRun()) {
            return;
        }
        int port = started.options().getPort();
        String base = "http://localhost:" + port;
        LOG.infof("""
                Carryover demo is ready: open %s%s
                  walkthrough on the page: sign in, chat, the agent ends, start new, see the context
                  agent page %s/agent/ (framed on the demo page) · sandbox API %s/sandbox/api · Swagger UI \
                %s/q/swagger-ui · health %s/q/health · relay ws://localhost:%d/v1
                  stop with Ctrl-C""", base, SandboxRoutes.DEMO_PAGE, base, base, base, base, port);
    }
}
