package io.carryover.relay;

import io.carryover.identity.Identity;

/**
 * Receives a copy of every relayed text frame. Implementations must return at once: the relay calls them on the
 * event loop, right before forwarding, so the copies of both directions arrive in causal order.
 */
public interface FrameTap {

    Listener open(String deploymentId, Identity identity);

    interface Listener {
        void fromClient(String frame);

        void fromUpstream(String frame);

        void closed();
    }
}
