package io.carryover.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.transaction.Transactional;

import org.junit.jupiter.api.Test;

import io.carryover.archive.IdentityLink;
import io.carryover.enrich.EnrichmentJobRow;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.HistorySeed.Line;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;

/** The Panache read models of the tables added since the archive (jobs, links) read what the writers store. */
@QuarkusTest
class ReadModelTest {

    @Test
    @Transactional
    void jobsAndLinksReadBackThroughPanache() {
        UUID customer = HistorySeed.customer(Sandbox.ISSUER, "read-model-" + UUID.randomUUID());
        UUID guest = HistorySeed.customer("urn:carryover:guest", UUID.randomUUID().toString().replace("-", ""));
        UUID conversation = HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, Instant.now().minusSeconds(60),
                "g-" + UUID.randomUUID(), List.of(Line.customer("hello")));
        HistorySeed.execute("""
                insert into enrichment_job (conversation_id, first_message_id, first_echo_at, state, outcome, attempts,
                    next_attempt_at, deadline_at, created_at, completed_at)
                values (?, 'm1', now(), 'DONE', 'patched', 2, now(), now(), now(), now())""", conversation);
        UUID session = HistorySeed.sessionOf(customer);
        HistorySeed.execute("""
                insert into identity_link (conversation_id, from_customer_id, to_customer_id, from_session_id,
                    to_session_id, linked_at) values (?, ?, ?, ?, ?, now())""",
                conversation, guest, customer, session, session);

        EnrichmentJobRow job = EnrichmentJobRow.findById(conversation);
        assertEquals("patched", job.status().value());
        assertEquals(2, job.status().attempts());
        IdentityLink link = IdentityLink.find("toCustomerId", customer).firstResult();
        assertNotNull(link);
        assertEquals(guest, link.fromCustomerId);
        assertEquals(conversation, link.conversationId);
    }
}
