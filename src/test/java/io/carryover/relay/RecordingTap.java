package io.carryover.relay;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import io.carryover.identity.Identity;

/**
 * Stands in for the archive tap (enabled by {@link MirrorProfile}) and records the order in which copies of frames
 * marked {@link #MARK} arrive; other tests' frames (floods included) pass untouched. A marked upstream frame containing
 * {@link #SLOW} is held for a moment inside the tap, as a busy event loop would.
 */
@Alternative
@Singleton
public class RecordingTap implements FrameTap {

    public static final String MARK = "tap:";
    public static final String SLOW = MARK + "slow";
    public static final List<String> SEEN = new CopyOnWriteArrayList<>();
    /** Frames containing this are kept as handed over, with a copy taken at hand-over, to see later writes. */
    public static final String KEEP = MARK + "keep:";
    public static final List<Kept> KEPT = new CopyOnWriteArrayList<>();

    public record Kept(String direction, byte[] handedOver, byte[] atHandOver) {
    }

    @Override
    public Listener open(String deploymentId, Identity identity) {
        return new Listener() {
            @Override
            public void fromClient(byte[] bytes) {
                String frame = new String(bytes, StandardCharsets.UTF_8);
                keep("client", bytes, frame);
                if (frame.contains(MARK)) {
                    SEEN.add("client " + frame);
                }
            }

            @Override
            public void fromUpstream(byte[] bytes) {
                String frame = new String(bytes, StandardCharsets.UTF_8);
                keep("upstream", bytes, frame);
                if (!frame.contains(MARK)) {
                    return;
                }
                if (frame.contains(SLOW)) {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                SEEN.add("upstream " + frame);
            }

            @Override
            public void closed() {
            }
        };
    }

    private static void keep(String direction, byte[] bytes, String frame) {
        if (frame.contains(KEEP)) {
            KEPT.add(new Kept(direction, bytes, bytes.clone()));
        }
    }
}
