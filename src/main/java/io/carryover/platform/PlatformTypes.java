package io.carryover.platform;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The few Platform API shapes Carryover reads or sends; unknown fields are ignored on the way in. */
public final class PlatformTypes {

    private PlatformTypes() {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TokenResponse(@JsonProperty("access_token") String accessToken,
            @JsonProperty("token_type") String tokenType, @JsonProperty("expires_in") long expiresIn) {
    }

    /** {@code GET /api/v2/conversations/messages/{messageId}/details} ({@code MessageData}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MessageDetails(String id, String conversationId) {
    }

    /** {@code GET /api/v2/conversations/messages/{conversationId}} ({@code MessageConversation}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MessageConversation(String id, List<Participant> participants) {

        /** The participant whose attributes the agent sees as the customer's. */
        public Participant customer() {
            return participants == null ? null
                    : participants.stream().filter(p -> "customer".equals(p.purpose())).findFirst().orElse(null);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Participant(String id, String purpose, Boolean authenticated) {
    }

    /** Body of {@code PATCH .../participants/{participantId}/attributes} ({@code ParticipantAttributes}). */
    public record ParticipantAttributes(Map<String, String> attributes) {
    }
}
