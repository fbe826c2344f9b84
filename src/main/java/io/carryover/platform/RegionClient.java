package io.carryover.platform;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.faulttolerance.api.Guard;

/**
 * The Genesys Platform API of one region, with that region's OAuth client. Owns the access token (cached until
 * shortly before expiry, one refresh at a time), the token's request budget (Genesys counts its limit per token),
 * retries with exponential backoff and jitter on 5xx and timeouts, and per-endpoint metrics. A 429 (or a spent
 * budget) is not waited out here: it surfaces as {@link PlatformException.Throttled} with the capped Retry-After
 * (or the exact wait for a budget slot), so durable callers can reschedule.
 */
public final class RegionClient {

    private static final Logger LOG = Logger.getLogger(RegionClient.class);
    private static final Duration BUDGET_WINDOW = Duration.ofMinutes(1);

    /** A token and the requests sent with it. */
    private record AccessToken(String value, Instant renewAt, RequestBudget budget) {
    }

    private final String domain;
    private final URI loginUrl;
    private final String basicCredentials;
    private final PlatformConfig config;
    private final GenesysLoginRestClient login;
    private final GenesysApiRestClient api;
    private final MeterRegistry meters;
    private final Clock clock = Clock.systemUTC();
    private final Guard retries;
    private volatile AccessToken token;

    RegionClient(PlatformClient.Region region, PlatformConfig config, MeterRegistry meters) {
        this.domain = region.domain();
        this.loginUrl = region.loginUrl();
        this.basicCredentials = "Basic " + Base64.getEncoder().encodeToString(
                (region.clientId() + ":" + region.clientSecret()).getBytes(StandardCharsets.UTF_8));
        this.config = config;
        this.login = restClient(region.loginUrl(), config, GenesysLoginRestClient.class);
        this.api = restClient(region.apiUrl(), config, GenesysApiRestClient.class);
        this.meters = meters;
        this.retries = Guard.create().withDescription("genesys-platform-retries-" + domain)
                .withRetry().maxRetries(config.retries()).delay(200, ChronoUnit.MILLIS).jitter(100, ChronoUnit.MILLIS)
                // Only outages are retried here; a 429 goes back to the caller, who reschedules after Retry-After
                // without holding a thread.
                .whenException(e -> e instanceof PlatformException.Unavailable)
                .withExponentialBackoff().factor(2).maxDelay(5, ChronoUnit.SECONDS).done()
                .done()
                .build();
    }

    private static <T> T restClient(URI baseUri, PlatformConfig config, Class<T> type) {
        return QuarkusRestClientBuilder.newBuilder().baseUri(baseUri)
                .connectTimeout(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .build(type);
    }

    /** The region's domain, e.g. {@code mypurecloud.ie}. */
    public String domain() {
        return domain;
    }

    /** The region's login service, e.g. {@code https://login.mypurecloud.ie} (where agents sign in). */
    public URI loginUrl() {
        return loginUrl;
    }

    /** The conversation a message belongs to; {@link PlatformException.NotFound} while the details lag. */
    public String conversationIdOfMessage(String messageId, CallPriority priority) {
        return call("message-details", "message details", priority,
                bearer -> api.messageDetails(bearer, messageId),
                r -> r.readEntity(PlatformTypes.MessageDetails.class).conversationId());
    }

    public PlatformTypes.MessageConversation messageConversation(String conversationId, CallPriority priority) {
        return call("message-conversation", "message conversation", priority,
                bearer -> api.messageConversation(bearer, conversationId),
                r -> r.readEntity(PlatformTypes.MessageConversation.class));
    }

    public void patchParticipantAttributes(String conversationId, String participantId, Map<String, String> attributes,
            CallPriority priority) {
        call("participant-attributes", "participant attributes", priority,
                bearer -> api.patchAttributes(bearer, conversationId, participantId,
                        new PlatformTypes.ParticipantAttributes(attributes)),
                r -> Boolean.TRUE);
    }

    /** The organization of Carryover's own OAuth client in this region. */
    public String organizationId() {
        return call("organization", "organization", CallPriority.AGENT_LOOKUP,
                bearer -> api.organizationsMe(bearer),
                r -> r.readEntity(PlatformTypes.Organization.class).id());
    }

    /**
     * Who a user token belongs to, with roles and organization. Sent with that token, so it counts against the
     * user's limit at Genesys, not Carryover's budget; a 401 (invalid, expired or another region's token) surfaces as
     * {@link PlatformException.Rejected}, never retried.
     */
    public PlatformTypes.UserMe userMe(String userToken) {
        try {
            return retries.call(() -> exchange("users-me", "user", () -> api.usersMe("Bearer " + userToken,
                    "authorization,organization"), r -> r.readEntity(PlatformTypes.UserMe.class)),
                    PlatformTypes.UserMe.class);
        } catch (PlatformException e) {
            throw e;
        } catch (Exception e) {
            throw new PlatformException.Unavailable("user: " + e.getClass().getSimpleName());
        }
    }

    /** One logical call: budget per attempt, retries on Unavailable, one token renewal on 401. */
    @SuppressWarnings("unchecked")
    private <T> T call(String endpoint, String what, CallPriority priority, Function<String, Response> request,
            Function<Response, T> read) {
        try {
            return (T) retries.call(() -> {
                AccessToken current = accessToken();
                try {
                    return send(endpoint, what, priority, current, request, read);
                } catch (PlatformException.Rejected e) {
                    if (e.status() != 401) {
                        throw e;
                    }
                    invalidate(current); // revoked or expired early: one fresh token, one more try
                    return send(endpoint, what, priority, accessToken(), request, read);
                }
            }, Object.class);
        } catch (PlatformException e) {
            throw e;
        } catch (Exception e) {
            throw new PlatformException.Unavailable(what + ": " + e.getClass().getSimpleName());
        }
    }

    /** One API request within the token's budget; the slot is held until the answer is in. */
    private <T> T send(String endpoint, String what, CallPriority priority, AccessToken with,
            Function<String, Response> request, Function<Response, T> read) {
        RequestBudget.Slot slot;
        try {
            slot = with.budget().take(priority);
        } catch (PlatformException.Throttled e) {
            meters.timer("carryover.platform.requests", "region", domain, "endpoint", endpoint, "status", "budget")
                    .record(Duration.ZERO);
            throw e;
        }
        try (slot) {
            return exchange(endpoint, what, () -> request.apply("Bearer " + with.value()), read);
        }
    }

    /** Sends one request and maps the outcome. */
    private <T> T exchange(String endpoint, String what, Supplier<Response> send, Function<Response, T> read) {
        Timer.Sample sample = Timer.start(meters);
        String status = "error";
        try {
            Response response;
            try {
                response = send.get();
            } catch (WebApplicationException e) {
                response = e.getResponse(); // the REST client's default mapper turns 4xx/5xx into exceptions
            }
            try {
                status = Integer.toString(response.getStatus());
                int code = response.getStatus();
                if (code >= 200 && code < 300) {
                    return read.apply(response);
                }
                if (code == 404) {
                    throw new PlatformException.NotFound(what);
                }
                if (code == 429) {
                    throw new PlatformException.Throttled("Genesys", retryAfter(response));
                }
                if (code >= 500) {
                    throw new PlatformException.Unavailable(what + " answered " + code);
                }
                throw new PlatformException.Rejected(what, code);
            } finally {
                response.close();
            }
        } catch (ProcessingException e) {
            status = "timeout";
            throw new PlatformException.Unavailable(what + ": " + e.getClass().getSimpleName());
        } catch (PlatformException e) {
            throw e;
        } catch (Exception e) {
            throw new PlatformException.Unavailable(what + ": " + e.getClass().getSimpleName());
        } finally {
            sample.stop(meters.timer("carryover.platform.requests", "region", domain, "endpoint", endpoint,
                    "status", status));
        }
    }

    private Duration retryAfter(Response response) {
        Duration hint = Duration.ofSeconds(1);
        String header = response.getHeaderString("Retry-After");
        if (header != null) {
            try {
                hint = Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
            } catch (NumberFormatException ignored) {
                // an HTTP date or garbage: keep the default
            }
        }
        return hint.compareTo(config.maxRetryAfter()) > 0 ? config.maxRetryAfter() : hint;
    }

    /** Cached until shortly before expiry; concurrent callers wait for the one refresh in flight. */
    private AccessToken accessToken() {
        AccessToken current = token;
        if (current != null && clock.instant().isBefore(current.renewAt())) {
            return current;
        }
        synchronized (this) {
            current = token;
            if (current != null && clock.instant().isBefore(current.renewAt())) {
                return current;
            }
            // Logins are not counted against the API budget (Genesys limits the login service separately).
            PlatformTypes.TokenResponse response = exchange("oauth-token", "OAuth token",
                    () -> login.token(basicCredentials, "client_credentials"),
                    r -> r.readEntity(PlatformTypes.TokenResponse.class));
            long lifetime = Math.max(1, response.expiresIn() - config.tokenRefreshMargin().toSeconds());
            // Genesys counts its limit per token, so a new token starts with a budget of its own.
            token = new AccessToken(response.accessToken(), clock.instant().plusSeconds(lifetime),
                    new RequestBudget(config.requestsPerMinute(), config.burst(),
                            config.requestsPerMinute() * config.firstAttemptReservePercent() / 100,
                            config.requestsPerMinute() * config.agentReservePercent() / 100, BUDGET_WINDOW,
                            System::nanoTime, RequestBudget::sleep));
            LOG.debugf("Platform token for %s renewed, valid for %d s", domain, response.expiresIn());
            return token;
        }
    }

    /** Drops the token a 401 answered, unless another caller has already replaced it. */
    private synchronized void invalidate(AccessToken rejected) {
        if (token == rejected) {
            token = null;
        }
    }
}
