package io.carryover.relay;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import io.carryover.identity.Identity;
import io.carryover.identity.IdentityConfig.UnverifiedPolicy;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.Connection;
import io.quarkus.websockets.next.WebSocketClientConnection;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.buffer.Buffer;

/**
 * One guest connection and its upstream twin. Frames from the client wait (bounded) until both the upstream socket
 * and the identity check are done; after that they are forwarded as received. Writes in flight are counted per
 * direction so that a peer that stops reading is closed instead of growing memory.
 */
final class RelaySession {

    private static final Logger LOG = Logger.getLogger(RelaySession.class);
    private static final String AUTHENTICATED_ACTION = "\"configureAuthenticatedSession\"";

    private final WebSocketConnection client;
    private final String deploymentId;
    private final RelayConfig config;
    private final UnverifiedPolicy policy;
    private final FrameTap tap;
    private final RelayMetrics metrics;

    private final ArrayDeque<String> waiting = new ArrayDeque<>();
    private int waitingBytes;
    private Identity identity;
    private WebSocketClientConnection connectingUpstream;
    /** Set once both the upstream socket and the identity are known; from then on frames go straight through. */
    private volatile WebSocketClientConnection upstream;
    private volatile FrameTap.Listener listener;

    private final AtomicLong unsentToUpstream = new AtomicLong();
    private final AtomicLong unsentToClient = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    RelaySession(WebSocketConnection client, String deploymentId, RelayConfig config, UnverifiedPolicy policy,
            FrameTap tap, RelayMetrics metrics) {
        this.client = client;
        this.deploymentId = deploymentId;
        this.config = config;
        this.policy = policy;
        this.tap = tap;
        this.metrics = metrics;
    }

    // ---- client side (server connection's event loop)

    void fromClient(String frame) {
        if (closed.get()) {
            return;
        }
        if (oversize(frame)) {
            metrics.closedByRelay("oversize");
            closeBoth(CloseCodes.TOO_BIG, "frame exceeds " + config.maxFrameBytes() + " bytes");
            return;
        }
        WebSocketClientConnection up = upstream;
        if (up == null) {
            synchronized (this) {
                up = upstream;
                if (up == null) {
                    waitForUpstream(frame);
                    return;
                }
            }
        }
        forwardToUpstream(up, frame);
    }

    void binaryFromClient() {
        metrics.closedByRelay("binary");
        closeBoth(CloseCodes.UNSUPPORTED_DATA, "binary frames are not supported");
    }

    void clientClosed(CloseReason reason) {
        if (closed.compareAndSet(false, true)) {
            WebSocketClientConnection up = upstreamOrConnecting();
            if (up != null && up.isOpen()) {
                close(up, reason.getCode(), reason.getMessage());
            }
            finish();
        }
    }

    // ---- upstream side (upstream connection's event loop)

    synchronized void upstreamConnected(WebSocketClientConnection connection) {
        if (closed.get()) {
            connection.close().subscribe().with(ok -> { }, err -> { });
            return;
        }
        connectingUpstream = connection;
        releaseIfReady();
    }

    void upstreamFailed(Throwable failure) {
        LOG.debugf("upstream connect failed for deployment %s: %s", deploymentId, failure.getClass().getSimpleName());
        metrics.closedByRelay("upstream-unavailable");
        closeBoth(CloseCodes.INTERNAL_ERROR, "upstream unavailable");
    }

    synchronized void identityResolved(Identity resolved) {
        identity = resolved;
        releaseIfReady();
    }

    void fromUpstream(String frame) {
        if (closed.get()) {
            return;
        }
        metrics.framesFromUpstream.increment();
        metrics.bytesFromUpstream.increment(frame.length());
        // Copy first, as on the client side: once the client has this frame it may answer at once (configure after
        // a read-only SessionResponse), and that answer must not reach the archive ahead of this frame.
        FrameTap.Listener l = listener;
        if (l != null) {
            l.fromUpstream(frame);
        }
        if (!send(client, frame, unsentToClient)) {
            metrics.closedByRelay("client-not-reading");
            closeBoth(CloseCodes.POLICY_VIOLATION, "client is not reading");
        }
    }

    /** Genesys speaks text only; should it ever send binary, it is passed on untouched but not archived. */
    void binaryFromUpstream(Buffer frame) {
        if (!closed.get()) {
            client.sendBinary(frame).subscribe().with(ok -> { }, err -> { });
        }
    }

    void upstreamClosed(CloseReason reason) {
        if (closed.compareAndSet(false, true)) {
            int code = reason.getCode();
            String message = reason.getMessage();
            if (!CloseCodes.sendable(code)) {
                code = CloseCodes.INTERNAL_ERROR;
                message = "upstream closed abnormally";
            }
            if (client.isOpen()) {
                close(client, code, message);
            }
            finish();
        }
    }

    // ---- internals

    private void waitForUpstream(String frame) {
        int size = frame.length();
        if (waitingBytes + size > config.maxBufferedBytes()) {
            metrics.closedByRelay("upstream-slow");
            closeBoth(CloseCodes.TRY_AGAIN_LATER, "upstream is not ready");
            return;
        }
        waiting.add(frame);
        waitingBytes += size;
    }

    /** Called under the lock when the upstream socket or the identity arrives: both are needed to go on. */
    private void releaseIfReady() {
        if (connectingUpstream == null || identity == null || closed.get()) {
            return;
        }
        listener = tap.open(deploymentId, identity);
        WebSocketClientConnection up = connectingUpstream;
        String frame;
        while ((frame = waiting.poll()) != null) {
            if (!forwardToUpstream(up, frame)) {
                return;
            }
        }
        waitingBytes = 0;
        upstream = up;
    }

    private boolean forwardToUpstream(WebSocketClientConnection up, String frame) {
        if (policy == UnverifiedPolicy.REJECT && !(identity instanceof Identity.Verified)
                && frame.contains(AUTHENTICATED_ACTION)) {
            metrics.closedByRelay("identity-required");
            closeBoth(CloseCodes.POLICY_VIOLATION, "identity required");
            return false;
        }
        metrics.framesFromClient.increment();
        metrics.bytesFromClient.increment(frame.length());
        // The copy is queued before the frame leaves: Genesys's answer (tapped on the upstream thread) must never
        // reach the archive ahead of the request it answers. Queueing is a non-blocking offer.
        FrameTap.Listener l = listener;
        if (l != null) {
            l.fromClient(frame);
        }
        if (!send(up, frame, unsentToUpstream)) {
            metrics.closedByRelay("upstream-slow");
            closeBoth(CloseCodes.TRY_AGAIN_LATER, "upstream is not keeping up");
            return false;
        }
        return true;
    }

    /** Starts the write; false when too much is already waiting for this peer. */
    private boolean send(Connection to, String frame, AtomicLong unsent) {
        long size = frame.length();
        if (unsent.addAndGet(size) > config.maxBufferedBytes()) {
            return false;
        }
        to.sendText(frame).subscribe().with(ok -> unsent.addAndGet(-size), err -> unsent.addAndGet(-size));
        return true;
    }

    private boolean oversize(String frame) {
        int chars = frame.length();
        if (chars > config.maxFrameBytes()) {
            return true;
        }
        // Only frames that could exceed the limit in UTF-8 pay for measuring it.
        return (long) chars * 3 > config.maxFrameBytes()
                && frame.getBytes(StandardCharsets.UTF_8).length > config.maxFrameBytes();
    }

    private void closeBoth(int code, String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (client.isOpen()) {
            close(client, code, reason);
        }
        WebSocketClientConnection up = upstreamOrConnecting();
        if (up != null && up.isOpen()) {
            close(up, CloseCodes.NORMAL, "client connection closed by relay");
        }
        finish();
    }

    private synchronized WebSocketClientConnection upstreamOrConnecting() {
        return upstream != null ? upstream : connectingUpstream;
    }

    private void finish() {
        FrameTap.Listener l = listener;
        if (l != null) {
            l.closed();
        }
        metrics.activeSessions.decrementAndGet();
    }

    private static void close(Connection connection, int code, String reason) {
        int sendable = CloseCodes.sendable(code) ? code : CloseCodes.NORMAL;
        connection.close(new CloseReason(sendable, reason)).subscribe().with(ok -> { }, err -> { });
    }
}
