package io.carryover.sandbox;

import java.util.List;
import java.util.Optional;

/**
 * The Genesys users of the sandbox org (and one of another org), as the emulated login lets you pick them and
 * {@code users/me} describes them. Bob answers the simulated chats; Carol is an agent who does not; Sam holds the
 * supervisor role; Olga is a supervisor of another org, whose token must open nothing here.
 */
final class SandboxUsers {

    record User(String key, String id, String name, String email, String orgId, List<String> roles) {
    }

    /** The sandbox org: Carryover's own Platform client belongs to it. */
    static final String ORG_ID = "5c0e5e5a-0000-4000-8000-00000000a0c0";
    static final String ORG_NAME = "Carryover Sandbox";
    static final String OTHER_ORG_ID = "5c0e5e5a-0000-4000-8000-00000000b0c0";
    /** The role name the sandbox wiring configures as carryover.agent.supervisor-role. */
    static final String SUPERVISOR_ROLE = "Carryover Supervisor";

    static final List<User> ALL = List.of(
            new User("bob", SandboxConversation.AGENT_USER_ID, "Bob Agent", "bob@sandbox.example", ORG_ID,
                    List.of("Agent")),
            new User("carol", "5c0e5e5a-0000-4000-8000-00000000a9e2", "Carol Agent", "carol@sandbox.example",
                    ORG_ID, List.of("Agent")),
            new User("sam", "5c0e5e5a-0000-4000-8000-00000000a9e3", "Sam Supervisor", "sam@sandbox.example",
                    ORG_ID, List.of("Agent", SUPERVISOR_ROLE)),
            new User("olga", "5c0e5e5a-0000-4000-8000-00000000b9e1", "Olga Other-Org", "olga@other.example",
                    OTHER_ORG_ID, List.of("Agent", SUPERVISOR_ROLE)));

    private SandboxUsers() {
    }

    static Optional<User> byKey(String key) {
        return ALL.stream().filter(u -> u.key().equals(key)).findFirst();
    }

    static Optional<User> byId(String id) {
        return ALL.stream().filter(u -> u.id().equals(id)).findFirst();
    }
}
