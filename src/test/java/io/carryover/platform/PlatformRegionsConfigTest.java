package io.carryover.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.carryover.relay.RelayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Region settings as an operator writes them: mistakes stop the start with the keys to fix. */
class PlatformRegionsConfigTest {

    private static SmallRyeConfig config(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(properties);
        all.putIfAbsent("carryover.platform.domain", "mypurecloud.com");
        return new SmallRyeConfigBuilder().withMapping(PlatformConfig.class).withMapping(RelayConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()) // "2s", as Quarkus reads it
                .withSources(new PropertiesConfigSource(all, "test", 500)).build();
    }

    private static PlatformClient start(Map<String, String> properties) {
        SmallRyeConfig config = config(properties);
        return new PlatformClient(config.getConfigMapping(PlatformConfig.class),
                config.getConfigMapping(RelayConfig.class), new SimpleMeterRegistry());
    }

    @Test
    void aClientIdWithoutItsSecretStopsTheStart() {
        var error = assertThrows(IllegalStateException.class, () -> start(Map.of(
                "carryover.platform.regions.\"mypurecloud.ie\".client-id", "eu-client")));
        assertTrue(error.getMessage().contains("carryover.platform.regions.\"mypurecloud.ie\".client-secret"),
                error.getMessage());
        error = assertThrows(IllegalStateException.class, () -> start(Map.of(
                "carryover.platform.client-secret", "secret")));
        assertTrue(error.getMessage().contains("carryover.platform.client-id"), error.getMessage());
    }

    @Test
    void theDefaultRegionIsConfiguredAtTheTopLevelOnly() {
        var error = assertThrows(IllegalStateException.class, () -> start(Map.of(
                "carryover.platform.regions.\"MyPureCloud.com\".client-id", "id",
                "carryover.platform.regions.\"MyPureCloud.com\".client-secret", "secret")));
        assertTrue(error.getMessage().contains("carryover.platform.client-id"), error.getMessage());
    }

    @Test
    void withoutAnyClientNoDeploymentHasAPlatformAndEnrichmentIsOff() {
        Map<String, String> properties = Map.of(
                "carryover.relay.deployment-domains.\"d-eu\"", "mypurecloud.ie",
                "carryover.platform.regions.\"mypurecloud.ie\".api-url", "http://127.0.0.1:9");
        PlatformClient platform = start(properties);
        assertTrue(platform.forDeployment("d-eu").isEmpty());
        assertTrue(platform.forDeployment("d-default").isEmpty());
        assertFalse(config(properties).getConfigMapping(PlatformConfig.class).configured());
    }

    @Test
    void oneRegionWithAClientIsEnoughForEnrichment() {
        PlatformConfig config = config(Map.of(
                "carryover.platform.regions.\"mypurecloud.ie\".client-id", "eu-client",
                "carryover.platform.regions.\"mypurecloud.ie\".client-secret", "eu-secret"))
                .getConfigMapping(PlatformConfig.class);
        assertTrue(config.configured());
        assertEquals("eu-client", config.regions().get("mypurecloud.ie").clientId().orElseThrow());
    }
}
