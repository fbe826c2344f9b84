package io.carryover.history;

import java.time.Instant;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.QueryParam;

import io.carryover.archive.ConversationState;

/**
 * Query parameters of the conversation routes. They are text, validated inside the call ({@link AuditedCall}) rather
 * than before it, so an invalid request still leaves its audit row; {@code limit} as text also makes {@code limit=abc}
 * a 400 naming the field (a JAX-RS conversion failure of a query parameter would be a 404).
 */
public final class ConversationParams {

    private ConversationParams() {
    }

    /**
     * {@code limit}: how many items a page holds. The pattern because {@code @Min}/{@code @Max} on text accept any
     * decimal ({@code 1e1}, {@code 50.0}) that {@link Integer#parseInt} then refuses.
     */
    public static class LimitParam {
        @QueryParam("limit")
        @DefaultValue("20")
        @Pattern(regexp = "\\+?[0-9]{1,9}", message = "must be a whole number")
        @Min(1)
        @Max(100)
        public String limit;

        int limit() {
            return Integer.parseInt(limit);
        }
    }

    /** {@code limit} and {@code cursor}: one page of a list. */
    public static class PageParams extends LimitParam {
        @QueryParam("cursor")
        @Size(max = 1024)
        public String cursor;
    }

    /** A page of a customer's conversations, optionally limited to a start window and a state. */
    public static class ListParams extends PageParams {
        /** Conversations that started at or after this instant. */
        @QueryParam("from")
        @IsoInstant
        public String from;

        /** Conversations that started before this instant. */
        @QueryParam("to")
        @IsoInstant
        public String to;

        @QueryParam("state")
        @Pattern(regexp = "ACTIVE|READ_ONLY|CLOSED", message = "must be one of ACTIVE, READ_ONLY, CLOSED")
        public String state;

        Instant fromInstant() {
            return IsoInstant.Validator.parse(from);
        }

        Instant toInstant() {
            return IsoInstant.Validator.parse(to);
        }

        ConversationState stateValue() {
            return state == null ? null : ConversationState.valueOf(state);
        }
    }
}
