package io.carryover.sandbox;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import io.quarkus.websockets.next.WebSocketConnection;

/**
 * State Genesys keeps per guest token. Several sockets may share one token (tabs, devices), so all
 * fields are read and written only while holding {@link #lock}; frames are sent under it too, which
 * keeps their order identical on every socket.
 */
final class SandboxGuestSession {

    final ReentrantLock lock = new ReentrantLock();
    final String token;

    String deploymentId;
    boolean configured;
    boolean authenticated;
    boolean readOnly;
    boolean expired;
    /** Set once a Presence Clear removed the token; holders of a stale reference must look again. */
    boolean removed;
    /** Null between a newSession:true and the first inbound message, which opens the conversation. */
    SandboxConversation conversation;
    /** Every conversation this token had, oldest first. */
    final List<SandboxConversation> conversations = new ArrayList<>();
    /** Sockets configured with this token, by connection id. */
    final Map<String, WebSocketConnection> sockets = new LinkedHashMap<>();
    /** Arrival times (ms) of onMessage requests inside the current one-second window. */
    final Deque<Long> recentRequests = new ArrayDeque<>();

    SandboxGuestSession(String token) {
        this.token = token;
    }

    /** Forgets the conversation so the next inbound message opens a new one. */
    void startAfresh() {
        conversation = null;
        readOnly = false;
        expired = false;
        recentRequests.clear();
    }

    SandboxConversation openConversation() {
        if (conversation == null) {
            conversation = new SandboxConversation(deploymentId, authenticated);
            conversations.add(conversation);
        }
        return conversation;
    }

    /**
     * Sliding one-second window over accepted onMessage requests. Rejected requests are not counted,
     * so a client that honours retryAfter always gets through again.
     */
    boolean admitRequest(long nowMillis, int perSecond) {
        while (!recentRequests.isEmpty() && nowMillis - recentRequests.peekFirst() >= 1000) {
            recentRequests.removeFirst();
        }
        if (recentRequests.size() >= perSecond) {
            return false;
        }
        recentRequests.addLast(nowMillis);
        return true;
    }
}
