package io.carryover.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

import io.vertx.core.MultiMap;

/** Where the relay finds a guest's bearer token: the Authorization header, or the browsers' carrier subprotocol. */
class BearerTest {

    @Test
    void authorizationHeader() {
        assertEquals("abc.def.ghi", Relay.bearer(headers("Authorization", "Bearer abc.def.ghi")));
        assertEquals("abc", Relay.bearer(headers("authorization", "bearer  abc ")));
        assertNull(Relay.bearer(headers("Authorization", "Basic dXNlcjpwYXNz")));
        assertNull(Relay.bearer(headers("Authorization", "Bearer ")));
        assertNull(Relay.bearer(MultiMap.caseInsensitiveMultiMap()));
    }

    @Test
    void carrierSubprotocol() {
        assertEquals("abc.def.ghi", Relay.bearer(headers("Sec-WebSocket-Protocol",
                "bearer-token-carrier, quarkus-http-upgrade#Authorization#Bearer%20abc.def.ghi")));
        assertNull(Relay.bearer(headers("Sec-WebSocket-Protocol", "bearer-token-carrier")));
    }

    @Test
    void aBadlyEncodedCarrierIsNoTokenNotAFailure() {
        assertNull(Relay.bearer(headers("Sec-WebSocket-Protocol",
                "bearer-token-carrier, quarkus-http-upgrade#Authorization#Bearer%2")));
    }

    private static MultiMap headers(String name, String value) {
        return MultiMap.caseInsensitiveMultiMap().add(name, value);
    }
}
