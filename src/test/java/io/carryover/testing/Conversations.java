package io.carryover.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Conversations customers and simulated agents have through the relay and the sandbox, for enrichment scenarios. */
public final class Conversations {

    private Conversations() {
    }

    /** A signed-in customer with one finished conversation starts a new one and writes: the enrichment trigger. */
    public static void returningCustomer(String token, String subject, String question, String answer,
            String followUp) throws Exception {
        try (Guest guest = Guest.viaRelay(token, Sandbox.mint(subject))) {
            priorConversation(guest, question, answer);
            assertTrue(guest.configureSession(true).path("body").path("newSession").asBoolean());
            guest.say(followUp);
        }
    }

    /** One finished conversation: the customer asks, an agent answers and leaves (read-only). */
    public static void priorConversation(Guest guest, String question, String answer) {
        assertTrue(guest.configureSession(false).path("body").path("connected").asBoolean());
        guest.say(question);
        Sandbox.agent(guest.token(), "join");
        Sandbox.agentReply(guest.token(), answer);
        guest.awaitOutbound(b -> answer.equals(b.path("text").asText()));
        Sandbox.agent(guest.token(), "disconnect");
        guest.awaitOutbound(b -> "Disconnect".equals(b.path("events").path(0).path("presence").path("type").asText()));
    }
}
