package io.carryover.sandbox;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import io.carryover.sandbox.PlatformErrors.PlatformError;
import io.smallrye.mutiny.Uni;

/**
 * The emulated Platform API's request pipeline, in front of every endpoint: on top of the Genesys behaviour it adds
 * what makes a client's resilience testable: scripted faults (status storms, latency), a per-token rate limit, and a
 * log of every request received. Thread-safe; nothing here blocks, so the HTTP layer may call it on the event loop.
 * Logs never contain tokens, secrets or message text.
 *
 * <p>Order: the first pending fault that targets the endpoint is consumed (its latency is waited out with a timer,
 * its status if any is the answer); then the bearer token is checked (401), then the token's rate limit (429), then
 * the endpoint itself. Like Genesys (PROTOCOL.md 5.5), the limit is counted per access token, so every token issued
 * starts with a window of its own. Injected faults, 401s and 429s do not count against the rate limit; token requests
 * never do (Genesys limits the login service separately).
 */
@ApplicationScoped
public class PlatformPipeline {

    /** The emulated endpoints, named as fault injection targets them. */
    public enum Endpoint {
        TOKEN, DETAILS, CONVERSATION, ATTRIBUTES, USERS, ORGANIZATION;

        static final Set<Endpoint> API = EnumSet.complementOf(EnumSet.of(TOKEN));

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Runtime behaviour; starts at the configured defaults. */
    public record Settings(long detailsLagMs, int requestsPerMinute, long tokenLifetimeSeconds) {
    }

    /** Body of PUT settings: only the fields present change. */
    public record SettingsChange(Long detailsLagMs, Integer requestsPerMinute, Long tokenLifetimeSeconds) {
    }

    /** Body of POST faults. */
    public record FaultRequest(Integer status, Integer count, Long latencyMs, Integer retryAfterSeconds,
            String endpoint, String path, String conversationId, String guestToken) {
    }

    /** A pending fault as GET/POST faults show it; {@code remaining} counts down per request it hits. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FaultView(Integer status, int remaining, long latencyMs, Integer retryAfterSeconds,
            List<String> endpoints, String path, String conversationId, String guestToken) {
    }

    /** One Platform API request as the request log keeps it; {@code body} only for PATCH. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LoggedRequest(long time, String method, String path, String endpoint, int status,
            long durationMs, String clientId, String fault, JsonNode body) {
    }

    /**
     * What the resource knows about a request before the pipeline runs; {@code conversationId} is the Platform
     * conversation it concerns (for details, the message's), or null.
     */
    public record Call(Endpoint endpoint, String method, String path, String conversationId, String authorization,
            JsonNode loggedBody) {
    }

    static final int LOG_CAPACITY = 10_000;
    static final long WINDOW_MS = 60_000;
    static final int MAX_LATENCY_MS = 120_000;

    private static final Logger LOG = Logger.getLogger(PlatformPipeline.class);

    /** Mutable only under the faults lock. */
    private static final class Fault {
        final Integer status;
        final long latencyMs;
        final Integer retryAfterSeconds;
        final Set<Endpoint> endpoints;
        /** Only requests for exactly this raw path, when set (so a test's fault is not used up by other callers). */
        final String path;
        /** Only requests concerning this Platform conversation, when set: a test's own, whatever the endpoint. */
        final String conversationId;
        /** Only requests concerning a conversation opened under this guest token, when set: it may have none yet. */
        final String guestToken;
        int remaining;

        Fault(Integer status, long latencyMs, Integer retryAfterSeconds, Set<Endpoint> endpoints, String path,
                String conversationId, String guestToken, int remaining) {
            this.status = status;
            this.latencyMs = latencyMs;
            this.retryAfterSeconds = retryAfterSeconds;
            this.endpoints = endpoints;
            this.path = path;
            this.conversationId = conversationId;
            this.guestToken = guestToken;
            this.remaining = remaining;
        }

        boolean hits(Call call, GuestSessions sessions) {
            return endpoints.contains(call.endpoint()) && (path == null || path.equals(call.path()))
                    && (conversationId == null || conversationId.equals(call.conversationId()))
                    && (guestToken == null || sessions.openedBy(guestToken, call.conversationId()));
        }

        FaultView view() {
            return new FaultView(status, remaining, latencyMs, retryAfterSeconds,
                    endpoints.stream().map(Endpoint::label).toList(), path, conversationId,
                    guestToken);
        }

        String label() {
            return status != null ? "status " + status : "latency " + latencyMs + "ms";
        }
    }

    private final PlatformTokens tokens;
    private final GuestSessions sessions;
    private final SandboxConfig.Platform config;
    private volatile Settings settings;
    private final List<Fault> faults = new ArrayList<>();
    private final Deque<LoggedRequest> requestLog = new ArrayDeque<>();

    PlatformPipeline(PlatformTokens tokens, GuestSessions sessions, SandboxConfig config) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.config = config.platform();
        this.settings = defaults();
    }

    /** Runs one Platform request through faults, auth, rate limit and {@code work}; logs the outcome. */
    public Uni<Response> serve(Call call, Function<PlatformTokens.Issued, Response> work) {
        long received = System.currentTimeMillis();
        Fault fault = takeFault(call);
        String[] clientId = new String[1];
        Uni<Void> start = Uni.createFrom().voidItem();
        if (fault != null && fault.latencyMs > 0) {
            start = start.onItem().delayIt().by(Duration.ofMillis(fault.latencyMs));
        }
        return start.map(ignored -> {
            Response response;
            try {
                if (fault != null && fault.status != null) {
                    response = injected(fault);
                } else if (call.endpoint() == Endpoint.TOKEN) {
                    response = work.apply(null);
                } else {
                    PlatformTokens.Issued issued = tokens.authenticate(call.authorization());
                    clientId[0] = issued.clientId();
                    admit(issued.window());
                    response = work.apply(issued);
                }
            } catch (PlatformError e) {
                response = e.response;
            } catch (RuntimeException e) {
                LOG.warnf("sandbox platform %s failed: %s", call.endpoint().label(), e.getClass().getName());
                response = PlatformErrors.error(500, "internal.server.error",
                        "The sandbox failed to process the request");
            }
            log(new LoggedRequest(received, call.method(), call.path(), call.endpoint().label(),
                    response.getStatus(), System.currentTimeMillis() - received, clientId[0],
                    fault == null ? null : fault.label(), call.loggedBody()));
            return response;
        });
    }

    /** Rolling-window limit per token; rejected requests are not counted, so honouring Retry-After works. */
    private void admit(Deque<Long> window) {
        int limit = settings.requestsPerMinute();
        long retryAfterMs;
        synchronized (window) {
            long now = System.currentTimeMillis();
            while (!window.isEmpty() && now - window.peekFirst() >= WINDOW_MS) {
                window.removeFirst();
            }
            if (window.size() < limit) {
                window.addLast(now);
                return;
            }
            // The slot frees when the request (size - limit + 1) places from the oldest leaves the window.
            Iterator<Long> oldest = window.iterator();
            long freeing = oldest.next();
            for (int i = 0; i < window.size() - limit; i++) {
                freeing = oldest.next();
            }
            retryAfterMs = freeing + WINDOW_MS - now;
        }
        long retryAfter = Math.max(1, (retryAfterMs + 999) / 1000);
        throw new PlatformError(PlatformErrors.error(429, "too.many.requests",
                "Rate limit exceeded the maximum. [" + limit + "] requests for [60] seconds", retryAfter));
    }

    private static Response injected(Fault fault) {
        int status = fault.status;
        String code = switch (status) {
            case 400 -> "bad.request";
            case 401 -> "bad.credentials";
            case 403 -> "missing.any.permissions";
            case 404 -> "not.found";
            case 429 -> "too.many.requests";
            case 500 -> "internal.server.error";
            case 502 -> "bad.gateway";
            case 503 -> "service.unavailable";
            case 504 -> "gateway.timeout";
            default -> "sandbox.fault";
        };
        String message = status == 429 ? "Rate limit exceeded the maximum. (injected fault)"
                : "Injected fault: " + code;
        Integer retryAfter = fault.retryAfterSeconds != null ? fault.retryAfterSeconds : status == 429 ? 1 : null;
        return PlatformErrors.error(status, code, message, retryAfter == null ? null : retryAfter.longValue());
    }

    // =====================================================================================
    // Settings, faults and the request log (control API)

    public Settings settings() {
        return settings;
    }

    /** Applies the fields present; a new requestsPerMinute also empties the rate-limit windows. */
    public synchronized Settings changeSettings(SettingsChange change) {
        if (change == null) {
            return settings;
        }
        Settings current = settings;
        long lag = change.detailsLagMs() == null ? current.detailsLagMs() : change.detailsLagMs();
        int perMinute = change.requestsPerMinute() == null ? current.requestsPerMinute() : change.requestsPerMinute();
        long lifetime = change.tokenLifetimeSeconds() == null
                ? current.tokenLifetimeSeconds() : change.tokenLifetimeSeconds();
        if (lag < 0 || perMinute < 1 || lifetime < 0) {
            throw new SandboxApiException(400,
                    "detailsLagMs and tokenLifetimeSeconds must be >= 0, requestsPerMinute >= 1");
        }
        settings = new Settings(lag, perMinute, lifetime);
        if (change.requestsPerMinute() != null) {
            tokens.clearWindows();
        }
        return settings;
    }

    /** Back to the configured defaults, with empty rate-limit windows. Issued tokens stay valid. */
    public synchronized Settings resetSettings() {
        settings = defaults();
        tokens.clearWindows();
        return settings;
    }

    public List<FaultView> addFault(FaultRequest request) {
        if (request == null || (request.status() == null && request.latencyMs() == null)) {
            throw new SandboxApiException(400, "a fault needs a status, a latencyMs, or both");
        }
        if (request.status() != null && (request.status() < 400 || request.status() > 599)) {
            throw new SandboxApiException(400, "status must be 400-599");
        }
        long latency = request.latencyMs() == null ? 0 : request.latencyMs();
        if (latency < 0 || latency > MAX_LATENCY_MS) {
            throw new SandboxApiException(400, "latencyMs must be 0-" + MAX_LATENCY_MS);
        }
        int count = request.count() == null ? 1 : request.count();
        if (count < 1) {
            throw new SandboxApiException(400, "count must be >= 1");
        }
        if (request.retryAfterSeconds() != null && request.retryAfterSeconds() < 0) {
            throw new SandboxApiException(400, "retryAfterSeconds must be >= 0");
        }
        Set<Endpoint> endpoints = endpoints(request.endpoint());
        String conversationId = blankToNull(request.conversationId());
        String guestToken = blankToNull(request.guestToken());
        if ((conversationId != null || guestToken != null)
                && endpoints.stream().noneMatch(CONVERSATION_ENDPOINTS::contains)) {
            throw new SandboxApiException(400,
                    "conversationId and guestToken only apply to details, conversation or attributes");
        }
        synchronized (faults) {
            faults.add(new Fault(request.status(), latency, request.retryAfterSeconds(), endpoints,
                    blankToNull(request.path()), conversationId, guestToken, count));
            return faultViews();
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    public List<FaultView> faults() {
        synchronized (faults) {
            return faultViews();
        }
    }

    public void clearFaults() {
        synchronized (faults) {
            faults.clear();
        }
    }

    /** Logged requests received at or after {@code since} (epoch ms), oldest first. */
    public List<LoggedRequest> requests(long since) {
        synchronized (requestLog) {
            return requestLog.stream().filter(r -> r.time() >= since).toList();
        }
    }

    public void clearRequests() {
        synchronized (requestLog) {
            requestLog.clear();
        }
    }

    private Settings defaults() {
        return new Settings(config.detailsLag().toMillis(), config.requestsPerMinute(),
                config.tokenLifetime().toSeconds());
    }

    private Fault takeFault(Call call) {
        synchronized (faults) {
            for (Iterator<Fault> it = faults.iterator(); it.hasNext();) {
                Fault fault = it.next();
                if (fault.hits(call, sessions)) {
                    if (--fault.remaining <= 0) {
                        it.remove();
                    }
                    return fault;
                }
            }
            return null;
        }
    }

    private List<FaultView> faultViews() {
        return faults.stream().map(Fault::view).toList();
    }

    /** The endpoints whose requests concern one conversation; a conversation-scoped fault can only hit these. */
    private static final Set<Endpoint> CONVERSATION_ENDPOINTS =
            EnumSet.of(Endpoint.DETAILS, Endpoint.CONVERSATION, Endpoint.ATTRIBUTES);

    private static Set<Endpoint> endpoints(String name) {
        if (name == null || name.isBlank()) {
            return Endpoint.API;
        }
        if (name.equals("all")) {
            return EnumSet.allOf(Endpoint.class);
        }
        for (Endpoint endpoint : Endpoint.values()) {
            if (endpoint.label().equals(name)) {
                return EnumSet.of(endpoint);
            }
        }
        throw new SandboxApiException(400,
                "endpoint must be details, conversation, attributes, users, organization, token or all");
    }

    private void log(LoggedRequest request) {
        synchronized (requestLog) {
            if (requestLog.size() >= LOG_CAPACITY) {
                requestLog.removeFirst();
            }
            requestLog.addLast(request);
        }
    }
}
