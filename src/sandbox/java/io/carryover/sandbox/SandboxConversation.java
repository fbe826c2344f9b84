package io.carryover.sandbox;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Platform side of one emulated web messaging conversation: what a later Platform API emulator
 * reads (conversation id, customer participant, message ids, participant attributes). Written under
 * the owning session's lock; its collections are concurrent so readers need no lock.
 */
final class SandboxConversation {

    /** One message as Genesys stored it; outbound bodies are kept so they can be replayed verbatim. */
    record Message(String id, String direction, String type, String text, Instant time, ObjectNode body) {
    }

    /** The queue every sandbox conversation is routed to (the acd participant's queue.id). */
    static final String QUEUE_ID = "5c0e5e5a-0000-4000-8000-00000000a0d1";
    /** The Platform user behind every simulated agent (the agent participant's user.id). */
    static final String AGENT_USER_ID = "5c0e5e5a-0000-4000-8000-00000000a9e1";

    final String id = UUID.randomUUID().toString();
    final String customerParticipantId = UUID.randomUUID().toString();
    final String acdParticipantId = UUID.randomUUID().toString();
    /** Exists from the start but is listed as a participant only once {@link #agentJoined}. */
    final String agentParticipantId = UUID.randomUUID().toString();
    final String deploymentId;
    final boolean authenticated;
    final Instant startTime = Instant.now();
    final List<Message> messages = new CopyOnWriteArrayList<>();
    /** Participant data of the customer, from the guest's channel.metadata.customAttributes. */
    final Map<String, String> customerAttributes = new ConcurrentHashMap<>();
    /** Participant data of the acd and agent participants (written only through the Platform API). */
    final Map<String, String> acdAttributes = new ConcurrentHashMap<>();
    final Map<String, String> agentAttributes = new ConcurrentHashMap<>();
    /** Set when a simulated agent joins or replies through the control API (not by the auto-reply). */
    volatile boolean agentJoined;
    volatile boolean autoReplied;
    volatile boolean ended;

    SandboxConversation(String deploymentId, boolean authenticated) {
        this.deploymentId = deploymentId;
        this.authenticated = authenticated;
    }
}
