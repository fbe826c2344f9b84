package io.carryover.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.carryover.testing.Guest;
import io.carryover.testing.Metrics;
import io.carryover.testing.Sandbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/** A region's Platform client against the sandbox's emulated Platform API: tokens, budget, retries, error mapping. */
@QuarkusTest
class PlatformClientTest {

    @Inject
    PlatformClient platforms;
    @Inject
    PlatformConfig config;
    @Inject
    MeterRegistry meters;

    private RegionClient platform;
    private String messageId;
    private long since;

    @BeforeEach
    void aGuestMessage() throws Exception {
        platform = platforms.forDeployment(Guest.DEPLOYMENT).orElseThrow();
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
        platform.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT);
        long tokensBefore = count("token");
        for (int i = 0; i < 5; i++) {
            platform.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT);
        }
        assertEquals(tokensBefore, count("token"), "no new token for cached calls");
        assertEquals(6, count("details"));
    }

    @Test
    void aTokenTheServerNoLongerAcceptsIsRenewedOnce() {
        platform.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT);
        long tokensBefore = count("token");
        Sandbox.platformFault(Map.of("status", 401, "count", 1, "endpoint", "details", "path", detailsPath()));
        platform.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT);
        assertEquals(tokensBefore + 1, count("token"), "one renewal after the 401");
    }

    @Test
    void serverErrorsAreRetriedWithBackoffThenGiveUp() {
        Sandbox.platformFault(Map.of("status", 503, "count", 2, "endpoint", "details", "path", detailsPath()));
        platform.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT);
        assertEquals(3, count("details"), "two 503s, then success");

        Sandbox.platformFault(Map.of("status", 502, "count", 10, "endpoint", "details", "path", detailsPath()));
        long start = System.nanoTime();
        assertThrows(PlatformException.Unavailable.class, () -> platform.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(3 + 4, count("details"), "the first try and three retries");
        assertTrue(tookMillis >= 100 + 300 + 700, "exponential backoff between retries, took " + tookMillis + " ms");
    }

    @Test
    void a429ComesBackAsThrottledWithItsRetryAfterCapped() {
        Sandbox.platformFault(Map.of("status", 429, "count", 1, "retryAfterSeconds", 3, "endpoint", "details", "path", detailsPath()));
        var throttled = assertThrows(PlatformException.Throttled.class, () -> platform.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT));
        assertEquals(Duration.ofSeconds(3), throttled.retryAfter());
        assertEquals(1, count("details"), "not retried on a thread");

        Sandbox.platformFault(Map.of("status", 429, "count", 1, "retryAfterSeconds", 3600, "endpoint", "details", "path", detailsPath()));
        throttled = assertThrows(PlatformException.Throttled.class, () -> platform.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT));
        assertEquals(Duration.ofSeconds(60), throttled.retryAfter(), "capped at carryover.platform.max-retry-after");
    }

    @Test
    void unknownMessagesAreNotFoundAndOtherClientErrorsRejected() {
        assertThrows(PlatformException.NotFound.class, () -> platform.conversationIdOfMessage("no-such-message", CallPriority.FIRST_ATTEMPT));
        Sandbox.platformFault(Map.of("status", 403, "count", 1, "endpoint", "details", "path", detailsPath()));
        var rejected = assertThrows(PlatformException.Rejected.class, () -> platform.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT));
        assertEquals(403, rejected.status());
    }

    @Test
    void theTokensBudgetStopsCallsBeforeGenesysWould() {
        RegionClient tight = withBudget(3);
        for (int i = 0; i < 3; i++) {
            tight.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT);
        }
        var throttled = assertThrows(PlatformException.Throttled.class, () -> tight.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT));
        assertTrue(throttled.getMessage().contains("request budget"));
        assertEquals(3, count("details"), "the fourth call never left Carryover");
    }

    /** The same small limit on both sides: hammering from several threads never earns a 429 from Genesys. */
    @Test
    void aBudgetAsSmallAsGenesysLimitNeverEarnsA429() throws Exception {
        Sandbox.platformSettings(Map.of("requestsPerMinute", 5));
        RegionClient tight = withBudget(5);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<String>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                calls.add(threads.submit(() -> {
                    try {
                        tight.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT);
                        return "sent";
                    } catch (PlatformException.Throttled e) {
                        return e.getMessage().contains("request budget") ? "budget" : "genesys";
                    }
                }));
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<String> call : calls) {
                outcomes.add(call.get());
            }
            assertEquals(5, outcomes.stream().filter("sent"::equals).count(), outcomes.toString());
            assertEquals(35, outcomes.stream().filter("budget"::equals).count(), outcomes.toString());
        } finally {
            threads.shutdownNow();
        }
        List<Map<String, Object>> received = Sandbox.platformRequests(since).stream()
                .filter(r -> "details".equals(r.get("endpoint"))).toList();
        assertEquals(5, received.size(), "only the budget's requests left Carryover: " + received);
        assertTrue(received.stream().noneMatch(r -> Integer.valueOf(429).equals(r.get("status"))), received.toString());
    }

    @Test
    void rejectedAttemptsDoNotExtendTheWait() throws Exception {
        Sandbox.platformSettings(Map.of("requestsPerMinute", 3));
        RegionClient tight = withBudget(3);
        for (int i = 0; i < 3; i++) {
            tight.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT);
        }
        Duration first = assertThrows(PlatformException.Throttled.class,
                () -> tight.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT)).retryAfter();
        assertTrue(first.compareTo(Duration.ofSeconds(60)) <= 0, "at most a minute: " + first);
        Thread.sleep(1500);
        for (int i = 0; i < 20; i++) {
            assertThrows(PlatformException.Throttled.class, () -> tight.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT));
        }
        Duration later = assertThrows(PlatformException.Throttled.class,
                () -> tight.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT)).retryAfter();
        assertTrue(later.compareTo(first.minusSeconds(1)) < 0, "the wait shrinks: first " + first + ", later " + later);
        assertEquals(3, count("details"), "rejected attempts never left Carryover");
    }

    /** Genesys counts per token, so a renewed token (here after a 401) starts with a budget of its own. */
    @Test
    void aRenewedTokenStartsWithAFreshBudget() {
        RegionClient tight = withBudget(2);
        tight.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT);
        Sandbox.platformFault(Map.of("status", 401, "count", 1, "endpoint", "details", "path", detailsPath()));
        tight.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT); // the 401 spends the old token's second slot
        tight.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT);
        assertThrows(PlatformException.Throttled.class, () -> tight.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT));
        assertEquals(4, count("details"));
    }

    @Test
    void everyCallIsTimedByEndpointAndStatus() {
        String region = "region=\"" + config.domain() + "\"";
        double before = Metrics.value("carryover_platform_requests_seconds_count",
                "endpoint=\"message-details\"", region, "status=\"200\"");
        platform.conversationIdOfMessage(messageId, CallPriority.FIRST_ATTEMPT);
        assertEquals(before + 1, Metrics.value("carryover_platform_requests_seconds_count",
                "endpoint=\"message-details\"", region, "status=\"200\""));
    }

    /** Faults are scoped to this test's message: the application's enrichment workers call details too. */
    private String detailsPath() {
        return Sandbox.detailsPath(messageId);
    }

    /** Requests to an endpoint since the test began; details only for this test's message. */
    private long count(String endpoint) {
        return Sandbox.platformRequests(since).stream().filter(r -> endpoint.equals(r.get("endpoint")))
                .filter(r -> !endpoint.equals("details") || detailsPath().equals(r.get("path")))
                .count();
    }

    /** A client of the sandbox's default client with its own, smaller request budget. */
    private RegionClient withBudget(int perMinute) {
        PlatformConfig small = (PlatformConfig) Proxy.newProxyInstance(PlatformConfig.class.getClassLoader(),
                new Class<?>[] { PlatformConfig.class }, (proxy, method, args) ->
                        method.getName().equals("requestsPerMinute") ? perMinute : method.invoke(config, args));
        return new RegionClient(new PlatformClient.Region("sandbox", Sandbox.PLATFORM_CLIENT_ID,
                Sandbox.PLATFORM_CLIENT_SECRET, URI.create(Sandbox.PLATFORM_API), URI.create(Sandbox.PLATFORM_LOGIN)),
                small, meters);
    }
}
