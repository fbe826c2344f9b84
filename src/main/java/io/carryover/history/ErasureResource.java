package io.carryover.history;

import java.sql.SQLException;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.logging.Logger;

import io.quarkus.oidc.BearerTokenAuthentication;
import io.quarkus.security.identity.SecurityIdentity;

@Path("/api/v1/customers/{customerId}")
@Produces(MediaType.APPLICATION_JSON)
@BearerTokenAuthentication
@SecurityRequirement(name = "bearer")
public class ErasureResource {

    private static final Logger LOG = Logger.getLogger(ErasureResource.class);
    private static final int ATTEMPTS = 3;

    private final SecurityIdentity identity;
    private final Erasure erasure;
    private final AuditLog audit;

    ErasureResource(SecurityIdentity identity, Erasure erasure, AuditLog audit) {
        this.identity = identity;
        this.erasure = erasure;
        this.audit = audit;
    }

    @DELETE
    @RolesAllowed(Roles.ERASE)
    @Operation(summary = "Erase every row Carryover holds for a customer (idempotent); returns a receipt with counts")
    public Erasure.Receipt erase(@PathParam("customerId") UUID customerId) {
        Caller caller = Caller.of(identity);
        for (int attempt = 1;; attempt++) {
            try {
                return erasure.erase(caller, customerId);
            } catch (ApiProblem e) {
                audit.record(caller, AuditLog.Action.ERASE, customerId, null, e.slug());
                throw e;
            } catch (RuntimeException e) {
                String state = sqlState(e);
                // PostgreSQL chose this transaction to break a lock cycle with a writer touching the same rows
                // another way (e.g. a conversation moved by a sign-in): nothing was deleted, so try again.
                if (attempt < ATTEMPTS && ("40P01".equals(state) || "40001".equals(state))) {
                    LOG.infof("erasure of customer %s retried after SQLState %s", customerId, state);
                    continue;
                }
                audit.record(caller, AuditLog.Action.ERASE, customerId, null, "error " + state);
                LOG.errorf(e, "erasure of customer %s failed; nothing was deleted", customerId);
                throw new ApiProblem(503, "erase-failed", "Erasure failed",
                        "nothing was erased (one transaction); try again");
            }
        }
    }

    private static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}
