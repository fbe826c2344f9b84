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
 * The browser bearer carrier is read in one place, the relay's: a badly encoded one is no token (an unverified
 * connection), never a server failure that any unauthenticated client could trigger, with an ERROR stack trace each.
 */
@QuarkusTest
@TestProfile(MirrorProfile.class)
class CarrierEncodingTest {

    @Test
    void aBadlyEncodedCarrierOpensAnUnverifiedConnection() throws IOException {
        assertEquals("HTTP/1.1 101 Switching Protocols",
                upgrade("bearer-token-carrier, quarkus-http-upgrade#Authorization#Bearer%20abc%ZZ"));
    }

    @Test
    void aCarrierOfferedAloneIsNoServerFailure() throws IOException {
        // No subprotocol the server supports is offered, so none is selected (a browser then gives up by itself).
        assertEquals("HTTP/1.1 101 Switching Protocols", upgrade("quarkus-http-upgrade#Authorization#Bearer%20abc"));
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
