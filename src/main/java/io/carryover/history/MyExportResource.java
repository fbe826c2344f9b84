package io.carryover.history;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.quarkus.oidc.BearerTokenAuthentication;
import io.quarkus.security.identity.SecurityIdentity;

/** Self-service export: a customer's own token, its own data only. */
@Path("/api/v1/me/export")
@BearerTokenAuthentication
@SecurityRequirement(name = "bearer")
public class MyExportResource {

    private final SecurityIdentity identity;
    private final CustomerAccess access;
    private final AuditLog audit;
    private final ExportStream stream;

    MyExportResource(SecurityIdentity identity, CustomerAccess access, AuditLog audit, ExportStream stream) {
        this.identity = identity;
        this.access = access;
        this.audit = audit;
        this.stream = stream;
    }

    @GET
    @RolesAllowed(Roles.CUSTOMER)
    @Produces({ Exporter.MEDIA_TYPE, Problems.MEDIA_TYPE })
    @Operation(summary = "Everything Carryover holds about the calling customer, streamed as NDJSON")
    public Response export() {
        Caller caller = Caller.of(identity);
        UUID customerId = caller.customer().orElseThrow().id();
        try {
            access.customer(caller, customerId);
        } catch (ApiProblem e) {
            audit.record(caller, AuditLog.Action.EXPORT, customerId, null, e.slug());
            throw e;
        }
        return stream.of(caller, customerId, null);
    }
}
