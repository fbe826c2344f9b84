package io.carryover.history;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.quarkus.oidc.BearerTokenAuthentication;
import io.quarkus.security.identity.SecurityIdentity;

/** The data-subject access export for a service caller (a scoped caller gets the customer's rows in its scope). */
@Path("/api/v1/customers/{customerId}/export")
@BearerTokenAuthentication
@SecurityRequirement(name = "bearer")
public class CustomerExportResource {

    private final SecurityIdentity identity;
    private final CustomerAccess access;
    private final AuditLog audit;
    private final ExportStream stream;

    CustomerExportResource(SecurityIdentity identity, CustomerAccess access, AuditLog audit, ExportStream stream) {
        this.identity = identity;
        this.access = access;
        this.audit = audit;
        this.stream = stream;
    }

    @GET
    @RolesAllowed(Roles.EXPORT)
    @Produces({ Exporter.MEDIA_TYPE, Problems.MEDIA_TYPE })
    @Operation(summary = "Every row Carryover holds for a customer, streamed as NDJSON; last line counts the rows")
    public Response export(@PathParam("customerId") UUID customerId) {
        Caller caller = Caller.of(identity);
        try {
            access.customer(caller, customerId);
        } catch (ApiProblem e) {
            audit.record(caller, AuditLog.Action.EXPORT, customerId, null, e.slug());
            throw e;
        }
        return stream.of(caller, customerId, access.scope(caller));
    }
}
