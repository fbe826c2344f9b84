package io.carryover.sandbox;

import java.util.UUID;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Error answers of the emulated Platform API ({@code ErrorBody}) and login service (RFC 6749 JSON). */
final class PlatformErrors {

    /** A Genesys-shaped error answer, thrown from inside the request pipeline. */
    static final class PlatformError extends RuntimeException {
        final transient Response response;

        PlatformError(Response response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    private PlatformErrors() {
    }

    static Response error(int status, String code, String message) {
        return error(status, code, message, null);
    }

    /** {"message","code","status","contextId","details":[],"errors":[]}, with Retry-After if given. */
    static Response error(int status, String code, String message, Long retryAfterSeconds) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("message", message).put("code", code)
                .put("status", status).put("contextId", UUID.randomUUID().toString());
        body.putArray("details");
        body.putArray("errors");
        Response.ResponseBuilder response = Response.status(status).entity(body).type(MediaType.APPLICATION_JSON);
        if (retryAfterSeconds != null) {
            response.header("Retry-After", Long.toString(retryAfterSeconds));
        }
        return response.build();
    }

    /** An OAuth error ({@code {"error": ..., "error_description": ...}}), as the login service answers. */
    static Response oauth(int status, String error, String description) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("error", error)
                .put("description", description).put("error_description", description);
        return Response.status(status).entity(body).type(MediaType.APPLICATION_JSON).build();
    }
}
