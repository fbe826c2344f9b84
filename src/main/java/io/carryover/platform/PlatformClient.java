package io.carryover.platform;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.faulttolerance.api.RateLimitException;
import io.smallrye.faulttolerance.api.RateLimitType;

/**
 * The Genesys Platform API as Carryover uses it. Owns the OAuth token (cached until shortly before expiry, one
 * refresh at a time), a client-wide request budget, retries with exponential backoff and jitter on 5xx and timeouts,
 * and per-endpoint metrics. A 429 (or a spent budget) is not waited out here: it surfaces as
 * {@link PlatformException.Throttled} with the capped Retry-After, so durable callers can reschedule.
 */
@ApplicationScoped
public class PlatformClient {

    private static final Logger LOG = Logger.getLogger(PlatformClient.class);

    private record AccessToken(String value, Instant renewAt) {
    }

    private final PlatformConfig config;
    private final GenesysLoginRestClient login;
    private final GenesysApiRestClient api;
    private final MeterRegistry meters;
    private final Clock clock = Clock.systemUTC();
    private final Guard budget;
    private final Guard retries;
    private volatile AccessToken token;

    PlatformClient(PlatformConfig config, @RestClient GenesysLoginRestClient login, @RestClient GenesysApiRestClient api,
            MeterRegistry meters) {
        this.config = config;
        this.login = login;
        this.api = api;
        this.meters = meters;
        this.budget = Guard.create().withDescription("genesys-platform-budget")
                .withRateLimit().limit(config.requestsPerMinute()).window(1, ChronoUnit.MINUTES)
                .type(RateLimitType.ROLLING).done()
                .build();
        this.retries = Guard.create().withDescription("genesys-platform-retries")
                .withRetry().maxRetries(config.retries()).delay(200, ChronoUnit.MILLIS).jitter(100, ChronoUnit.MILLIS)
                // Only outages are retried here; a 429 goes back to the caller, who reschedules after Retry-After
                // without holding a thread.
                .whenException(e -> e instanceof PlatformException.Unavailable)
                .withExponentialBackoff().factor(2).maxDelay(5, ChronoUnit.SECONDS).done()
                .done()
                .build();
    }

    /** The conversation a message belongs to; {@link PlatformException.NotFound} while the details lag. */
    public String conversationIdOfMessage(String messageId) {
        return call("message-details", "message details",
                bearer -> api.messageDetails(bearer, messageId),
                r -> r.readEntity(PlatformTypes.MessageDetails.class).conversationId());
    }

    public PlatformTypes.MessageConversation messageConversation(String conversationId) {
        return call("message-conversation", "message conversation",
                bearer -> api.messageConversation(bearer, conversationId),
                r -> r.readEntity(PlatformTypes.MessageConversation.class));
    }

    public void patchParticipantAttributes(String conversationId, String participantId, Map<String, String> attributes) {
        call("participant-attributes", "participant attributes",
                bearer -> api.patchAttributes(bearer, conversationId, participantId,
                        new PlatformTypes.ParticipantAttributes(attributes)),
                r -> Boolean.TRUE);
    }

    /** One logical call: budget per attempt, retries on Unavailable, one token renewal on 401. */
    @SuppressWarnings("unchecked")
    private <T> T call(String endpoint, String what, Function<String, Response> request, Function<Response, T> read) {
        if (!config.configured()) {
            throw new PlatformException.NotConfigured();
        }
        try {
            return (T) retries.call(() -> {
                try {
                    String bearer = "Bearer " + accessToken();
                    return exchange(endpoint, what, () -> request.apply(bearer), read, true);
                } catch (PlatformException.Rejected e) {
                    if (e.status() != 401) {
                        throw e;
                    }
                    token = null; // revoked or expired early: one fresh token, one more try
                    String bearer = "Bearer " + accessToken();
                    return exchange(endpoint, what, () -> request.apply(bearer), read, true);
                }
            }, Object.class);
        } catch (PlatformException e) {
            throw e;
        } catch (Exception e) {
            throw new PlatformException.Unavailable(what + ": " + e.getClass().getSimpleName());
        }
    }

    /** Sends one request (API calls within the budget; logins are not counted by Genesys) and maps the outcome. */
    private <T> T exchange(String endpoint, String what, java.util.function.Supplier<Response> send,
            Function<Response, T> read, boolean budgeted) {
        Timer.Sample sample = Timer.start(meters);
        String status = "error";
        try {
            Response response;
            try {
                response = budgeted ? budget.call(send::get, Response.class) : send.get();
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
        } catch (RateLimitException e) {
            status = "budget";
            long wait = Math.max(e.getRetryAfterMillis(), 100);
            throw new PlatformException.Throttled("request budget", Duration.ofMillis(wait));
        } catch (ProcessingException e) {
            status = "timeout";
            throw new PlatformException.Unavailable(what + ": " + e.getClass().getSimpleName());
        } catch (PlatformException e) {
            throw e;
        } catch (Exception e) {
            throw new PlatformException.Unavailable(what + ": " + e.getClass().getSimpleName());
        } finally {
            sample.stop(meters.timer("carryover.platform.requests", "endpoint", endpoint, "status", status));
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
    private String accessToken() {
        AccessToken current = token;
        if (current != null && clock.instant().isBefore(current.renewAt())) {
            return current.value();
        }
        synchronized (this) {
            current = token;
            if (current != null && clock.instant().isBefore(current.renewAt())) {
                return current.value();
            }
            String basic = "Basic " + Base64.getEncoder().encodeToString(
                    (config.clientId().orElseThrow() + ":" + config.clientSecret().orElseThrow())
                            .getBytes(StandardCharsets.UTF_8));
            PlatformTypes.TokenResponse response = exchange("oauth-token", "OAuth token",
                    () -> login.token(basic, "client_credentials"),
                    r -> r.readEntity(PlatformTypes.TokenResponse.class), false);
            long lifetime = Math.max(1, response.expiresIn() - config.tokenRefreshMargin().toSeconds());
            token = new AccessToken(response.accessToken(), clock.instant().plusSeconds(lifetime));
            LOG.debugf("Platform token renewed, valid for %d s", response.expiresIn());
            return response.accessToken();
        }
    }
}
