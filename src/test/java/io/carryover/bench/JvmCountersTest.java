package io.carryover.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JvmCountersTest {

    @Test
    void g1RemarkAndCleanupCountAsPausesWhileConcurrentCyclesDoNot() {
        assertTrue(JvmCounters.isPause("G1 Young Generation"));
        assertTrue(JvmCounters.isPause("G1 Old Generation"));
        assertTrue(JvmCounters.isPause("G1 Concurrent GC"));
        assertTrue(JvmCounters.isPause("ZGC Minor Pauses"));
        assertTrue(JvmCounters.isPause("Shenandoah Pauses"));
        assertFalse(JvmCounters.isPause("ZGC Major Cycles"));
        assertFalse(JvmCounters.isPause("Shenandoah Cycles"));
    }
}
