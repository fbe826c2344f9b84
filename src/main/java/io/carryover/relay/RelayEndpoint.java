package io.carryover.relay;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;

/**
 * The guest WebSocket: same path and query string as {@code wss://webmessaging.<domain>/v1}. A plain Vert.x upgrade
 * rather than a WebSockets Next endpoint, because the relay needs each frame's bytes as received: to refuse invalid
 * UTF-8 instead of repairing it, to bound fragmented messages, and to shut a TCP connection that no longer reads.
 */
@ApplicationScoped
public class RelayEndpoint {

    static final String PATH = "/v1";

    private final Relay relay;

    RelayEndpoint(Relay relay) {
        this.relay = relay;
    }

    void route(@Observes Router router) {
        router.route(PATH).handler(relay::accept);
    }
}
