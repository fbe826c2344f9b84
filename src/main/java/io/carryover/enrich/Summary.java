package io.carryover.enrich;

import java.util.List;

/**
 * A bounded account of prior conversations for the agent. Every line cites the archived message ids it was built
 * from, so an agent (or an auditor) can open the source.
 */
public record Summary(String headline, List<Line> lines, Totals totals) {

    public enum Kind {
        /** One per prior conversation: date, duration, agents, message count. */
        CONVERSATION,
        /** What the customer first asked in that conversation. */
        OPENING_REQUEST,
        /** The last lines that tell how it ended. */
        OUTCOME,
        /** Something left open: the customer had the last word, or the agent promised to come back. */
        FOLLOW_UP
    }

    public record Line(Kind kind, String text, List<Long> sourceMessageIds) {
    }

    public record Totals(int conversations, int messages, java.time.Instant firstContact, java.time.Instant lastContact) {
    }
}
