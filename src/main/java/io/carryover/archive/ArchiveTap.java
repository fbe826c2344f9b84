package io.carryover.archive;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.carryover.identity.Identity;
import io.carryover.relay.FrameTap;

/**
 * Takes the relay's frames (the bytes it forwards, not copies) off the event loop: decoding and parsing happen here. Each connection is pinned to one single-threaded partition, so
 * its frames are parsed in order while parsing never delays forwarding.
 */
@ApplicationScoped
public class ArchiveTap implements FrameTap {

    private static final Logger LOG = Logger.getLogger(ArchiveTap.class);

    private final ThreadPoolExecutor[] partitions;
    private final AtomicLong connections = new AtomicLong();
    private final ArchiveWriter writer;
    private final ArchiveMetrics metrics;
    private final Clock clock = Clock.systemUTC();

    ArchiveTap(ArchiveConfig config, ArchiveWriter writer, ArchiveMetrics metrics) {
        this.writer = writer;
        this.metrics = metrics;
        writer.includeInLag(this::parseLagSeconds);
        int count = Math.max(1, Runtime.getRuntime().availableProcessors());
        partitions = new ThreadPoolExecutor[count];
        for (int i = 0; i < count; i++) {
            int index = i;
            partitions[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                    new ArrayBlockingQueue<Runnable>(config.tapQueueCapacity()),
                    r -> {
                        Thread t = new Thread(r, "carryover-tap-" + index);
                        t.setDaemon(true);
                        return t;
                    });
        }
    }

    @Override
    public Listener open(String deploymentId, Identity identity) {
        ThreadPoolExecutor partition = partitions[(int) (connections.getAndIncrement() % partitions.length)];
        // Stamped on each record: an erasure of the customer after this moment drops the connection's records.
        var connectedAt = clock.instant();
        ArchiveWriter.Submitter submitter = writer.submitter(connectedAt);
        SessionTracker tracker = new SessionTracker(deploymentId, identity, submitter, metrics, clock);
        return new Listener() {
            @Override
            public void fromClient(byte[] frame) {
                run(partition, new Parse(System.nanoTime(), submitter, tracker, frame, null));
            }

            @Override
            public void fromUpstream(byte[] frame) {
                run(partition, new Parse(System.nanoTime(), submitter, tracker, frame, clock.instant()));
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
            Instant upstreamAt) implements Runnable {
        @Override
        public void run() {
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
        for (ThreadPoolExecutor partition : partitions) {
            if (partition.getQueue().peek() instanceof Parse waiting) {
                oldest = Math.min(oldest, waiting.receivedAt());
            }
        }
        return oldest == Long.MAX_VALUE ? 0 : Math.max(0, (System.nanoTime() - oldest) / 1e9);
    }

    private void run(ThreadPoolExecutor partition, Parse parse) {
        try {
            partition.execute(parse);
        } catch (RejectedExecutionException e) {
            metrics.droppedAtTap();
        }
    }

    /** Parses the frames already queued, until {@code deadline} ({@link System#nanoTime()}); later ones are dropped. */
    void stop(long deadline) {
        for (ThreadPoolExecutor partition : partitions) {
            partition.shutdown();
        }
        for (ThreadPoolExecutor partition : partitions) {
            try {
                if (!partition.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    LOG.errorf("shutdown: %d frame copies not archived in time", partition.shutdownNow().size());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
