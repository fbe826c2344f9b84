package io.carryover.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the in-process Genesys emulator (guest socket, simulated agents, test OIDC issuer, Platform API). */
@ConfigMapping(prefix = "carryover.sandbox")
public interface SandboxConfig {

    /** Public base URL of this service, used to build the test issuer's iss and jwks_uri. */
    @WithDefault("http://localhost:8080")
    String baseUrl();

    /** Let a simulated agent answer the first guest text of each conversation by itself. */
    @WithDefault("false")
    boolean agentAutoReply();

    /** Nickname the simulated agent shows when a request does not name one. */
    @WithDefault("Sandbox Agent")
    String agentName();

    /**
     * This process is the demo run started by {@code ./mvnw -B -Pdemo package}: it says where to go once the port
     * listens, and stops when the Maven process that started it goes away.
     */
    @WithDefault("false")
    boolean demoRun();

    /** Default aud claim of tokens minted by the test issuer. */
    @WithDefault("carryover")
    String audience();

    /** Longest guest text accepted, in characters (code points); longer texts get error 4011. */
    @WithDefault("4096")
    int maxTextLength();

    /** Budget for customAttributes, UTF-8 bytes of keys plus values; over it gets error 4013. */
    @WithDefault("2048")
    int maxCustomDataBytes();

    /** onMessage requests a session may make in any one-second window; more get error 4029. */
    @WithDefault("2")
    int messagesPerSecond();

    /** Lifetime of tokens minted by the test issuer and of guest JWTs from getJwt. */
    @WithDefault("5m")
    Duration tokenLifetime();

    /** The emulated Platform API (OAuth client credentials, message details, conversations, participant data). */
    Platform platform();

    /** {@code carryover.sandbox.platform.*}; all but the credentials can be changed at runtime (control API). */
    interface Platform {

        /** The one OAuth client the emulated login service knows. */
        @WithDefault("carryover-sandbox")
        String clientId();

        @WithDefault("sandbox-secret")
        String clientSecret();

        /** Further OAuth clients (client id → secret), e.g. one per emulated Genesys region. */
        Map<String, String> additionalClients();

        /** The agent page's OAuth client (Code Authorization with PKCE, no secret). */
        @WithDefault("carryover-agent-page")
        String agentClientId();

        /** Redirect URIs registered for it; default {@code <base-url>/agent/}. */
        Optional<List<String>> agentRedirectUris();

        /** Lifetime of access tokens from the emulated oauth/token (Genesys: 300 s to 48 h per client). */
        @WithDefault("24h")
        Duration tokenLifetime();

        /** API requests per access token per rolling 60 s (token requests not counted); more get 429. */
        @WithDefault("300")
        int requestsPerMinute();

        /** How long after its echo a message becomes visible to the details and conversation endpoints. */
        @WithDefault("0s")
        Duration detailsLag();
    }
}
