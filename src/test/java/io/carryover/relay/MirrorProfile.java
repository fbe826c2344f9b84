package io.carryover.relay;

import java.util.Map;
import java.util.Set;

import io.carryover.testing.Guest;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The relay in front of {@link MirrorUpstream}, with small buffers so a stalled reader trips quickly, and the
 * archive tap replaced by {@link RecordingTap}.
 */
public class MirrorProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "carryover.relay.upstream-url", "ws://localhost:" + Guest.PORT + "/test-upstream/v1",
                "carryover.relay.origin", "https://chat.example.com",
                "carryover.relay.max-buffered-bytes", "262144");
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(RecordingTap.class);
    }
}
