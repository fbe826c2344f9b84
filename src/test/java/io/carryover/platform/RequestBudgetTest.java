package io.carryover.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The sliding log on a fake clock: never more than the limit in any rolling minute, and exact waits. */
class RequestBudgetTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    private long now = 1_000_000_000L; // nanoTime is arbitrary; start away from zero

    private RequestBudget budget(int limit) {
        return new RequestBudget(limit, MINUTE, () -> now);
    }

    private void advance(Duration by) {
        now += by.toNanos();
    }

    private Duration waitFor(RequestBudget budget) {
        return assertThrows(PlatformException.Throttled.class, budget::take).retryAfter();
    }

    @Test
    void hammeringNeverGetsMoreThanTheLimitThroughInAnyRollingMinute() {
        RequestBudget budget = budget(5);
        Random random = new Random(42);
        List<long[]> sent = new ArrayList<>(); // {sent at, answered at}
        for (int attempt = 0; attempt < 20_000; attempt++) {
            advance(Duration.ofMillis(random.nextInt(100)));
            try (RequestBudget.Slot slot = budget.take()) {
                long sentAt = now;
                advance(Duration.ofMillis(random.nextInt(50))); // the answer takes a while
                sent.add(new long[] { sentAt, now });
            } catch (PlatformException.Throttled e) {
                assertTrue(e.retryAfter().compareTo(MINUTE) <= 0, "never more than a window: " + e.retryAfter());
            }
        }
        // Whenever Genesys counts a request (between sending and answering), a request sent a minute or more
        // after the answer of the fifth before it is outside that one's window.
        for (int i = 5; i < sent.size(); i++) {
            assertTrue(sent.get(i)[0] - sent.get(i - 5)[1] >= MINUTE.toNanos(), "six requests within a minute at " + i);
        }
        // ... and the budget is used, not just withheld: 5 per minute over the whole run, give or take one minute.
        long minutes = (sent.get(sent.size() - 1)[0] - sent.get(0)[0]) / MINUTE.toNanos();
        assertTrue(sent.size() >= 5 * minutes, sent.size() + " requests in " + minutes + " minutes");
    }

    @Test
    void theWaitIsExactAndRejectedAttemptsDoNotExtendIt() {
        RequestBudget budget = budget(3);
        for (int i = 0; i < 3; i++) {
            budget.take().close();
            advance(Duration.ofSeconds(1));
        }
        advance(Duration.ofSeconds(7)); // 10 s after the first answer
        assertEquals(Duration.ofSeconds(50), waitFor(budget));
        for (int i = 0; i < 49_000; i++) {
            advance(Duration.ofMillis(1));
            assertThrows(PlatformException.Throttled.class, budget::take);
        }
        assertEquals(Duration.ofSeconds(1), waitFor(budget), "the 49,000 rejections left no trace");
        advance(Duration.ofMillis(999).plusNanos(1));
        assertEquals(Duration.ofMillis(1), waitFor(budget), "rounded up, never down");
        advance(Duration.ofNanos(999_999));
        budget.take().close();
        // The next slot frees a minute after the second answer, one second after the first.
        assertEquals(Duration.ofSeconds(1), waitFor(budget));
    }

    @Test
    void aRequestStillInFlightHoldsItsSlotUntilItsAnswerIsAMinuteOld() {
        RequestBudget budget = budget(1);
        RequestBudget.Slot slow = budget.take();
        advance(Duration.ofSeconds(90));
        assertEquals(MINUTE, waitFor(budget), "at least a minute from now, as the answer is not in yet");
        slow.close();
        advance(Duration.ofSeconds(59));
        assertEquals(Duration.ofSeconds(1), waitFor(budget));
        advance(Duration.ofSeconds(1));
        budget.take().close();
    }

    @Test
    void aLimitBelowOneIsAConfigurationError() {
        var error = assertThrows(IllegalArgumentException.class, () -> budget(0));
        assertTrue(error.getMessage().contains("carryover.platform.requests-per-minute"), error.getMessage());
    }
}
