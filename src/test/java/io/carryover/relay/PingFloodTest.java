package io.carryover.relay;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.carryover.testing.Guest;
import io.carryover.testing.RawSocket;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The transport answers every ping with a pong whether or not the client reads, so a client that pings and never
 * reads would make the server queue pongs without limit (a manual probe: 7 million pings in 20 s took the heap from
 * 50 MB to 1.7 GB). The relay cuts it like any client that does not read.
 */
@QuarkusTest
@TestProfile(MirrorProfile.class)
class PingFloodTest {

    private static final int PING = 0x9;
    private static final int PINGS = 1_000_000;

    @Test
    void aClientThatPingsButNeverReadsIsCut() throws Exception {
        byte[] payload = new byte[125];
        try (RawSocket guest = RawSocket.connect(Guest.PORT, "/v1?deploymentId=pings", 4096)) {
            CompletableFuture<String> flood = CompletableFuture.supplyAsync(() -> {
                try {
                    for (int i = 0; i < PINGS; i++) {
                        guest.send(PING, true, payload);
                    }
                    return "all " + PINGS + " pings accepted, their pongs queued for a client that never read";
                } catch (IOException e) {
                    return null; // the server ended the connection
                }
            });
            String accepted;
            try {
                accepted = flood.get(120, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                accepted = "the server stopped reading but kept the connection";
            }
            assertTrue(accepted == null, accepted);
        }
    }
}
