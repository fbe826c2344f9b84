package io.carryover.platform;

import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.carryover.relay.RelayConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * The Genesys Platform API as Carryover uses it: one {@link RegionClient} per region that has an OAuth client.
 * A deployment's region is its {@code carryover.relay.deployment-domains} entry, else the default region
 * ({@code carryover.platform.domain}). Built at startup, so a half-configured region fails the start.
 */
@Startup
@ApplicationScoped
public class PlatformClient {

    /** One region's resolved settings. */
    record Region(String domain, String clientId, String clientSecret, URI apiUrl, URI loginUrl) {
    }

    private final String defaultDomain;
    private final Map<String, String> deploymentDomains;
    private final Map<String, RegionClient> regions = new HashMap<>();

    PlatformClient(PlatformConfig config, RelayConfig relay, MeterRegistry meters) {
        this.defaultDomain = normalized(config.domain());
        this.deploymentDomains = relay.deploymentDomains();
        region(defaultDomain, config.clientId(), config.clientSecret(), config.apiUrl(), config.loginUrl(),
                "carryover.platform.")
                .ifPresent(r -> regions.put(r.domain(), new RegionClient(r, config, meters)));
        config.regions().forEach((name, settings) -> {
            String domain = normalized(name);
            String prefix = "carryover.platform.regions.\"" + name + "\".";
            if (domain.equals(defaultDomain)) {
                throw new IllegalStateException(prefix + "* names the default region; configure it with "
                        + "carryover.platform.client-id, client-secret, api-url and login-url");
            }
            region(domain, settings.clientId(), settings.clientSecret(), settings.apiUrl(), settings.loginUrl(),
                    prefix).ifPresent(r -> regions.put(r.domain(), new RegionClient(r, config, meters)));
        });
    }

    /** The Platform of the deployment's region; empty when that region has no OAuth client configured. */
    public Optional<RegionClient> forDeployment(String deploymentId) {
        String domain = deploymentId == null ? null : deploymentDomains.get(deploymentId);
        return Optional.ofNullable(regions.get(domain == null ? defaultDomain : normalized(domain)));
    }

    /** The deployment's region domain: its {@code deployment-domains} entry, else the default region's. */
    public String domainOf(String deploymentId) {
        String domain = deploymentId == null ? null : deploymentDomains.get(deploymentId);
        return domain == null ? defaultDomain : normalized(domain);
    }

    /** The region of this domain (case-insensitive); empty when it has no OAuth client configured. */
    public Optional<RegionClient> forDomain(String domain) {
        return domain == null ? Optional.empty() : Optional.ofNullable(regions.get(normalized(domain)));
    }

    public String defaultDomain() {
        return defaultDomain;
    }

    /** Domains of every region with an OAuth client, sorted. */
    public java.util.List<String> domains() {
        return regions.keySet().stream().sorted().toList();
    }

    private static Optional<Region> region(String domain, Optional<String> clientId, Optional<String> clientSecret,
            Optional<URI> apiUrl, Optional<URI> loginUrl, String prefix) {
        if (clientId.isPresent() != clientSecret.isPresent()) {
            throw new IllegalStateException(prefix + "client-id and " + prefix + "client-secret go together");
        }
        return clientId.map(id -> new Region(domain, id, clientSecret.get(),
                apiUrl.orElseGet(() -> URI.create("https://api." + domain)),
                loginUrl.orElseGet(() -> URI.create("https://login." + domain))));
    }

    /** Domain names are case-insensitive. */
    private static String normalized(String domain) {
        return domain.trim().toLowerCase(Locale.ROOT);
    }
}
