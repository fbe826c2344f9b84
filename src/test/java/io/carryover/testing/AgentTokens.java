package io.carryover.testing;

import static io.restassured.RestAssured.given;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Agents of the sandbox's emulated Genesys: their access tokens (minted through the sandbox control API, as the
 * PKCE code exchange would give them) and the Platform conversations they are on.
 */
public final class AgentTokens {

    /** Answers the simulated chats; the user id on their agent participant. */
    public static final String BOB = "bob";
    public static final String BOB_ID = "5c0e5e5a-0000-4000-8000-00000000a9e1";
    /** An agent of the same org who is on no conversation unless a test puts them there. */
    public static final String CAROL = "carol";
    public static final String CAROL_ID = "5c0e5e5a-0000-4000-8000-00000000a9e2";
    /** Holds the sandbox's supervisor role. */
    public static final String SAM = "sam";
    /** A supervisor of another org. */
    public static final String OLGA = "olga";

    private AgentTokens() {
    }

    /** A fresh access token of that sandbox user. */
    public static String token(String user) {
        return given().contentType(ContentType.JSON).body(Map.of("user", user))
                .post("/sandbox/api/platform/agent-tokens")
                .then().statusCode(200).extract().path("access_token");
    }

    /** An agent's time on a conversation: joined at {@code connected}, left at {@code ended} (null: still there). */
    public record Participation(String user, Instant connected, Instant ended) {
        public static Participation now(String user) {
            return new Participation(user, Instant.now().minusSeconds(60), null);
        }
    }

    /** A new Genesys conversation (Platform only, no guest) with these agents on it; returns its id. */
    public static String conversation(Participation... agents) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Participation p : agents) {
            Map<String, Object> agent = new java.util.HashMap<>();
            agent.put("user", p.user());
            agent.put("connectedTime", p.connected().toString());
            if (p.ended() != null) {
                agent.put("endTime", p.ended().toString());
            }
            list.add(agent);
        }
        return given().contentType(ContentType.JSON).body(Map.of("agents", list))
                .post("/sandbox/api/platform/conversations")
                .then().statusCode(200).extract().path("id");
    }

    /** A request to the agent API as this token. */
    public static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }
}
