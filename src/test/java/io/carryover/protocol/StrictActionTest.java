package io.carryover.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

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
        assertThrows(MalformedFrameException.class, () -> GuestProtocol.strictAction(utf8(frame)));
    }

    @Test
    void theBytesAreReadAsTheTextIs() throws Exception {
        assertEquals("configureAuthenticatedSession",
                GuestProtocol.strictAction(utf8("{\"action\":\"\\u0063onfigureAuthenticatedSession\",\"t\":\"é😀\"}")));
        assertNull(GuestProtocol.strictAction(utf8("{\"message\":\"configureAuthenticatedSession\"}")));
    }

    /** The relay's and the archive's shortcut: only frames that may carry the word are parsed. */
    @Test
    void aWordCanOnlyHideBehindAnEscape() {
        assertTrue(GuestProtocol.mayContain(utf8("{\"action\":\"configureSession\"}"), "configure"));
        assertTrue(GuestProtocol.mayContain(utf8("{\"action\":\"\\u0063onfigureSession\"}"), "configure"));
        assertTrue(GuestProtocol.mayContain(utf8("é configure"), "configure"));
        assertTrue(GuestProtocol.mayContain(utf8("configure"), "configure"));
        assertFalse(GuestProtocol.mayContain(utf8("{\"action\":\"onMessage\",\"text\":\"configur😀\"}"), "configure"));
        assertFalse(GuestProtocol.mayContain(utf8("configur"), "configure"));
        assertFalse(GuestProtocol.mayContain(new byte[0], "configure"));
    }

    private static byte[] utf8(String frame) {
        return frame.getBytes(StandardCharsets.UTF_8);
    }
}
