package io.carryover.relay;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;

/**
 * Turns one socket's frames into whole messages, the same way in both relay directions: fragments are reassembled,
 * the size is bounded per message (not per frame), and text is decoded strictly, so that invalid UTF-8 is refused
 * instead of being repaired with U+FFFD. One instance per socket, called on that socket's event loop only.
 */
final class MessageAssembler {

    enum Refusal { BINARY, TOO_BIG, INVALID_UTF8 }

    interface Receiver {
        /** A whole text message; {@code bytes} is its UTF-8 size as received. */
        void text(String message, int bytes);

        /** A whole binary message (only when binary is allowed). */
        void binary(Buffer message);

        /** The message cannot be passed on; what was received of it is dropped. */
        void refused(Refusal refusal);
    }

    private final int maxBytes;
    private final boolean binaryAllowed;
    private final Receiver receiver;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    /** The message being received in fragments; null between messages. */
    private Buffer fragments;
    private boolean binary;

    MessageAssembler(int maxBytes, boolean binaryAllowed, Receiver receiver) {
        this.maxBytes = maxBytes;
        this.binaryAllowed = binaryAllowed;
        this.receiver = receiver;
    }

    void frame(WebSocketFrame frame) {
        Buffer message;
        if (frame.isText() || frame.isBinary()) {
            binary = frame.isBinary();
            message = frame.binaryData();
        } else if (frame.isContinuation() && fragments != null) {
            message = fragments.appendBuffer(frame.binaryData());
        } else {
            return; // ping, pong and close are the transport's
        }
        if (binary && !binaryAllowed) {
            fragments = null;
            receiver.refused(Refusal.BINARY);
            return;
        }
        if (message.length() > maxBytes) {
            fragments = null;
            receiver.refused(Refusal.TOO_BIG);
            return;
        }
        if (!frame.isFinal()) {
            // The first fragment's buffer may belong to the transport: collect into our own.
            fragments = fragments == null ? Buffer.buffer(message.length() * 2).appendBuffer(message) : message;
            return;
        }
        fragments = null;
        if (binary) {
            receiver.binary(message);
            return;
        }
        String text;
        try {
            text = utf8.decode(ByteBuffer.wrap(message.getBytes())).toString();
        } catch (CharacterCodingException e) {
            receiver.refused(Refusal.INVALID_UTF8);
            return;
        }
        receiver.text(text, message.length());
    }
}
