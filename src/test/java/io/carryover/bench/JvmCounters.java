package io.carryover.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.List;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.sun.management.ThreadMXBean;

/**
 * A service JVM's own allocation and GC counters, read over its local JMX port (see {@link ServiceProcess}).
 * Allocated bytes are exact per thread and undisturbed by machine load, unlike timings.
 */
final class JvmCounters implements AutoCloseable {

    static final String EVENT_LOOP_PREFIX = "vert.x-eventloop-thread-";

    /** One reading; differences of two give a phase's figures. */
    record Snapshot(long nanos, long eventLoopBytes, long jvmBytes, long gcPauses, long gcPauseMillis) {

        Snapshot minus(Snapshot earlier) {
            return new Snapshot(nanos - earlier.nanos, eventLoopBytes - earlier.eventLoopBytes,
                    jvmBytes - earlier.jvmBytes, gcPauses - earlier.gcPauses, gcPauseMillis - earlier.gcPauseMillis);
        }

        Snapshot plus(Snapshot other) {
            return new Snapshot(nanos + other.nanos, eventLoopBytes + other.eventLoopBytes,
                    jvmBytes + other.jvmBytes, gcPauses + other.gcPauses, gcPauseMillis + other.gcPauseMillis);
        }

        static Snapshot zero() {
            return new Snapshot(0, 0, 0, 0, 0);
        }
    }

    private final JMXConnector connector;
    private final MBeanServerConnection server;
    private final ThreadMXBean threads;
    private final List<GarbageCollectorMXBean> pauseCollectors = new ArrayList<>();
    private final List<String> pauseCollectorNames = new ArrayList<>();
    private boolean totalAvailable = true;

    JvmCounters(int jmxPort) throws Exception {
        connector = JMXConnectorFactory.connect(
                new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi"));
        server = connector.getMBeanServerConnection();
        threads = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.THREAD_MXBEAN_NAME,
                ThreadMXBean.class);
        for (ObjectName name : server.queryNames(new ObjectName(ManagementFactory.GARBAGE_COLLECTOR_MXBEAN_DOMAIN_TYPE
                + ",*"), null)) {
            GarbageCollectorMXBean gc = ManagementFactory.newPlatformMXBeanProxy(server, name.toString(),
                    GarbageCollectorMXBean.class);
            if (isPause(gc.getName())) {
                pauseCollectors.add(gc);
                pauseCollectorNames.add(gc.getName());
            }
        }
    }

    /**
     * Which collector beans count stop-the-world pauses: G1's "G1 Young Generation" (young and mixed), "G1 Old
     * Generation" (full GCs) and "G1 Concurrent GC" (Java 20+: it times the Remark and Cleanup pauses, not the
     * concurrent marking; checked against -Xlog:gc on Temurin 25) are pauses; ZGC and Shenandoah report their pauses
     * in the "… Pauses" beans ("ZGC Minor Pauses", "Shenandoah Pauses"), while their "… Cycles" beans time mostly
     * concurrent work. Serial and Parallel collectors only pause.
     */
    static boolean isPause(String collector) {
        return !collector.contains("Cycles");
    }

    List<String> pauseCollectorNames() {
        return pauseCollectorNames;
    }

    Snapshot snapshot() {
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        long[] allocated = threads.getThreadAllocatedBytes(ids);
        long eventLoop = 0;
        long sum = 0;
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] == null || allocated[i] < 0) {
                continue; // ended between the two calls
            }
            sum += allocated[i];
            if (infos[i].getThreadName().startsWith(EVENT_LOOP_PREFIX)) {
                eventLoop += allocated[i];
            }
        }
        long jvm = sum;
        if (totalAvailable) {
            try {
                // Java 21+: includes threads that have ended, unlike the sum over live ones.
                jvm = (Long) server.getAttribute(new ObjectName(ManagementFactory.THREAD_MXBEAN_NAME),
                        "TotalThreadAllocatedBytes");
            } catch (Exception notOnThisJava) {
                totalAvailable = false;
            }
        }
        long pauses = 0;
        long pauseMillis = 0;
        for (GarbageCollectorMXBean gc : pauseCollectors) {
            pauses += Math.max(0, gc.getCollectionCount());
            pauseMillis += Math.max(0, gc.getCollectionTime());
        }
        return new Snapshot(System.nanoTime(), eventLoop, jvm, pauses, pauseMillis);
    }

    /** Whether the whole-JVM figure includes ended threads (Java 21+) or only sums the live ones. */
    boolean jvmTotalIncludesEndedThreads() {
        return totalAvailable;
    }

    @Override
    public void close() throws Exception {
        connector.close();
    }
}
