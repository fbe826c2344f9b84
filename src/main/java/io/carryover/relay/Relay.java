package io.carryover.relay;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.carryover.identity.Identity;
import io.carryover.identity.IdentityConfig;
import io.carryover.identity.TokenVerifier;
import io.quarkus.websockets.next.BasicWebSocketConnector;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.HandshakeRequest;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/** Opens one upstream Genesys socket per guest connection and wires both into a {@link RelaySession}. */
@ApplicationScoped
public class Relay {

    private static final Logger LOG = Logger.getLogger(Relay.class);

    private final RelayConfig config;
    private final IdentityConfig identityConfig;
    private final TokenVerifier verifier;
    private final FrameTap tap;
    private final RelayMetrics metrics;
    private final Vertx vertx;
    private final Map<String, RelaySession> sessions = new ConcurrentHashMap<>();

    Relay(RelayConfig config, IdentityConfig identityConfig, TokenVerifier verifier, FrameTap tap,
            RelayMetrics metrics, Vertx vertx) {
        this.config = config;
        this.identityConfig = identityConfig;
        this.verifier = verifier;
        this.tap = tap;
        this.metrics = metrics;
        this.vertx = vertx;
    }

    void open(WebSocketConnection client) {
        HandshakeRequest handshake = client.handshakeRequest();
        String query = handshake.query();
        String deploymentId = queryParameter(query, "deploymentId");
        RelaySession session = new RelaySession(client, deploymentId, config, identityConfig.policy(), tap, metrics);
        sessions.put(client.id(), session);
        metrics.activeSessions.incrementAndGet();
        metrics.sessionsOpened.increment();

        verifyIdentity(bearer(handshake.header("Authorization")))
                .subscribe().with(session::identityResolved);

        String origin = config.origin().orElse(handshake.header("Origin"));
        BasicWebSocketConnector connector = BasicWebSocketConnector.create()
                .baseUri(upstreamUri(deploymentId, query))
                .executionModel(BasicWebSocketConnector.ExecutionModel.NON_BLOCKING)
                .onTextMessage((up, frame) -> session.fromUpstream(frame))
                .onBinaryMessage((up, frame) -> session.binaryFromUpstream(frame))
                .onClose((up, reason) -> session.upstreamClosed(reason))
                .onError((up, failure) -> LOG.debugf("upstream socket error: %s", failure.getClass().getSimpleName()));
        if (origin != null) {
            connector.addHeader("Origin", origin);
        }
        connector.connect()
                .ifNoItem().after(config.connectTimeout()).fail()
                .subscribe().with(session::upstreamConnected, session::upstreamFailed);
    }

    void fromClient(WebSocketConnection client, String frame) {
        RelaySession session = sessions.get(client.id());
        if (session != null) {
            session.fromClient(frame);
        }
    }

    void binaryFromClient(WebSocketConnection client) {
        RelaySession session = sessions.get(client.id());
        if (session != null) {
            session.binaryFromClient();
        }
    }

    void closed(WebSocketConnection client, CloseReason reason) {
        RelaySession session = sessions.remove(client.id());
        if (session != null) {
            session.clientClosed(reason);
        }
    }

    /** Verification may download the issuer's keys, so it runs on a worker; a slow issuer only delays, never blocks. */
    private Uni<Identity> verifyIdentity(String token) {
        if (token == null) {
            return Uni.createFrom().item(Identity.MISSING);
        }
        return Uni.createFrom().completionStage(() ->
                        vertx.executeBlocking(() -> verifier.verify(token), false).toCompletionStage())
                .ifNoItem().after(identityConfig.verifyTimeout()).recoverWithItem(new Identity.Unverified("timeout"))
                .onFailure().recoverWithItem(new Identity.Unverified("error"));
    }

    /** Upstream for this deployment with the client's query string, byte for byte. */
    URI upstreamUri(String deploymentId, String rawQuery) {
        URI base = config.upstreamUrl().orElseGet(() -> URI.create("wss://webmessaging."
                + config.deploymentDomains().getOrDefault(deploymentId == null ? "" : deploymentId,
                        config.upstreamDomain())
                + "/v1"));
        try {
            // The multi-argument constructor quotes '%', so getQuery() (which the connector uses) returns rawQuery.
            return new URI(base.getScheme(), null, base.getHost(), base.getPort(), base.getPath(), rawQuery, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("unusable upstream URL", e);
        }
    }

    private static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    static String queryParameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
