package io.carryover.history;

import static io.carryover.testing.HistoryApi.as;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.carryover.testing.HistoryApi;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Latency of the conversation routes for a heavy customer (2,000 conversations of 10 messages, half enriched), warm
 * cache, audit row included. A measurement, not a gate: runs only with {@code -Dcarryover.measure=true}.
 */
@QuarkusTest
class ConversationReadsMeasureTest {

    private static final int CONVERSATIONS = 2000;
    private static final int REQUESTS = 300;

    @Test
    void heavyCustomer() {
        Assumptions.assumeTrue(Boolean.getBoolean("carryover.measure"), "measurement only");
        String subject = "heavy-" + UUID.randomUUID();
        UUID customer = HistorySeed.customer(Sandbox.ISSUER, subject);
        UUID session = UUID.randomUUID();
        HistorySeed.execute("""
                insert into guest_session (id, deployment_id, token_hash, customer_id, created_at, last_seen_at)
                values (?, 'heavy', repeat('a', 64), ?, now(), now())""", session, customer);
        HistorySeed.execute("""
                insert into conversation (id, genesys_conversation_id, deployment_id, customer_id, session_id,
                                          started_at, ended_at, state)
                select gen_random_uuid(), gen_random_uuid()::text, 'heavy', ?, ?,
                       now() - make_interval(hours => i), now() - make_interval(hours => i) + interval '5 minutes',
                       'CLOSED'
                from generate_series(1, ?) i""", customer, session, CONVERSATIONS);
        HistorySeed.execute("""
                insert into message (genesys_message_id, conversation_id, direction, message_type, text, sender_name,
                                     originating_entity, channel_time, received_at, original)
                select gen_random_uuid()::text, c.id, case when j % 2 = 0 then 'Inbound' else 'Outbound' end, 'Text',
                       'message ' || j || ' about order 4111 1111 1111 1111 and a rather long sentence of text',
                       case when j % 2 = 0 then null else 'Agent ' || (j % 3) end,
                       case when j % 2 = 0 then null else 'Human' end,
                       c.started_at + make_interval(secs => j), c.started_at + make_interval(secs => j), '{}'::jsonb
                from conversation c, generate_series(0, 9) j where c.customer_id = ?""", customer);
        HistorySeed.execute("""
                insert into enrichment_job (conversation_id, first_message_id, first_echo_at, state, outcome, attempts,
                                            next_attempt_at, deadline_at, created_at, completed_at)
                select id, gen_random_uuid()::text, started_at, 'DONE', 'patched', 1, started_at, started_at,
                       started_at, started_at
                from conversation where customer_id = ? and extract(epoch from started_at)::bigint % 2 = 0""",
                customer);
        HistorySeed.execute("analyze conversation");
        HistorySeed.execute("analyze message");
        String token = HistoryApi.serviceToken("history.read");

        // Every page of the list, 20 at a time: all 2,000 once, then timings of first and deep pages.
        List<String> cursors = new ArrayList<>();
        String cursor = null;
        int seen = 0;
        do {
            cursors.add(cursor);
            var request = as(token);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/api/v1/customers/{id}/conversations", customer).then().statusCode(200)
                    .extract().jsonPath();
            seen += page.getList("items").size();
            cursor = page.get("nextCursor");
        } while (cursor != null);
        assertEquals(CONVERSATIONS, seen);
        List<String> ids = as(token).queryParam("limit", 100).get("/api/v1/customers/{id}/conversations", customer)
                .then().extract().jsonPath().getList("items.conversationId");
        List<String> genesysIds = as(token).queryParam("limit", 100)
                .get("/api/v1/customers/{id}/conversations", customer).then().extract().jsonPath()
                .getList("items.genesysConversationId");

        report("customers lookup (baseline)", i -> "/api/v1/customers?issuer=" + java.net.URLEncoder.encode(
                Sandbox.ISSUER, java.nio.charset.StandardCharsets.UTF_8) + "&sub=" + subject, token);
        report("list (page 1, limit 20)", i -> "/api/v1/customers/" + customer + "/conversations", token);
        report("list (deep pages, limit 20)", i -> "/api/v1/customers/" + customer + "/conversations?cursor="
                + cursors.get(cursors.size() - 1 - (i % 20)), token);
        report("list (limit 100)", i -> "/api/v1/customers/" + customer + "/conversations?limit=100", token);
        report("conversation", i -> "/api/v1/conversations/" + ids.get(i % ids.size()), token);
        report("by-genesys-id", i -> "/api/v1/conversations/by-genesys-id/" + genesysIds.get(i % ids.size()), token);
        report("summary (computed)", i -> "/api/v1/customers/" + customer + "/summary", token);
    }

    private static void report(String name, IntFunction<String> path, String token) {
        for (int i = 0; i < 50; i++) {
            as(token).urlEncodingEnabled(false).get(path.apply(i)).then().statusCode(200);
        }
        long[] nanos = new long[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            long start = System.nanoTime();
            as(token).urlEncodingEnabled(false).get(path.apply(i)).then().statusCode(200);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf("MEASURE %-28s n=%d p50=%.1f ms p99=%.1f ms%n", name, REQUESTS,
                nanos[REQUESTS / 2] / 1e6, nanos[(int) (REQUESTS * 0.99)] / 1e6);
    }
}
