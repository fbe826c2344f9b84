package io.carryover.platform;

import java.time.Instant;
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

    /**
     * A participant; an agent's carries the {@code user} it is ({@code MessageMediaParticipant.user}) and when it
     * joined and left.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Participant(String id, String purpose, Boolean authenticated, Ref user, Instant connectedTime,
            Instant endTime) {
    }

    /** An entity reference ({@code AddressableEntityRef} and the like). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Ref(String id, String name) {
    }

    /** {@code GET /api/v2/organizations/me} ({@code Organization}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Organization(String id, String name) {
    }

    /** {@code GET /api/v2/users/me?expand=authorization,organization} ({@code UserMe}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UserMe(String id, String name, Organization organization, Authorization authorization) {

        /** Names of the user's roles; empty when Genesys sent none. */
        public List<String> roleNames() {
            return authorization == null || authorization.roles() == null ? List.of()
                    : authorization.roles().stream().map(Ref::name).filter(java.util.Objects::nonNull).toList();
        }
    }

    /** {@code UserAuthorization}: the roles part. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Authorization(List<Ref> roles) {
    }

    /** Body of {@code PATCH .../participants/{participantId}/attributes} ({@code ParticipantAttributes}). */
    public record ParticipantAttributes(Map<String, String> attributes) {
    }
}
