package io.carryover.history;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.persistence.PersistenceException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.vertx.http.runtime.security.annotation.BasicAuthentication;

/**
 * Every error of a secured REST endpoint as {@code application/problem+json} (RFC 9457), with a stable {@code type}.
 */
class Problems {

    private static final Logger LOG = Logger.getLogger(Problems.class);

    static final String MEDIA_TYPE = "application/problem+json";
    static final String TYPE_PREFIX = "urn:carryover:problem:";

    @ServerExceptionMapper
    Response problem(ApiProblem problem, UriInfo uri) {
        Response response = response(problem.status(), problem.slug(), problem.title(), problem.getMessage(), uri,
                null);
        if (problem.retryAfterSeconds() != null) {
            return Response.fromResponse(response).header(HttpHeaders.RETRY_AFTER, problem.retryAfterSeconds()).build();
        }
        if (problem.status() == 401) {
            return Response.fromResponse(response).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
        }
        return response;
    }

    @ServerExceptionMapper
    Response invalid(ConstraintViolationException e, UriInfo uri) {
        List<Map<String, String>> errors = e.getConstraintViolations().stream()
                .map(Problems::violation).sorted((a, b) -> a.get("field").compareTo(b.get("field"))).toList();
        return response(400, "invalid-request", "Invalid request", "the request's parameters are not valid", uri,
                errors);
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 1)
    Response notFound(NotFoundException e, UriInfo uri) {
        return response(404, "not-found", "Not found", "no such resource", uri, null);
    }

    /** The client errors RESTEasy raises before any resource runs; the Allow header of a 405 is kept. */
    @ServerExceptionMapper({ NotAllowedException.class, NotAcceptableException.class, NotSupportedException.class })
    Response unroutable(ClientErrorException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        String slug = switch (status) {
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            default -> "unsupported-media-type";
        };
        Response.ResponseBuilder out = Response.fromResponse(response(status, slug,
                Response.Status.fromStatusCode(status).getReasonPhrase(), e.getMessage(), uri, null));
        String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
        if (allow != null) {
            out.header(HttpHeaders.ALLOW, allow);
        }
        return out.build();
    }

    /** PostgreSQL unreachable or failing: no stack trace and no request text in the answer or the log. */
    @ServerExceptionMapper({ PersistenceException.class, SQLException.class })
    Response databaseUnavailable(Exception e, UriInfo uri) {
        LOG.warnf("%s: database unavailable (%s)", uri.getPath().startsWith("/api/") ? "History API" : "REST",
                sqlState(e));
        return response(503, "database-unavailable", "Database unavailable",
                "the archive database cannot answer now; try again later", uri, null);
    }

    private static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return "SQLState " + sql.getSQLState();
            }
        }
        return e.getClass().getSimpleName();
    }

    @ServerExceptionMapper
    Response forbidden(ForbiddenException e, UriInfo uri) {
        return response(403, "forbidden", "Forbidden", "the token does not grant this action", uri, null);
    }

    /** The challenge names the scheme the endpoint takes: Basic for the data action, Bearer for everything else. */
    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class })
    Response unauthorized(ResourceInfo resource, UriInfo uri) {
        Class<?> type = resource == null ? null : resource.getResourceClass();
        boolean basic = type != null && type.isAnnotationPresent(BasicAuthentication.class);
        return Response.fromResponse(response(401, "unauthorized", "Unauthorized", "a valid token is required", uri,
                null)).header(HttpHeaders.WWW_AUTHENTICATE, basic ? "Basic realm=\"carryover\"" : "Bearer").build();
    }

    private static Map<String, String> violation(ConstraintViolation<?> v) {
        String path = v.getPropertyPath().toString();
        // "list.limit" -> "limit": callers know parameters, not Java method names.
        String field = path.contains(".") ? path.substring(path.lastIndexOf('.') + 1) : path;
        return Map.of("field", field, "message", v.getMessage());
    }

    private static Response response(int status, String slug, String title, String detail, UriInfo uri,
            List<Map<String, String>> errors) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_PREFIX + slug);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", uri.getPath());
        if (errors != null) {
            body.put("errors", errors);
        }
        return Response.status(status).type(MEDIA_TYPE).entity(body).build();
    }
}
