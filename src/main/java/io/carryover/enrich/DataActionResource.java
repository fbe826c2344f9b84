package io.carryover.enrich;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.carryover.identity.CustomerKey;
import io.carryover.identity.IdentityConfig;
import io.quarkus.vertx.http.runtime.security.annotation.BasicAuthentication;

/**
 * Pull mode for Architect: a Genesys Web Services Data Action posts the conversation id and the customer's
 * {@code sub} and gets flat fields to use with Set Participant Data. Same summary, redaction and bounds as the PATCH.
 */
@Path("/architect/summary")
@BasicAuthentication
@SecurityRequirement(name = "basic")
@RolesAllowed(DataActionResource.ROLE)
public class DataActionResource {

    /** Role of the data action's Basic user ({@code quarkus.security.users.embedded.roles.<user>=data-action}). */
    public static final String ROLE = "data-action";

    /** Input: {@code Message.ConversationID} and {@code Message.Message.senderAddressInfo.addressDisplayable}. */
    public record Request(String conversationId, String sub) {
    }

    private final HistoryReader history;
    private final SummaryService summaries;
    private final EnrichConfig config;
    private final IdentityConfig identity;

    DataActionResource(HistoryReader history, SummaryService summaries, EnrichConfig config, IdentityConfig identity) {
        this.history = history;
        this.summaries = summaries;
        this.config = config;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Summary of a customer's prior conversations, as flat fields for Set Participant Data")
    public Map<String, Object> summary(Request request) throws SQLException {
        if (request == null || blank(request.conversationId()) || blank(request.sub())) {
            throw new WebApplicationException(Response.status(400)
                    .entity(Map.of("error", "conversationId and sub are required")).build());
        }
        CustomerKey customer = new CustomerKey(issuer(), request.sub());
        CustomerHistory prior = history.priorToConversation(customer.id(), request.conversationId());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("found", !prior.conversations().isEmpty());
        out.put("headline", "");
        out.put("conversations", 0);
        out.put("lastContact", "");
        for (int i = 1; i <= config.priorConversations(); i++) {
            out.put("summary" + i, "");
        }
        out.put("link", "");
        if (!prior.conversations().isEmpty()) {
            Map<String, String> fields = summaries.flatFields(prior, request.conversationId());
            out.put("conversations", prior.conversations().size());
            fields.forEach((key, value) -> {
                if (out.containsKey(key) && !key.equals("conversations")) {
                    out.put(key, value);
                }
            });
        }
        return out;
    }

    private String issuer() {
        return config.dataAction().issuer().orElseGet(() -> {
            if (identity.issuers().size() == 1) {
                return identity.issuers().values().iterator().next().issuer();
            }
            throw new WebApplicationException(Response.status(503)
                    .entity(Map.of("error", "set carryover.enrich.data-action.issuer")).build());
        });
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
