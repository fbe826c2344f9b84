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
    void aBacklogIsPacedSoTheBudgetNeverRunsDryForTheRestOfTheMinute() {
        // Genesys's 300 per minute with a burst of 30: a worker that always has work sends the first 30 at once,
        // then one every 60 s / 270; it never waits longer than the pacing allows, never sends more than 300 in a
        // rolling minute, and a newcomer is never more than one turn away (the unpaced log made it wait ~55 s).
        RequestBudget budget = new RequestBudget(300, 30, MINUTE, () -> now, nanos -> now += nanos);
        List<Long> sentAt = new ArrayList<>();
        long interval = MINUTE.toNanos() / 270;
        for (int i = 0; i < 2_000; i++) {
            long before = now;
            try (RequestBudget.Slot slot = budget.take()) {
                sentAt.add(now);
                assertTrue(now - before <= interval, "waited " + (now - before) + " ns for turn " + i);
                advance(Duration.ofMillis(20)); // the answer
            }
        }
        assertEquals(sentAt.get(29), sentAt.get(0) + 29 * Duration.ofMillis(20).toNanos(), "the burst goes at once");
        for (int first = 0, last = 0; last < sentAt.size(); last++) {
            while (sentAt.get(last) - sentAt.get(first) >= MINUTE.toNanos()) {
                first++;
            }
            assertTrue(last - first + 1 <= 300, (last - first + 1) + " sends in a minute ending at " + last);
        }
        long minutes = (sentAt.get(sentAt.size() - 1) - sentAt.get(0)) / MINUTE.toNanos();
        assertTrue(sentAt.size() >= 270 * minutes, "the budget is used: " + sentAt.size() + " in " + minutes + " min");
    }

    @Test
    void aTurnFurtherAwayThanTheLongestPacingWaitIsTurnedAwayWithoutTrace() {
        List<Long> slept = new ArrayList<>();
        RequestBudget budget = new RequestBudget(300, 1, MINUTE, () -> now, slept::add);
        budget.take().close(); // the burst of one
        long interval = MINUTE.toNanos() / 299;
        for (int queued = 1; queued * interval <= RequestBudget.MAX_PACING_WAIT.toNanos(); queued++) {
            budget.take().close(); // callers queue up for their turns (the fake clock stands still)
            assertEquals(queued * interval, slept.get(slept.size() - 1));
        }
        Duration wait = waitFor(budget);
        assertTrue(wait.compareTo(RequestBudget.MAX_PACING_WAIT) > 0, "told to come back after " + wait);
        assertEquals(wait, waitFor(budget), "turned-away callers reserved nothing");
    }

    @Test
    void aLimitBelowOneIsAConfigurationError() {
        var error = assertThrows(IllegalArgumentException.class, () -> budget(0));
        assertTrue(error.getMessage().contains("carryover.platform.requests-per-minute"), error.getMessage());
    }

    /** Limit 10: the last 2 of a minute are kept for first attempts, the 2 before them also for agent lookups. */
    private RequestBudget prioritized() {
        return new RequestBudget(10, 10, 2, 2, MINUTE, () -> now, nanos -> { });
    }

    private Duration waitFor(RequestBudget budget, CallPriority priority) {
        return assertThrows(PlatformException.Throttled.class, () -> budget.take(priority)).retryAfter();
    }

    @Test
    void retriesStopFirstThenAgentLookupsWhileFirstAttemptsUseTheWholeMinute() {
        RequestBudget budget = prioritized();
        for (int i = 0; i < 6; i++) {
            budget.take(CallPriority.RETRY).close();
            advance(Duration.ofSeconds(1));
        }
        // Six in the minute: retries are done until the oldest leaves it, 54 s from now.
        assertEquals(Duration.ofSeconds(54), waitFor(budget, CallPriority.RETRY));
        budget.take(CallPriority.AGENT_LOOKUP).close();
        budget.take(CallPriority.AGENT_LOOKUP).close();
        assertEquals(Duration.ofSeconds(54), waitFor(budget, CallPriority.AGENT_LOOKUP));
        budget.take(CallPriority.FIRST_ATTEMPT).close();
        budget.take(CallPriority.FIRST_ATTEMPT).close();
        // The minute is full for everyone now; a first attempt waits for the sliding log like before.
        assertEquals(Duration.ofSeconds(54), waitFor(budget, CallPriority.FIRST_ATTEMPT));

        // As the oldest requests leave the window, room opens for first attempts, then agents, then retries.
        advance(Duration.ofSeconds(55));
        budget.take(CallPriority.FIRST_ATTEMPT).close();
        // Ten in the minute (sent at 1..5, 6, 6, 6, 6, 61 s): an agent needs the three oldest gone, at 63 s.
        assertEquals(Duration.ofSeconds(2), waitFor(budget, CallPriority.AGENT_LOOKUP));
        advance(Duration.ofSeconds(2));
        budget.take(CallPriority.AGENT_LOOKUP).close();
        // Eight (4, 5, 6 x4, 61, 63 s): a retry needs three more gone, the third at 66 s.
        assertEquals(Duration.ofSeconds(3), waitFor(budget, CallPriority.RETRY));
    }

    @Test
    void retriesCannotStarveAgentsAndAgentsCannotStarveFirstAttempts() {
        RequestBudget budget = prioritized();
        int retries = 0;
        int agents = 0;
        for (int i = 0; i < 20; i++) {
            try {
                budget.take(CallPriority.RETRY).close();
                retries++;
            } catch (PlatformException.Throttled e) {
                // turned away
            }
        }
        for (int i = 0; i < 20; i++) {
            try {
                budget.take(CallPriority.AGENT_LOOKUP).close();
                agents++;
            } catch (PlatformException.Throttled e) {
                // turned away
            }
        }
        assertEquals(6, retries);
        assertEquals(2, agents);
        budget.take(CallPriority.FIRST_ATTEMPT).close();
        budget.take(CallPriority.FIRST_ATTEMPT).close();
        waitFor(budget, CallPriority.FIRST_ATTEMPT);
    }

    @Test
    void reservesMustLeaveRoomForRetries() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> new RequestBudget(10, 10, 5, 5, MINUTE, () -> now, nanos -> { }));
        assertTrue(error.getMessage().contains("agent-reserve"), error.getMessage());
    }
}
