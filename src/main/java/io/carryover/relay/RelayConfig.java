package io.carryover.relay;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "carryover.relay")
public interface RelayConfig {

    /** Genesys region domain: upstream is {@code wss://webmessaging.<domain>/v1}. */
    @WithDefault("mypurecloud.com")
    String upstreamDomain();

    /** Region domain per deployment id, for deployments in another region than {@link #upstreamDomain()}. */
    Map<String, String> deploymentDomains();

    /** Full upstream URL, overriding the domain rules (a sandbox, a test double, an egress proxy). */
    Optional<URI> upstreamUrl();

    /** {@code Origin} sent upstream (must be allowed by the Messenger deployment); default: the client's own. */
    Optional<String> origin();

    /**
     * Largest message accepted from a client, in UTF-8 bytes, whether sent in one frame or fragmented; larger ones
     * close the connection with 1009.
     */
    @WithDefault("65536")
    int maxFrameBytes();

    /**
     * Largest message accepted from Genesys, in UTF-8 bytes, whether sent in one frame or fragmented; larger ones close
     * the client with 1009. Separate from {@link #maxFrameBytes()}: Genesys may send more than a client may.
     */
    @WithDefault("1048576")
    int maxUpstreamMessageBytes();

    /** Bytes that may wait, per direction, for a slow reader before the connection is closed. */
    @WithDefault("1048576")
    int maxBufferedBytes();

    /** How long to wait for the upstream handshake before closing the client with 1011. */
    @WithDefault("10s")
    Duration connectTimeout();

    /** After the relay closes a client, how long the close handshake may take before the TCP connection is shut. */
    @WithDefault("5s")
    Duration closeTimeout();

    /** Interval of the relay's pings to a client, which keep idle connections open through proxies. */
    @WithDefault("30s")
    Duration pingInterval();
}
