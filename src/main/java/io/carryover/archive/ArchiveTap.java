package io.carryover.archive;

import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
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

    private final ExecutorService[] partitions;
    private final AtomicLong connections = new AtomicLong();
    private final ArchiveWriter writer;
    private final ArchiveMetrics metrics;
    private final Clock clock = Clock.systemUTC();

    ArchiveTap(ArchiveConfig config, ArchiveWriter writer, ArchiveMetrics metrics) {
        this.writer = writer;
        this.metrics = metrics;
        int count = Math.max(1, Runtime.getRuntime().availableProcessors());
        partitions = new ExecutorService[count];
        for (int i = 0; i < count; i++) {
            int index = i;
            partitions[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                    new ArrayBlockingQueue<>(config.tapQueueCapacity()),
                    r -> {
                        Thread t = new Thread(r, "carryover-tap-" + index);
                        t.setDaemon(true);
                        return t;
                    });
        }
    }

    @Override
    public Listener open(String deploymentId, Identity identity) {
        ExecutorService partition = partitions[(int) (connections.getAndIncrement() % partitions.length)];
        // Stamped on each record: an erasure of the customer after this moment drops the connection's records.
        var connectedAt = clock.instant();
        SessionTracker tracker = new SessionTracker(deploymentId, identity, writer.submitter(connectedAt), metrics,
                clock);
        return new Listener() {
            @Override
            public void fromClient(byte[] frame) {
                run(partition, () -> tracker.fromClient(frame));
            }

            @Override
            public void fromUpstream(byte[] frame) {
                var receivedAt = clock.instant();
                run(partition, () -> tracker.fromUpstream(frame, receivedAt));
            }

            @Override
            public void closed() {
                // Nothing is held per connection beyond the tracker, which goes with this listener.
            }
        };
    }

    private void run(ExecutorService partition, Runnable task) {
        try {
            partition.execute(task);
        } catch (RejectedExecutionException e) {
            metrics.droppedAtTap();
        }
    }

    /** Parses the frames already queued, until {@code deadline} ({@link System#nanoTime()}); later ones are dropped. */
    void stop(long deadline) {
        for (ExecutorService partition : partitions) {
            partition.shutdown();
        }
        for (ExecutorService partition : partitions) {
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
