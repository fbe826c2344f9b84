package io.carryover.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;


import io.carryover.testing.Guest;
import io.carryover.testing.Metrics;
import io.carryover.testing.Sandbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/** The Platform client against the sandbox's emulated Platform API: tokens, budget, retries and error mapping. */
@QuarkusTest
class PlatformClientTest {

    @Inject
    PlatformClient platform;
    @Inject
    @RestClient
    GenesysLoginRestClient login;
    @Inject
    @RestClient
    GenesysApiRestClient api;
    @Inject
    MeterRegistry meters;

    private String messageId;
    private long since;

    @BeforeEach
    void aGuestMessage() throws Exception {
        try (Guest guest = Guest.direct(Guest.newToken())) {
            guest.configure(false);
            messageId = guest.say("A message to look up").path("id").asText();
        }
        since = System.currentTimeMillis();
    }

    @AfterEach
    void reset() {
        Sandbox.platformReset();
    }

    @Test
    void theTokenIsFetchedOnceAndReused() {
        platform.conversationIdOfMessage(messageId);
        long tokensBefore = count("token");
        for (int i = 0; i < 5; i++) {
            platform.conversationIdOfMessage(messageId);
        }
        assertEquals(tokensBefore, count("token"), "no new token for cached calls");
        assertEquals(6, count("details"));
    }

    @Test
    void aTokenTheServerNoLongerAcceptsIsRenewedOnce() {
        platform.conversationIdOfMessage(messageId);
        long tokensBefore = count("token");
        Sandbox.platformFault(Map.of("status", 401, "count", 1, "endpoint", "details"));
        platform.conversationIdOfMessage(messageId);
        assertEquals(tokensBefore + 1, count("token"), "one renewal after the 401");
    }

    @Test
    void serverErrorsAreRetriedWithBackoffThenGiveUp() {
        Sandbox.platformFault(Map.of("status", 503, "count", 2, "endpoint", "details"));
        platform.conversationIdOfMessage(messageId);
        assertEquals(3, count("details"), "two 503s, then success");

        Sandbox.platformFault(Map.of("status", 502, "count", 10, "endpoint", "details"));
        long start = System.nanoTime();
        assertThrows(PlatformException.Unavailable.class, () -> platform.conversationIdOfMessage(messageId));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(3 + 4, count("details"), "the first try and three retries");
        assertTrue(tookMillis >= 100 + 300 + 700, "exponential backoff between retries, took " + tookMillis + " ms");
    }

    @Test
    void a429ComesBackAsThrottledWithItsRetryAfterCapped() {
        Sandbox.platformFault(Map.of("status", 429, "count", 1, "retryAfterSeconds", 3, "endpoint", "details"));
        var throttled = assertThrows(PlatformException.Throttled.class, () -> platform.conversationIdOfMessage(messageId));
        assertEquals(Duration.ofSeconds(3), throttled.retryAfter());
        assertEquals(1, count("details"), "not retried on a thread");

        Sandbox.platformFault(Map.of("status", 429, "count", 1, "retryAfterSeconds", 3600, "endpoint", "details"));
        throttled = assertThrows(PlatformException.Throttled.class, () -> platform.conversationIdOfMessage(messageId));
        assertEquals(Duration.ofSeconds(60), throttled.retryAfter(), "capped at carryover.platform.max-retry-after");
    }

    @Test
    void unknownMessagesAreNotFoundAndOtherClientErrorsRejected() {
        assertThrows(PlatformException.NotFound.class, () -> platform.conversationIdOfMessage("no-such-message"));
        Sandbox.platformFault(Map.of("status", 403, "count", 1, "endpoint", "details"));
        var rejected = assertThrows(PlatformException.Rejected.class, () -> platform.conversationIdOfMessage(messageId));
        assertEquals(403, rejected.status());
    }

    @Test
    void theClientWideBudgetStopsCallsBeforeGenesysWould() {
        PlatformClient tight = new PlatformClient(budgetOf(3), login, api, meters);
        for (int i = 0; i < 3; i++) {
            tight.conversationIdOfMessage(messageId);
        }
        var throttled = assertThrows(PlatformException.Throttled.class, () -> tight.conversationIdOfMessage(messageId));
        assertTrue(throttled.getMessage().contains("request budget"));
        assertEquals(3, count("details"), "the fourth call never left Carryover");
    }

    @Test
    void everyCallIsTimedByEndpointAndStatus() {
        double before = Metrics.value("carryover_platform_requests_seconds_count",
                "endpoint=\"message-details\"", "status=\"200\"");
        platform.conversationIdOfMessage(messageId);
        assertEquals(before + 1, Metrics.value("carryover_platform_requests_seconds_count",
                "endpoint=\"message-details\"", "status=\"200\""));
    }

    /** Requests to an endpoint since the test began; details only for this test's message. */
    private long count(String endpoint) {
        return Sandbox.platformRequests(since).stream().filter(r -> endpoint.equals(r.get("endpoint")))
                .filter(r -> !endpoint.equals("details") || String.valueOf(r.get("path")).contains(messageId))
                .count();
    }

    private static PlatformConfig budgetOf(int perMinute) {
        return new PlatformConfig() {
            public String domain() {
                return "sandbox";
            }

            public Optional<String> clientId() {
                return Optional.of(Sandbox.PLATFORM_CLIENT_ID);
            }

            public Optional<String> clientSecret() {
                return Optional.of(Sandbox.PLATFORM_CLIENT_SECRET);
            }

            public int requestsPerMinute() {
                return perMinute;
            }

            public Duration maxRetryAfter() {
                return Duration.ofSeconds(60);
            }

            public int retries() {
                return 3;
            }

            public Duration tokenRefreshMargin() {
                return Duration.ofSeconds(60);
            }
        };
    }

}
