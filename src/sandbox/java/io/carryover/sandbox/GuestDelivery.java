package io.carryover.sandbox;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;

/**
 * Writes frames to guest sockets and closes them. Every call blocks until the write is done, so callers run on a
 * worker thread; sends to a session's sockets happen under its lock (same order on every socket), closes outside it
 * (the close callback takes that lock).
 */
@ApplicationScoped
public class GuestDelivery {

    private static final Logger LOG = Logger.getLogger(GuestDelivery.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);

    /** Sends to every socket of the session, in the same order everywhere; returns how many got it. */
    int broadcast(SandboxGuestSession session, String frame) {
        int delivered = 0;
        for (WebSocketConnection socket : List.copyOf(session.sockets.values())) {
            if (send(socket, frame)) {
                delivered++;
            }
        }
        return delivered;
    }

    boolean send(WebSocketConnection socket, String frame) {
        if (!socket.isOpen()) {
            return false;
        }
        try {
            socket.sendText(frame).await().atMost(SEND_TIMEOUT);
            return true;
        } catch (RuntimeException e) {
            // A guest vanishing mid-send is normal; the close callback cleans up.
            LOG.debugf("sandbox frame not delivered to socket %s: %s", socket.id(), e.toString());
            return false;
        }
    }

    void closeAll(List<WebSocketConnection> sockets, int code, String reason) {
        for (WebSocketConnection socket : sockets) {
            close(socket, code, reason);
        }
    }

    void close(WebSocketConnection socket, int code, String reason) {
        if (!socket.isOpen()) {
            return;
        }
        try {
            socket.close(new CloseReason(code, reason)).await().atMost(SEND_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.debugf("sandbox socket %s did not close cleanly: %s", socket.id(), e.toString());
        }
    }
}
