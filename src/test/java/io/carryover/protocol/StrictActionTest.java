package io.carryover.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The identity policy's reading of a client frame: what a JSON parser reads, never what a substring suggests. */
class StrictActionTest {

    @Test
    void escapesAndWhitespaceAreResolved() throws Exception {
        assertEquals("configureAuthenticatedSession",
                GuestProtocol.strictAction("{\"action\":\"\\u0063onfigureAuthenticatedSession\",\"token\":\"t\"}"));
        assertEquals("configureAuthenticatedSession",
                GuestProtocol.strictAction("{ \"action\" :\n\t\"configureAuthenticatedSession\" }"));
        assertEquals("configureAuthenticatedSession",
                GuestProtocol.strictAction("{\"\\u0061ction\":\"configureAuthenticatedSession\"}"));
    }

    @Test
    void chatTextIsNotAnAction() throws Exception {
        assertEquals("onMessage", GuestProtocol.strictAction(
                "{\"action\":\"onMessage\",\"message\":{\"type\":\"Text\",\"text\":\"configureAuthenticatedSession\"}}"));
        assertEquals("onMessage", GuestProtocol.strictAction(
                "{\"action\":\"onMessage\",\"message\":{\"text\":\"\\\"action\\\":\\\"configureAuthenticatedSession\\\"\"}}"));
        assertNull(GuestProtocol.strictAction("{\"message\":\"configureAuthenticatedSession\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"action\":\"echo\",\"action\":\"configureAuthenticatedSession\"}",
            "{\"action\":\"echo\",\"\\u0061ction\":\"configureAuthenticatedSession\"}",
            "{\"action\":\"onMessage\",\"message\":{\"text\":\"a\",\"text\":\"b\"}}",
            "{\"action\":\"echo\"} {\"action\":\"configureAuthenticatedSession\"}",
            "{\"action\":\"configureAuthenticatedSession\"",
            "{\"action\":[\"configureAuthenticatedSession\"]}",
            "[\"configureAuthenticatedSession\"]",
            "configureAuthenticatedSession" })
    void framesAParserCouldReadAnotherWayAreUnreadable(String frame) {
        assertThrows(MalformedFrameException.class, () -> GuestProtocol.strictAction(frame));
    }
}
