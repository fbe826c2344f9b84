package io.carryover.sandbox;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /sandbox/api}: what the sandbox's control API offers, so the address the demo prints answers. */
@Path("/sandbox/api")
@Produces(MediaType.APPLICATION_JSON)
public class SandboxApiIndexResource {

    public record Endpoint(String method, String path, String does) {
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/sandbox/api/sessions/{token}", "a guest session: conversation, messages, sockets"),
            new Endpoint("POST", "/sandbox/api/sessions/{token}/agent/join", "the agent joins ({\"nickname\"}?)"),
            new Endpoint("POST", "/sandbox/api/sessions/{token}/agent/reply", "the agent writes ({\"text\"})"),
            new Endpoint("POST", "/sandbox/api/sessions/{token}/agent/typing", "the agent types"),
            new Endpoint("POST", "/sandbox/api/sessions/{token}/agent/disconnect",
                    "the agent leaves: the conversation turns read-only"),
            new Endpoint("POST", "/sandbox/api/sessions/{token}/expire", "the session expires"),
            new Endpoint("POST", "/sandbox/api/sessions/{token}/replay", "re-sends the agent's messages"),
            new Endpoint("GET", "/sandbox/api/platform/conversations/{id}",
                    "a Platform conversation as the agent sees it (participant data)"),
            new Endpoint("GET", "/sandbox/api/platform/requests", "the Platform API requests Carryover made"),
            new Endpoint("POST", "/sandbox/api/platform/faults", "inject Platform API faults (status, count, endpoint)"),
            new Endpoint("PUT", "/sandbox/api/platform/settings", "change the emulated Platform's limits"),
            new Endpoint("POST", "/sandbox/oidc/token", "a customer token from the sandbox issuer ({\"sub\"})"));

    @GET
    public Map<String, Object> index() {
        return Map.of("description", "Control API of the Genesys sandbox (demo, dev and test builds only)",
                "demoPage", SandboxRoutes.DEMO_PAGE, "endpoints", ENDPOINTS);
    }
}
