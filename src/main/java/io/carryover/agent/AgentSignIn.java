package io.carryover.agent;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.carryover.history.ApiProblem;
import io.carryover.platform.PlatformClient;
import io.carryover.platform.RegionClient;

/**
 * Where the agent page signs agents in, per configured region: the region's login service and the agent OAuth client
 * of its org. The widget's {@code gcHostOrigin} only chooses among configured regions; no URL is ever made from it.
 */
@ApplicationScoped
class AgentSignIn {

    /** What the page needs for authorization code + PKCE. */
    record Settings(String clientId, String authorizeUrl, String tokenUrl, String region) {
    }

    private final PlatformClient platform;
    private final AgentConfig config;

    AgentSignIn(PlatformClient platform, AgentConfig config) {
        this.platform = platform;
        this.config = config;
    }

    Settings settings(String hostOrigin) {
        String domain = platform.domains().stream().filter(d -> appsOrigin(d).equals(hostOrigin)).findFirst()
                .orElse(platform.defaultDomain());
        Optional<String> clientId = clientId(domain);
        Optional<RegionClient> region = platform.forDomain(domain);
        if (clientId.isEmpty() || region.isEmpty()) {
            throw new ApiProblem(404, "agent-sign-in-not-configured", "Agent sign-in not configured",
                    "no agent OAuth client is configured for this region");
        }
        String login = trimmed(region.get().loginUrl());
        return new Settings(clientId.get(), login + "/oauth/authorize", login + "/oauth/token", domain);
    }

    private Optional<String> clientId(String domain) {
        if (domain.equals(platform.defaultDomain())) {
            return config.clientId();
        }
        return config.regions().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(domain)).findFirst()
                .flatMap(e -> e.getValue().clientId());
    }

    /** Origins of the configured regions' login services, for the page's CSP. */
    List<String> loginOrigins() {
        Set<String> origins = new LinkedHashSet<>();
        for (String domain : platform.domains()) {
            platform.forDomain(domain).ifPresent(r -> origins.add(origin(r.loginUrl())));
        }
        return new ArrayList<>(origins);
    }

    /** Who may frame the page: configured, else the Genesys apps origin of every configured region. */
    List<String> frameAncestors() {
        return config.frameAncestors().orElseGet(() -> platform.domains().stream().map(AgentSignIn::appsOrigin)
                .toList());
    }

    static String appsOrigin(String domain) {
        return "https://apps." + domain;
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static String trimmed(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
