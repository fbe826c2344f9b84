package io.carryover.relay;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.carryover.identity.IdentityVerification;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.RoutingContext;

/** Opens one upstream Genesys socket per guest connection and wires both into a {@link RelaySession}. */
@ApplicationScoped
public class Relay {

    private static final Logger LOG = Logger.getLogger(Relay.class);
    /** WebSockets Next's convention, kept for browsers: {@code quarkus-http-upgrade#<header>#<url-encoded value>}. */
    private static final String HEADER_CARRIER = "quarkus-http-upgrade#";
    private static final Duration SHUTDOWN_CLOSE_WAIT = Duration.ofSeconds(3);

    private final RelayConfig config;
    private final IdentityVerification identities;
    private final FrameTap tap;
    private final RelayMetrics metrics;
    private final Vertx vertx;
    private final WebSocketClient upstreamClient;
    private final Map<String, RelaySession> sessions = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    Relay(RelayConfig config, IdentityVerification identities, FrameTap tap, RelayMetrics metrics, Vertx vertx,
            WebSocketClient upstreamClient) {
        this.config = config;
        this.identities = identities;
        this.tap = tap;
        this.metrics = metrics;
        this.vertx = vertx;
        this.upstreamClient = upstreamClient;
    }

    void accept(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (!"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
            context.response().setStatusCode(400).end("WebSocket upgrade required");
            return;
        }
        if (stopping) {
            // New guests reconnect to another replica; 503 is what a load balancer retries.
            metrics.closedByRelay("shutting-down");
            context.response().setStatusCode(503).end("service restart");
            return;
        }
        String bearer = bearer(request.headers());
        HttpConnection tcp = request.connection();
        request.toWebSocket()
                .onSuccess(ws -> open(ws, tcp, bearer))
                .onFailure(failure -> LOG.debugf("guest upgrade failed: %s", failure.getClass().getSimpleName()));
    }

    private void open(ServerWebSocket client, HttpConnection tcp, String bearer) {
        String id = UUID.randomUUID().toString();
        String query = client.query();
        String deploymentId = QueryString.parameter(query, "deploymentId");
        RelaySession session = new RelaySession(id, client, tcp, deploymentId, config,
                identities.verifiedIdentityRequired(), tap, metrics, vertx, () -> sessions.remove(id));
        sessions.put(id, session);
        metrics.openSockets.incrementAndGet();
        tcp.closeHandler(v -> metrics.openSockets.decrementAndGet());
        metrics.activeSessions.incrementAndGet();
        metrics.sessionsOpened.increment();
        session.start();
        if (stopping) {
            // The upgrade raced with shutdown.
            session.closeForShutdown();
            return;
        }

        identities.verifyAsync(bearer).subscribe().with(session::identityResolved);

        String origin = config.origin().orElse(client.headers().get(HttpHeaders.ORIGIN));
        WebSocketConnectOptions options = connectOptions(upstreamUri(deploymentId), query);
        if (origin != null) {
            options.addHeader(HttpHeaders.ORIGIN, origin);
        }
        // One deadline for TCP connect, TLS and the upgrade together; a socket that arrives late is closed.
        Promise<WebSocket> connected = Promise.promise();
        long deadline = vertx.setTimer(config.connectTimeout().toMillis(),
                t -> connected.tryFail(new TimeoutException("upstream handshake")));
        upstreamClient.connect(options).onComplete(result -> {
            vertx.cancelTimer(deadline);
            if (result.failed()) {
                connected.tryFail(result.cause());
            } else if (!connected.tryComplete(result.result())) {
                result.result().close();
            }
        });
        connected.future().onSuccess(session::upstreamConnected).onFailure(session::upstreamFailed);
    }

    /**
     * Step 1 of shutdown (before the archive drains): refuse new guests and close open ones with 1012 so that they
     * reconnect to another replica; waits briefly for the close frames to leave. Quarkus closes the HTTP server, and
     * with it every guest socket (1000), before it fires {@code ShutdownEvent}, so this runs in the pre-shutdown
     * phase ({@code quarkus.shutdown.delay-enabled=true}).
     */
    void stop(@Observes ShutdownDelayInitiatedEvent event) {
        stopping = true;
        List<RelaySession> open = List.copyOf(sessions.values());
        CountDownLatch closed = new CountDownLatch(open.size());
        for (RelaySession session : open) {
            session.closeForShutdown().onComplete(done -> closed.countDown());
        }
        try {
            if (!closed.await(SHUTDOWN_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("%d guest connections did not close in time", closed.getCount());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.infof("relay stopped: %d guest connections closed with 1012", open.size());
    }

    /** Upstream for this deployment: the configured URL, or the deployment's Genesys region. */
    URI upstreamUri(String deploymentId) {
        return config.upstreamUrl().orElseGet(() -> URI.create("wss://webmessaging."
                + config.deploymentDomains().getOrDefault(deploymentId == null ? "" : deploymentId,
                        config.upstreamDomain())
                + "/v1"));
    }

    /** Host, port and TLS from {@code upstream}; the request line is its path plus the client's raw query, as is. */
    static WebSocketConnectOptions connectOptions(URI upstream, String rawQuery) {
        boolean tls = "wss".equalsIgnoreCase(upstream.getScheme());
        String path = upstream.getRawPath() == null || upstream.getRawPath().isEmpty() ? "/" : upstream.getRawPath();
        return new WebSocketConnectOptions()
                .setHost(upstream.getHost())
                .setPort(upstream.getPort() >= 0 ? upstream.getPort() : tls ? 443 : 80)
                .setSsl(tls)
                .setURI(rawQuery == null ? path : path + "?" + rawQuery);
    }

    /** The bearer from {@code Authorization}, or from the browser carrier subprotocol; null if none. */
    static String bearer(MultiMap headers) {
        String authorization = headers.get(HttpHeaders.AUTHORIZATION);
        if (authorization == null) {
            for (String offered : headers.getAll("Sec-WebSocket-Protocol")) {
                for (String protocol : offered.split(",")) {
                    String[] parts = protocol.trim().split("#", 3);
                    if (parts.length == 3 && (parts[0] + "#").equals(HEADER_CARRIER)
                            && parts[1].equalsIgnoreCase("Authorization")) {
                        authorization = decodeOrNull(parts[2]);
                    }
                }
            }
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    /** A badly encoded carrier is treated as absent: no token (unverified, never refused). */
    private static String decodeOrNull(String encoded) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
