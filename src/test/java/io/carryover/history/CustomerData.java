package io.carryover.history;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.carryover.testing.Archive;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.HistorySeed.Line;
import io.carryover.testing.Sandbox;

/**
 * A customer with a row in every table that holds customer data: two conversations with messages, a summary and an
 * enrichment job (one PATCHed to Genesys), and a guest conversation taken along at sign-in (link record).
 */
record CustomerData(UUID customerId, String subject, List<UUID> conversations, UUID guestId, UUID linkedConversation,
        String genesysPatched) {

    static final String SECRET_TEXT = "my card \"4111\" isn't <working>\n\u00e9\u00e8 -- '; drop table message; --";

    static CustomerData seed(String label) {
        String subject = label + "-" + UUID.randomUUID();
        UUID customerId = HistorySeed.customer(Sandbox.ISSUER, subject);
        Instant now = Instant.now();
        String genesysPatched = "gen-" + UUID.randomUUID();
        UUID first = HistorySeed.conversation(customerId, HistorySeed.DEPLOYMENT, now.minusSeconds(7200), null,
                List.of(Line.customer(SECRET_TEXT), Line.agent("Let me check " + subject)));
        UUID second = HistorySeed.conversation(customerId, HistorySeed.DEPLOYMENT, now.minusSeconds(600),
                genesysPatched, List.of(Line.customer("Hello again " + subject), Line.agent("Welcome back")));
        HistorySeed.execute("""
                insert into conversation_summary (conversation_id, headline, lines, attributes, created_at)
                values (?, 'one prior conversation', '[{"kind":"opening","text":"x","messageIds":[1]}]'::jsonb,
                        '{"carryover.headline":"one prior conversation"}'::jsonb, now())""", second);
        HistorySeed.execute("""
                insert into enrichment_job (conversation_id, first_message_id, first_echo_at, state, outcome, attempts,
                                            next_attempt_at, deadline_at, created_at, completed_at, patched_hash)
                values (?, ?, now(), 'DONE', 'patched', 3, now(), now(), now(), now(), 'abc123')""",
                second, "msg-" + UUID.randomUUID());
        HistorySeed.execute("""
                insert into enrichment_job (conversation_id, first_message_id, first_echo_at, state, next_attempt_at,
                                            deadline_at, created_at)
                values (?, ?, now(), 'PENDING', now() + interval '1 hour', now() + interval '1 hour', now())""",
                first, "msg-" + UUID.randomUUID());
        // A guest conversation taken along when the guest signed in: it is the customer's now; the link row
        // remembers the guest key it came from.
        String guestToken = UUID.randomUUID().toString();
        UUID guestId = Archive.guestOf(guestToken);
        HistorySeed.execute("""
                insert into customer (id, issuer, subject, created_at)
                values (?, 'urn:carryover:guest', ?, now())""", guestId,
                io.carryover.identity.TokenHash.of(guestToken));
        UUID guestSession = UUID.randomUUID();
        HistorySeed.execute("""
                insert into guest_session (id, deployment_id, token_hash, customer_id, created_at, last_seen_at)
                values (?, ?, ?, ?, now(), now())""", guestSession, HistorySeed.DEPLOYMENT,
                io.carryover.identity.TokenHash.of(guestToken), guestId);
        UUID linked = HistorySeed.conversation(customerId, HistorySeed.DEPLOYMENT, now.minusSeconds(300), null,
                List.of(Line.customer("asked as a guest " + subject)));
        HistorySeed.execute("""
                insert into identity_link (conversation_id, from_customer_id, to_customer_id, from_session_id,
                                           to_session_id, linked_at)
                values (?, ?, ?, ?, (select session_id from conversation where id = ?), now())""",
                linked, guestId, customerId, guestSession, linked);
        return new CustomerData(customerId, subject, List.of(first, second, linked), guestId, linked,
                genesysPatched);
    }
}
