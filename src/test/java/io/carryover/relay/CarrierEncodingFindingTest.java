package io.carryover.relay;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;

import org.junit.jupiter.api.Test;

import io.carryover.testing.Guest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Review finding (fails on the merged "Trust" branch): BearerTest shows that Relay.bearer treats a badly encoded
 * carrier as absent, but over a real socket WebSockets Next's header propagation decodes it first and the upgrade
 * ends in a 500 with an ERROR stack trace, for a request any unauthenticated client can send.
 */
@QuarkusTest
@TestProfile(MirrorProfile.class)
class CarrierEncodingFindingTest {

    @Test
    void aBadlyEncodedCarrierOpensAnUnverifiedConnection() throws IOException {
        assertEquals("HTTP/1.1 101 Switching Protocols",
                upgrade("bearer-token-carrier, quarkus-http-upgrade#Authorization#Bearer%20abc%ZZ"));
    }

    @Test
    void aCarrierWithoutTheCarrierProtocolIsAClientError() throws IOException {
        String status = upgrade("quarkus-http-upgrade#Authorization#Bearer%20abc");
        assertEquals('4', status.charAt(9), "a client error, not a server failure: " + status);
    }

    private static String upgrade(String protocols) throws IOException {
        try (Socket socket = new Socket("localhost", Guest.PORT)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /v1?deploymentId=carrier HTTP/1.1\r\nHost: localhost:" + Guest.PORT + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: " + protocols + "\r\n\r\n")
                    .getBytes(ISO_8859_1));
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), ISO_8859_1)).readLine();
        }
    }
}
