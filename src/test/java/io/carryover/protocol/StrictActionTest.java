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

    /**
     * A byte-source JSON parser sniffs the encoding (UTF-16/32 from zero bytes, a UTF-8 BOM skipped); the frame is
     * UTF-8 text, so what the text reading refuses, the byte reading must refuse too (else the policy forwards it).
     */
    @ParameterizedTest
    @ValueSource(strings = { "UTF-16BE", "UTF-16LE", "UTF-32BE", "UTF-32LE", "BOM" })
    void bytesAreNeverReadInAnotherEncoding(String encoding) {
        for (String json : new String[] { "{\"action\":\"echo\",\"text\":\"a\\nb\"}",
                "{\"action\":\"configureAuthenticatedSession\"}" }) {
            byte[] frame = encoding.equals("BOM") ? utf8("\uFEFF" + json)
                    : json.getBytes(java.nio.charset.Charset.forName(encoding));
            String text = new String(frame, StandardCharsets.UTF_8);
            assertEquals(text, new String(utf8(text), StandardCharsets.UTF_8), "valid UTF-8, so the relay passes it");
            assertThrows(MalformedFrameException.class, () -> GuestProtocol.strictAction(text));
            assertThrows(MalformedFrameException.class, () -> GuestProtocol.strictAction(frame), encoding);
        }
    }

    /**
     * Random frames built from JSON's own pieces: the byte reading and the text reading always agree, and the
     * shortcut never skips a frame that reads as the action.
     */
    @Test
    void theBytesReadingAgreesWithTheTextReading() {
        String[] pieces = { "{", "}", "[", "]", "\"", ":", ",", " ", "\n", "\u0000", "\uFEFF", "\u00A0", "\\",
                "\\u0063", "action", "configureAuthenticatedSession", "echo", "é", "😀", "1", "null", "\u0001" };
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 200_000; i++) {
            StringBuilder frame = new StringBuilder(i % 3 == 0 ? "{\"action\":\"" : "");
            for (int n = random.nextInt(8); n >= 0; n--) {
                frame.append(pieces[random.nextInt(pieces.length)]);
            }
            if (i % 3 == 0) {
                frame.append("\"}");
            }
            String text = frame.toString();
            String reading = read(() -> GuestProtocol.strictAction(utf8(text)));
            assertEquals(read(() -> GuestProtocol.strictAction(text)), reading, text);
            if (reading.equals("action configureAuthenticatedSession")) {
                assertTrue(GuestProtocol.mayContain(utf8(text), "configureAuthenticatedSession"), "skipped: " + text);
            }
        }
    }

    private interface Reading {
        String read() throws MalformedFrameException;
    }

    private static String read(Reading reading) {
        try {
            return "action " + reading.read();
        } catch (MalformedFrameException e) {
            return "unreadable";
        }
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
