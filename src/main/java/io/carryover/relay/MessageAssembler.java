package io.carryover.relay;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.impl.ws.WebSocketFrameInternal;

/**
 * Turns one socket's frames into whole messages, the same way in both relay directions: fragments are reassembled,
 * the size is bounded per message (not per frame), and text is checked strictly, so that invalid UTF-8 is refused
 * instead of being repaired with U+FFFD. Text stays bytes: it is validated in place (Netty's allocation-free check)
 * and passed on as received, never decoded on the event loop. One instance per socket, called on that socket's
 * event loop only.
 */
final class MessageAssembler {

    enum Refusal { BINARY, TOO_BIG, INVALID_UTF8 }

    interface Receiver {
        /** A whole text message, valid UTF-8, exactly as received; nobody writes to the array. */
        void text(byte[] message);

        /** A whole binary message (only when binary is allowed). */
        void binary(Buffer message);

        /** The message cannot be passed on; what was received of it is dropped. */
        void refused(Refusal refusal);
    }

    private final int maxBytes;
    private final boolean binaryAllowed;
    private final Receiver receiver;

    /** The message being received in fragments; null between messages. */
    private Buffer fragments;
    private boolean binary;

    MessageAssembler(int maxBytes, boolean binaryAllowed, Receiver receiver) {
        this.maxBytes = maxBytes;
        this.binaryAllowed = binaryAllowed;
        this.receiver = receiver;
    }

    void frame(WebSocketFrame frame) {
        if (frame.isText() && frame.isFinal() && frame instanceof WebSocketFrameInternal internal) {
            // The common case, a whole text message in one frame: read from the transport's buffer, no copy.
            fragments = null;
            binary = false;
            text(internal.getBinaryData());
            return;
        }
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
        byte[] bytes = message.getBytes();
        if (!ByteBufUtil.isText(Unpooled.wrappedBuffer(bytes), StandardCharsets.UTF_8)) {
            receiver.refused(Refusal.INVALID_UTF8);
            return;
        }
        receiver.text(bytes);
    }

    private void text(ByteBuf payload) {
        if (payload.readableBytes() > maxBytes) {
            receiver.refused(Refusal.TOO_BIG);
            return;
        }
        if (!ByteBufUtil.isText(payload, StandardCharsets.UTF_8)) {
            receiver.refused(Refusal.INVALID_UTF8);
            return;
        }
        receiver.text(bytesOf(payload));
    }

    /**
     * The payload's own array when the buffer is exactly it (Vert.x copies each received frame into an unpooled heap
     * buffer of its size, which nothing writes to afterwards); a copy otherwise. An allow-list of the one buffer kind
     * known to own its array: any other allocator (pooled, adaptive) may reuse the memory.
     */
    private static byte[] bytesOf(ByteBuf payload) {
        if (payload instanceof UnpooledHeapByteBuf && payload.arrayOffset() == 0 && payload.readerIndex() == 0
                && payload.readableBytes() == payload.array().length) {
            return payload.array();
        }
        return ByteBufUtil.getBytes(payload);
    }
}
