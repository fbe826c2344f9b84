package io.carryover.archive;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.carryover.identity.Identity;
import io.carryover.relay.FrameTap;

/**
 * Takes the relay's frames (the bytes it forwards, not copies) off the event loop: decoding and parsing happen here.
 * Each connection is pinned to one single-threaded partition, so its frames are parsed in order while parsing never
 * delays forwarding.
 *
 * <p>A frame is queued without waking the partition's thread: it wakes every {@link #PARSE_INTERVAL_NANOS} or once
 * {@link #WAKE_AT} frames wait (idle, it sleeps until a frame comes, then waits an interval before parsing). Woken
 * per frame, it took the relay's core in the middle of the round trip it was tapping (the event loop queues the copy
 * before it forwards, and the answer arrives while the parse runs); batched, parsing runs between round trips and
 * costs a context switch per batch instead of per frame.
 */
@ApplicationScoped
public class ArchiveTap implements FrameTap {

    private static final Logger LOG = Logger.getLogger(ArchiveTap.class);
    /** Adds at most this much to the archive lag. */
    private static final long PARSE_INTERVAL_NANOS = 10_000_000;
    private static final int WAKE_AT = 256;

    private final Partition[] partitions;
    private final AtomicLong connections = new AtomicLong();
    private final ArchiveMetrics metrics;
    private final Clock clock = Clock.systemUTC();
    private final ArchiveWriter writer;

    ArchiveTap(ArchiveConfig config, ArchiveWriter writer, ArchiveMetrics metrics) {
        this.writer = writer;
        this.metrics = metrics;
        writer.includeInLag(this::parseLagSeconds);
        int count = Math.max(1, Runtime.getRuntime().availableProcessors());
        partitions = new Partition[count];
        for (int i = 0; i < count; i++) {
            partitions[i] = new Partition("carryover-tap-" + i, config.tapQueueCapacity());
        }
    }

    @Override
    public Listener open(String deploymentId, Identity identity) {
        Partition partition = partitions[(int) (connections.getAndIncrement() % partitions.length)];
        // Stamped on each record: an erasure of the customer after this moment drops the connection's records.
        var connectedAt = clock.instant();
        ArchiveWriter.Submitter submitter = writer.submitter(connectedAt);
        SessionTracker tracker = new SessionTracker(deploymentId, identity, submitter, metrics, clock);
        return new Listener() {
            @Override
            public void fromClient(byte[] frame) {
                partition.offer(new Parse(System.nanoTime(), submitter, tracker, frame, null));
            }

            @Override
            public void fromUpstream(byte[] frame) {
                partition.offer(new Parse(System.nanoTime(), submitter, tracker, frame, clock.instant()));
            }

            @Override
            public void closed() {
                // Nothing is held per connection beyond the tracker, which goes with this listener.
            }
        };
    }

    /**
     * A frame waiting to be parsed, with when the relay received it ({@code upstreamAt}: also as wall-clock time, for
     * the records; null for a client frame). One object per frame: it is created on the event loop.
     */
    private record Parse(long receivedAt, ArchiveWriter.Submitter submitter, SessionTracker tracker, byte[] frame,
            Instant upstreamAt) {
        void run() {
            submitter.frameReceivedAt(receivedAt);
            if (upstreamAt == null) {
                tracker.fromClient(frame);
            } else {
                tracker.fromUpstream(frame, upstreamAt);
            }
        }
    }

    /** Seconds the oldest frame not yet parsed has been waiting. */
    double parseLagSeconds() {
        long oldest = Long.MAX_VALUE;
        for (Partition partition : partitions) {
            Parse waiting = partition.queue.peek();
            if (waiting != null) {
                oldest = Math.min(oldest, waiting.receivedAt());
            }
        }
        return oldest == Long.MAX_VALUE ? 0 : Math.max(0, (System.nanoTime() - oldest) / 1e9);
    }

    /** Parses the frames already queued, until {@code deadline} ({@link System#nanoTime()}); later ones are dropped. */
    void stop(long deadline) {
        for (Partition partition : partitions) {
            partition.stopping = true;
            LockSupport.unpark(partition.thread);
        }
        boolean interrupted = false;
        for (Partition partition : partitions) {
            try {
                if (!interrupted) {
                    partition.thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
            // Left: what the deadline cut off, or what arrived as the thread ended.
            partition.abandoned = true;
            int left = partition.queue.drainTo(new ArrayList<>());
            if (left > 0) {
                LOG.errorf("shutdown: %d frame copies not archived in time", left);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One parsing thread and its queue. */
    private final class Partition implements Runnable {

        final BlockingQueue<Parse> queue;
        final Thread thread;
        /** Below {@link #WAKE_AT} when the queue is smaller: a burst must wake the thread before it fills the queue. */
        final int wakeAt;
        volatile boolean stopping;
        volatile boolean abandoned;
        /** Set after a whole interval without frames: the thread then sleeps until the next frame wakes it. */
        volatile boolean idle;

        Partition(String name, int capacity) {
            queue = new ArrayBlockingQueue<>(capacity);
            wakeAt = Math.max(1, Math.min(WAKE_AT, capacity / 2));
            thread = new Thread(this, name);
            thread.setDaemon(true);
            thread.start();
        }

        /** On the event loop: never blocks; wakes the thread only when it sleeps idle or a burst is waiting. */
        void offer(Parse parse) {
            if (stopping || !queue.offer(parse)) {
                metrics.droppedAtTap();
            } else if (abandoned) {
                if (queue.remove(parse)) {
                    metrics.droppedAtTap();
                }
            } else if (idle || queue.size() >= wakeAt) {
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void run() {
            boolean emptyLastTime = false;
            while (!abandoned) {
                Parse parse = queue.poll();
                if (parse == null) {
                    if (stopping) {
                        return;
                    }
                    Thread.interrupted(); // a stray interrupt would make every park return at once
                    if (emptyLastTime) {
                        // Idle: no timer wake-ups until traffic returns. The flag is set before the queue is read
                        // again, so a frame offered meanwhile is either seen here or wakes the thread.
                        idle = true;
                        boolean slept = queue.isEmpty() && !stopping;
                        if (slept) {
                            LockSupport.park(this);
                        }
                        idle = false;
                        if (slept) {
                            // Woken by a frame: the round trip it belongs to finishes, and more frames gather, first.
                            LockSupport.parkNanos(this, PARSE_INTERVAL_NANOS);
                        }
                    } else {
                        LockSupport.parkNanos(this, PARSE_INTERVAL_NANOS);
                    }
                    emptyLastTime = true;
                    continue;
                }
                emptyLastTime = false;
                try {
                    parse.run();
                } catch (Throwable e) {
                    // A fault of ours, or an Error such as OutOfMemoryError: counted and logged without content, and
                    // the partition goes on with the next frame instead of leaving its connections unarchived.
                    metrics.droppedAtParse(e);
                }
            }
        }
    }
}
