package io.carryover.agent;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The agent API's answers (README, agent API). Every text in them is redacted as the summary is. */
final class AgentViews {

    private AgentViews() {
    }

    record Context(String state, AgentView agent, Current current, SummaryView summary,
            List<ConversationView> conversations) {
    }

    record AgentView(String id, String name, boolean supervisor) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Current(String genesysConversationId, Enrichment enrichment) {
    }

    record Enrichment(String status, Instant updatedAt) {
    }

    record SummaryView(String headline, List<SummaryLine> lines) {
    }

    record SummaryLine(String kind, String text, String conversationId, List<String> messageIds) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ConversationView(String id, String genesysConversationId, Instant startedAt, Instant endedAt,
            Long durationSeconds, List<String> agents, String outcome, String enrichmentStatus, long messageCount) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Transcript(String id, Instant startedAt, Instant endedAt, List<MessageView> messages) {
    }

    record MessageView(String id, Instant time, String from, String text) {
    }

    record SearchResult(String query, List<Hit> hits) {
    }

    record Hit(String conversationId, String messageId, Instant time, String snippet) {
    }
}
