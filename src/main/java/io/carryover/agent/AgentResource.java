package io.carryover.agent;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.carryover.history.ApiProblem;
import io.carryover.history.AuditLog;
import io.carryover.history.Caller;
import io.carryover.history.MessageSearch;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.annotation.HttpAuthenticationMechanism;

/**
 * The agent page's API, keyed by the Genesys conversation the widget is open on. Authenticated by the agent's
 * Genesys token ({@link AgentAuthentication}); each route decides access with the Platform ({@link AgentAccess})
 * before it reads the archive, and leaves one audit row (ids and counts, never query text).
 */
@Path("/agent/api")
@Produces(MediaType.APPLICATION_JSON)
@HttpAuthenticationMechanism(AgentAuthentication.SCHEME)
public class AgentResource {

    private final SecurityIdentity identity;
    private final AgentAccess access;
    private final AgentReads reads;
    private final AgentSearch search;
    private final MessageSearch messageSearch;
    private final AgentSignIn signIn;
    private final AuditLog audit;

    AgentResource(SecurityIdentity identity, AgentAccess access, AgentReads reads, AgentSearch search,
            MessageSearch messageSearch, AgentSignIn signIn, AuditLog audit) {
        this.identity = identity;
        this.access = access;
        this.reads = reads;
        this.search = search;
        this.messageSearch = messageSearch;
        this.signIn = signIn;
        this.audit = audit;
    }

    /** Where the page signs the agent in: the region's login service and the agent OAuth client (public). */
    @GET
    @Path("sign-in")
    @PermitAll
    @Operation(summary = "Sign-in settings of the region (public): OAuth client id, authorize and token URLs",
            description = "hostOrigin (the widget's gcHostOrigin) only picks a configured region; unknown: default")
    public AgentSignIn.Settings signIn(@QueryParam("hostOrigin") String hostOrigin) {
        return signIn.settings(hostOrigin);
    }

    @GET
    @Path("conversations/{gid}/context")
    @RolesAllowed(Agent.ROLE)
    @SecurityRequirement(name = "genesys-agent")
    @Operation(summary = "State, summary and timeline of the prior conversations of the customer on {gid}",
            description = "Only for an agent participant of {gid} (or within the grace period after it, or a"
                    + " supervisor); 403 agent-access-denied otherwise, decided before the archive is read")
    public AgentViews.Context context(@PathParam("gid") String gid) throws Exception {
        Agent agent = Agent.of(identity);
        return audited(agent, AuditLog.Action.AGENT_CONTEXT, gid, call -> {
            var current = reads.current(gid);
            call.customer = current.map(c -> c.newest().customerId).orElse(null);
            AgentViews.Context context = reads.context(agent, gid, current);
            call.counts = "state=" + context.state() + " conversations=" + context.conversations().size();
            return context;
        });
    }

    @GET
    @Path("conversations/{gid}/conversations/{id}/messages")
    @RolesAllowed(Agent.ROLE)
    @SecurityRequirement(name = "genesys-agent")
    @Operation(summary = "One prior conversation's messages, redacted; 404 for anything but a prior conversation")
    public AgentViews.Transcript transcript(@PathParam("gid") String gid, @PathParam("id") String id)
            throws Exception {
        Agent agent = Agent.of(identity);
        return audited(agent, AuditLog.Action.AGENT_TRANSCRIPT, gid, call -> {
            var current = reads.current(gid).filter(c -> !c.guest());
            call.customer = current.map(c -> c.newest().customerId).orElse(null);
            AgentViews.Transcript transcript = reads.transcript(current, id);
            call.counts = "conversation=" + transcript.id() + " messages=" + transcript.messages().size();
            return transcript;
        });
    }

    @GET
    @Path("conversations/{gid}/search")
    @RolesAllowed(Agent.ROLE)
    @SecurityRequirement(name = "genesys-agent")
    @Operation(summary = "Full-text search in the prior conversations, on the redacted texts",
            description = "Redacted values (cards, e-mails, phones) and their placeholders never match; snippets"
                    + " are HTML with <mark> around matches. The audit log keeps the query's length only.")
    public AgentViews.SearchResult search(@PathParam("gid") String gid, @QueryParam("q") String q,
            @QueryParam("limit") String limit) throws Exception {
        Agent agent = Agent.of(identity);
        return audited(agent, AuditLog.Action.AGENT_SEARCH, gid, call -> {
            String query = messageSearch.validQuery(q);
            int max = limit(limit);
            List<AgentViews.Hit> hits = List.of();
            var current = reads.current(gid).filter(c -> !c.guest());
            if (current.isPresent()) {
                call.customer = current.get().newest().customerId;
                hits = search.search(call.customer, reads.priorIds(current.get()), query, max);
            }
            call.counts = "queryLength=" + query.length() + " hits=" + hits.size();
            return new AgentViews.SearchResult(query, hits);
        });
    }

    private static int limit(String limit) {
        if (limit == null) {
            return 20;
        }
        try {
            int value = Integer.parseInt(limit);
            if (value >= 1 && value <= 50) {
                return value;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw ApiProblem.badRequest("invalid-parameter", "limit must be a whole number from 1 to 50");
    }

    /** What an audited call learns on the way: the customer (once read) and counts for the row. */
    private static final class Call {
        UUID customer;
        String counts;
    }

    private interface Body<T> {
        T run(Call call) throws Exception;
    }

    /** Access first (nothing read before it), then the body; one audit row whatever the outcome. */
    private <T> T audited(Agent agent, AuditLog.Action action, String gid, Body<T> body) throws Exception {
        Call call = new Call();
        String result = "error";
        try {
            access.require(agent, gid);
            T value = body.run(call);
            result = "ok";
            return value;
        } catch (ApiProblem e) {
            result = e.slug();
            throw e;
        } finally {
            Caller caller = agent.caller();
            String target = "genesys:" + (GenesysAgents.isUuid(gid) ? gid : "invalid")
                    + (call.counts == null ? "" : " " + call.counts);
            audit.record(caller, action, call.customer, target, result);
        }
    }
}
