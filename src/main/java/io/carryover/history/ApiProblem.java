package io.carryover.history;

/**
 * An RFC 9457 problem: {@code type} is {@code urn:carryover:problem:<slug>}, stable per case, documented in the
 * README. Thrown by History API code; {@link Problems} writes it as {@code application/problem+json}.
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String slug;
    private final String title;
    /** For a 503: when to try again (the {@code Retry-After} header); null when unknown. */
    private final Long retryAfterSeconds;

    public ApiProblem(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, null);
    }

    public ApiProblem(int status, String slug, String title, String detail, Long retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiProblem notFound(String what) {
        return new ApiProblem(404, "not-found", "Not found", what + " was not found");
    }

    public static ApiProblem badRequest(String slug, String detail) {
        return new ApiProblem(400, slug, "Invalid request", detail);
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
