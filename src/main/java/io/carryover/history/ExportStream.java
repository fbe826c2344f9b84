package io.carryover.history;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.jboss.logging.Logger;

/**
 * The answer of both export routes: audited before the first byte, streamed, and the audit row completed with the
 * counts (or with where the stream was cut).
 */
@ApplicationScoped
class ExportStream {

    private static final Logger LOG = Logger.getLogger(ExportStream.class);

    private final Exporter exporter;
    private final AuditLog audit;

    ExportStream(Exporter exporter, AuditLog audit) {
        this.exporter = exporter;
        this.audit = audit;
    }

    Response of(Caller caller, UUID customerId, Set<String> scope) {
        long auditId = audit.begin(caller, AuditLog.Action.EXPORT, customerId, null, "started");
        StreamingOutput body = out -> {
            try {
                var counts = exporter.write(customerId, scope, out);
                audit.complete(auditId, "ok " + Erasure.json(counts));
            } catch (SQLException e) {
                LOG.warnf("export of customer %s cut: database error (SQLState %s)", customerId, e.getSQLState());
                audit.complete(auditId, "cut database " + e.getSQLState());
                throw new IOException("export cut by a database error", e);
            } catch (IOException | RuntimeException e) {
                LOG.infof("export of customer %s cut: %s", customerId, e.getClass().getSimpleName());
                audit.complete(auditId, "cut " + e.getClass().getSimpleName());
                throw e;
            }
        };
        return Response.ok(body, Exporter.MEDIA_TYPE)
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        "attachment; filename=\"carryover-export-" + customerId + ".ndjson\"")
                .build();
    }
}
