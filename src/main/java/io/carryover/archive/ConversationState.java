package io.carryover.archive;

public enum ConversationState {
    ACTIVE,
    /** The agent disconnected; the guest can read but not write until a new session starts. */
    READ_ONLY,
    /** Expired, cleared, or replaced by a newer conversation of the same session. */
    CLOSED
}
