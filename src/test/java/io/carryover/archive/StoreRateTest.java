package io.carryover.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StoreRateTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void ratesAWholeWindowAndKeepsItUntilTheNextOneEnds() {
        StoreRate rate = new StoreRate();
        assertEquals(0, rate.update(1_000, 0), "no window yet");
        assertEquals(0, rate.update(4_000, SECOND / 2), "the first window is not over");
        assertEquals(9_000, rate.update(19_000, 2 * SECOND), 0.001, "18,000 in 2 s");
        assertEquals(9_000, rate.update(19_500, 2 * SECOND + SECOND / 2), 0.001, "kept within the next window");
        assertEquals(500, rate.update(19_500, 3 * SECOND), 0.001, "500 in the second after");
        assertEquals(0, rate.update(19_500, 4 * SECOND), 0.001, "quiet");
    }

    @Test
    void aCountThatGoesBackIsNotANegativeRate() {
        StoreRate rate = new StoreRate();
        rate.update(5_000, 0);
        assertEquals(0, rate.update(10, SECOND));
        assertEquals(1_000, rate.update(1_010, 2 * SECOND), 0.001);
    }
}
