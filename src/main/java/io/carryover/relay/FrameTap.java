package io.carryover.relay;

import io.carryover.identity.Identity;

/**
 * Receives every relayed text message as the UTF-8 bytes received and forwarded (valid UTF-8; the array is shared
 * with the write in flight, so nobody may write to it). Implementations must return at once: the relay calls them on the
 * event loop, right before forwarding, so the copies of both directions arrive in causal order.
 */
public interface FrameTap {

    Listener open(String deploymentId, Identity identity);

    interface Listener {
        void fromClient(byte[] frame);

        void fromUpstream(byte[] frame);

        void closed();
    }
}
