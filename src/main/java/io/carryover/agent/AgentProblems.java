package io.carryover.agent;

import io.carryover.history.ApiProblem;
import io.carryover.platform.PlatformException;

/** The agent API's own problem types (README, agent API). */
final class AgentProblems {

    private AgentProblems() {
    }

    /** Same body whatever the reason: not a participant, grace over, another org. */
    static ApiProblem accessDenied() {
        return new ApiProblem(403, "agent-access-denied", "Access denied",
                "this agent may not see the history of this conversation's customer");
    }

    static ApiProblem platformUnavailable(PlatformException e) {
        long retryAfter = e instanceof PlatformException.Throttled t
                ? Math.max(1, (t.retryAfter().toMillis() + 999) / 1000) : 5;
        return new ApiProblem(503, "platform-unavailable", "Genesys unavailable",
                "Genesys Cloud could not be asked who may look; try again shortly", retryAfter);
    }

    static ApiProblem notFound() {
        return ApiProblem.notFound("the conversation");
    }
}
