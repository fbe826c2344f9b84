package io.carryover.relay;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.carryover.identity.Identity;
import io.carryover.protocol.GuestProtocol;
import io.carryover.protocol.MalformedFrameException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * One guest connection and its upstream twin. Frames from the client wait (bounded) until both the upstream socket
 * and the identity check are done; after that they are forwarded as received. Writes in flight are counted per
 * direction so that a peer that stops reading is closed instead of growing memory.
 */
final class RelaySession {

    private static final Logger LOG = Logger.getLogger(RelaySession.class);
    private static final String AUTHENTICATED_ACTION = "configureAuthenticatedSession";
    /**
     * Messages up to this size are written as one frame of the received bytes; Vert.x's own text writes split at the
     * socket's max frame size (never below this by default), so larger ones keep going through them.
     */
    private static final int SINGLE_FRAME_BYTES = 65536;
    /** MDC key of the connection id on every relay log line. */
    static final String MDC_CONNECTION = "connection";

    private final String id;
    private final ServerWebSocket client;
    private final HttpConnection clientTcp;
    private final String deploymentId;
    private final RelayConfig config;
    private final boolean verifiedIdentityRequired;
    private final FrameTap tap;
    private final RelayMetrics metrics;
    private final Vertx vertx;
    private final Runnable onFinish;
    private final MessageAssembler fromClientMessages;
    private final MessageAssembler fromUpstreamMessages;
    private long pingTimer = -1;
    private final Promise<Void> clientGone = Promise.promise();

    private final ArrayDeque<byte[]> waiting = new ArrayDeque<>();
    private int waitingBytes;
    private Identity identity;
    private WebSocket connectingUpstream;
    /** Set once both the upstream socket and the identity are known; from then on frames go straight through. */
    private volatile WebSocket upstream;
    private volatile FrameTap.Listener listener;

    private final AtomicLong unsentToUpstream = new AtomicLong();
    private final AtomicLong unsentToClient = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    RelaySession(String id, ServerWebSocket client, HttpConnection clientTcp, String deploymentId, RelayConfig config,
            boolean verifiedIdentityRequired, FrameTap tap, RelayMetrics metrics, Vertx vertx, Runnable onFinish) {
        this.id = id;
        this.client = client;
        this.clientTcp = clientTcp;
        this.deploymentId = deploymentId;
        this.config = config;
        this.verifiedIdentityRequired = verifiedIdentityRequired;
        this.tap = tap;
        this.metrics = metrics;
        this.vertx = vertx;
        this.onFinish = onFinish;
        fromClientMessages = new MessageAssembler(config.maxFrameBytes(), false, new MessageAssembler.Receiver() {
            @Override
            public void text(byte[] message) {
                fromClient(message);
            }

            @Override
            public void binary(Buffer message) {
                throw new IllegalStateException("binary is refused from clients");
            }

            @Override
            public void refused(MessageAssembler.Refusal refusal) {
                refusedFromClient(refusal);
            }
        });
        // Genesys messages may be larger than a client's: they have their own bound.
        fromUpstreamMessages = new MessageAssembler(config.maxUpstreamMessageBytes(), true,
                new MessageAssembler.Receiver() {
                    @Override
                    public void text(byte[] message) {
                        fromUpstream(message);
                    }

                    @Override
                    public void binary(Buffer message) {
                        binaryFromUpstream(message);
                    }

                    @Override
                    public void refused(MessageAssembler.Refusal refusal) {
                        refusedFromUpstream(refusal);
                    }
                });
    }

    void start() {
        client.frameHandler(this::frameFromClient);
        client.exceptionHandler(this::clientError);
        client.closeHandler(v -> {
            clientGone.tryComplete();
            Short code = client.closeStatusCode();
            clientClosed(code == null ? CloseCodes.ABNORMAL : code, client.closeReason());
        });
        readOnlyWhileClientReads();
        pingTimer = vertx.setPeriodic(config.pingInterval().toMillis(), t -> {
            if (!closed.get()) {
                client.writePing(Buffer.buffer());
                WebSocket up = upstream;
                if (up != null) {
                    up.writePing(Buffer.buffer());
                }
            }
        });
    }

    /**
     * The transport answers every ping with a pong whether or not the client reads, outside the relay's own write
     * accounting: a client that pings and never reads would grow that queue without limit. So the client is not read
     * while what we write to it is not leaving, and one whose queue stays full for {@code close-timeout} is closed
     * like any client that does not read.
     */
    private void readOnlyWhileClientReads() {
        if (!(clientTcp instanceof ConnectionBase connection)) {
            return;
        }
        connection.channel().pipeline().addFirst(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
                boolean writable = ctx.channel().isWritable();
                ctx.channel().config().setAutoRead(writable);
                if (!writable) {
                    vertx.setTimer(config.closeTimeout().toMillis(), t -> {
                        if (!ctx.channel().isWritable() && !closed.get()) {
                            metrics.closedByRelay("client-not-reading");
                            closeBoth(CloseCodes.POLICY_VIOLATION, "client is not reading");
                        }
                    });
                }
                super.channelWritabilityChanged(ctx);
            }
        });
    }

    // ---- client side (client connection's event loop)

    private void frameFromClient(WebSocketFrame frame) {
        if (!closed.get()) {
            fromClientMessages.frame(frame);
        }
    }

    private void refusedFromClient(MessageAssembler.Refusal refusal) {
        switch (refusal) {
            case BINARY -> {
                metrics.closedByRelay("binary");
                closeBoth(CloseCodes.UNSUPPORTED_DATA, "binary frames are not supported");
            }
            case TOO_BIG -> tooBig();
            case INVALID_UTF8 -> {
                metrics.closedByRelay("invalid-utf8");
                closeBoth(CloseCodes.INVALID_PAYLOAD, "text frame is not valid UTF-8");
            }
        }
    }

    private void fromClient(byte[] frame) {
        WebSocket up = upstream;
        if (up == null) {
            synchronized (this) {
                up = upstream;
                if (up == null) {
                    waitForUpstream(frame);
                    return;
                }
            }
        }
        forwardToUpstream(up, frame);
    }

    private void tooBig() {
        metrics.closedByRelay("oversize");
        closeBoth(CloseCodes.TOO_BIG, "message exceeds " + config.maxFrameBytes() + " bytes");
    }

    private void clientError(Throwable failure) {
        if (failure instanceof CorruptedWebSocketFrameException corrupt
                && corrupt.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
            // Above the transport's own frame limit: the transport drops the connection itself.
            tooBig();
            return;
        }
        if (failure instanceof HttpClosedException) {
            return; // pending writes failing after the connection ended: the cause was counted already
        }
        metrics.error("client");
        debug("client socket error: %s", failure.getClass().getSimpleName());
    }

    private void clientClosed(int code, String reason) {
        if (closed.compareAndSet(false, true)) {
            WebSocket up = upstreamOrConnecting();
            if (up != null && !up.isClosed()) {
                close(up, code, reason);
            }
            finish();
        }
    }

    // ---- upstream side (upstream connection's event loop)

    synchronized void upstreamConnected(WebSocket connection) {
        if (closed.get()) {
            connection.close();
            return;
        }
        connection.frameHandler(this::frameFromUpstream);
        connection.exceptionHandler(this::upstreamError);
        connection.closeHandler(v -> {
            Short code = connection.closeStatusCode();
            upstreamClosed(code == null ? CloseCodes.ABNORMAL : code, connection.closeReason());
        });
        connectingUpstream = connection;
        releaseIfReady();
    }

    void upstreamFailed(Throwable failure) {
        debug("upstream connect failed for deployment %s: %s", deploymentId, failure.getClass().getSimpleName());
        metrics.closedByRelay("upstream-unavailable");
        closeBoth(CloseCodes.INTERNAL_ERROR, "upstream unavailable");
    }

    private void upstreamError(Throwable failure) {
        if (failure instanceof CorruptedWebSocketFrameException corrupt
                && corrupt.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
            // A single frame above the bound: the transport refuses it before it is buffered.
            refusedFromUpstream(MessageAssembler.Refusal.TOO_BIG);
            return;
        }
        if (failure instanceof HttpClosedException) {
            return; // pending writes failing after the connection ended
        }
        metrics.error("upstream");
        debug("upstream socket error: %s", failure.getClass().getSimpleName());
    }

    synchronized void identityResolved(Identity resolved) {
        identity = resolved;
        releaseIfReady();
    }

    private void frameFromUpstream(WebSocketFrame frame) {
        if (!closed.get()) {
            fromUpstreamMessages.frame(frame);
        }
    }

    private void refusedFromUpstream(MessageAssembler.Refusal refusal) {
        switch (refusal) {
            case TOO_BIG -> {
                metrics.closedByRelay("upstream-oversize");
                closeBoth(CloseCodes.TOO_BIG, "upstream message exceeds " + config.maxUpstreamMessageBytes()
                        + " bytes");
            }
            case INVALID_UTF8 -> {
                metrics.closedByRelay("upstream-invalid-utf8");
                closeBoth(CloseCodes.INVALID_PAYLOAD, "upstream text is not valid UTF-8");
            }
            case BINARY -> throw new IllegalStateException("binary is passed on from upstream");
        }
    }

    private void fromUpstream(byte[] frame) {
        if (closed.get()) {
            return;
        }
        metrics.framesFromUpstream.increment();
        metrics.bytesFromUpstream.increment(frame.length);
        // Copy first, as on the client side: once the client has this frame it may answer at once (configure after
        // a read-only SessionResponse), and that answer must not reach the archive ahead of this frame.
        FrameTap.Listener l = listener;
        if (l != null) {
            l.fromUpstream(frame);
        }
        long size = frame.length;
        if (overBudget(unsentToClient, size)) {
            metrics.closedByRelay("client-not-reading");
            closeBoth(CloseCodes.POLICY_VIOLATION, "client is not reading");
            return;
        }
        writeText(client, frame, SINGLE_FRAME_BYTES).onComplete(done -> unsentToClient.addAndGet(-size));
    }

    /** Genesys speaks text only; should it ever send binary, it is passed on untouched but not archived. */
    private void binaryFromUpstream(Buffer frame) {
        if (!closed.get()) {
            client.writeBinaryMessage(frame);
        }
    }

    private void upstreamClosed(int code, String message) {
        if (closed.compareAndSet(false, true)) {
            if (!CloseCodes.sendable(code)) {
                code = CloseCodes.INTERNAL_ERROR;
                message = "upstream closed abnormally";
            }
            closeClient(code, message);
            finish();
        }
    }

    /** Service restart: the guest reconnects elsewhere; completes when the client connection is gone. */
    Future<Void> closeForShutdown() {
        metrics.closedByRelay("shutting-down");
        closeBoth(CloseCodes.SERVICE_RESTART, "service restart");
        return clientGone.future();
    }

    // ---- internals

    private void waitForUpstream(byte[] frame) {
        int bytes = frame.length;
        if (waitingBytes + bytes > config.maxBufferedBytes()) {
            metrics.closedByRelay("upstream-slow");
            closeBoth(CloseCodes.TRY_AGAIN_LATER, "upstream is not ready");
            return;
        }
        waiting.add(frame);
        waitingBytes += bytes;
    }

    /** Called under the lock when the upstream socket or the identity arrives: both are needed to go on. */
    private void releaseIfReady() {
        if (connectingUpstream == null || identity == null || closed.get()) {
            return;
        }
        listener = tap.open(deploymentId, identity);
        WebSocket up = connectingUpstream;
        byte[] frame;
        while ((frame = waiting.poll()) != null) {
            if (!forwardToUpstream(up, frame)) {
                return;
            }
        }
        waitingBytes = 0;
        upstream = up;
    }

    private boolean forwardToUpstream(WebSocket up, byte[] frame) {
        if (verifiedIdentityRequired && !(identity instanceof Identity.Verified) && !mayForwardUnverified(frame)) {
            return false;
        }
        metrics.framesFromClient.increment();
        metrics.bytesFromClient.increment(frame.length);
        // The copy is queued before the frame leaves: Genesys's answer (tapped on the upstream thread) must never
        // reach the archive ahead of the request it answers. Queueing is a non-blocking offer.
        FrameTap.Listener l = listener;
        if (l != null) {
            l.fromClient(frame);
        }
        long size = frame.length;
        if (overBudget(unsentToUpstream, size)) {
            metrics.closedByRelay("upstream-slow");
            closeBoth(CloseCodes.TRY_AGAIN_LATER, "upstream is not keeping up");
            return false;
        }
        writeText(up, frame, Math.min(SINGLE_FRAME_BYTES, config.maxUpstreamMessageBytes()))
                .onComplete(done -> unsentToUpstream.addAndGet(-size));
        return true;
    }

    /**
     * Writes a text message from the bytes received, without decoding and encoding it again: one frame when it fits
     * {@code singleFrameBytes}, else through Vert.x's text write, which splits it at the socket's max frame size.
     */
    private static Future<Void> writeText(WebSocketBase socket, byte[] message, int singleFrameBytes) {
        if (message.length <= singleFrameBytes) {
            return socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, message, true));
        }
        return socket.writeTextMessage(new String(message, StandardCharsets.UTF_8));
    }

    /**
     * Policy {@code reject}, connection without a verified identity: decides on the action as a JSON parser reads
     * it, for every frame of the connection (a step-up or token refresh configures later on the same socket). Only
     * frames with an escape or the action's name can carry it, so others skip the parser.
     */
    private boolean mayForwardUnverified(byte[] frame) {
        if (!GuestProtocol.mayContain(frame, AUTHENTICATED_ACTION)) {
            return true;
        }
        try {
            if (!AUTHENTICATED_ACTION.equals(GuestProtocol.strictAction(frame))) {
                return true;
            }
            metrics.closedByRelay("identity-required");
            closeBoth(CloseCodes.POLICY_VIOLATION, "identity required");
        } catch (MalformedFrameException e) {
            // We cannot know how Genesys would read it, so it does not go there.
            metrics.closedByRelay("identity-unreadable");
            closeBoth(CloseCodes.POLICY_VIOLATION, "frame is not unambiguous JSON");
        }
        return false;
    }

    /**
     * Counts a write against the slow-reader budget. A message alone is always let through (its size has its own
     * bound, which may exceed the budget); one that would queue behind others beyond the budget is not.
     */
    private boolean overBudget(AtomicLong unsent, long size) {
        long pending = unsent.addAndGet(size);
        return pending > size && pending > config.maxBufferedBytes();
    }

    private void closeBoth(int code, String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeClient(code, reason);
        WebSocket up = upstreamOrConnecting();
        if (up != null && !up.isClosed()) {
            close(up, CloseCodes.NORMAL, "client connection closed by relay");
        }
        finish();
    }

    /**
     * Starts the close handshake and shuts the TCP connection if it has not ended within the close timeout: a client
     * that does not read would otherwise hold the socket, its buffers and the kernel's queue indefinitely.
     */
    private void closeClient(int code, String reason) {
        if (clientGone.future().isComplete()) {
            return;
        }
        client.close((short) code, reason);
        vertx.setTimer(config.closeTimeout().toMillis(), t -> {
            if (!clientGone.future().isComplete()) {
                metrics.closedByRelay("close-timeout");
                debug("close handshake timed out; resetting the connection");
                abort(clientTcp);
            }
        });
    }

    /**
     * Vert.x's {@code close()} first flushes what is pending, which never completes for a peer that does not read;
     * there is no public hard close, so this resets the channel (SO_LINGER 0 also frees the kernel's send queue).
     */
    private static void abort(HttpConnection tcp) {
        if (tcp instanceof ConnectionBase connection) {
            Channel channel = connection.channel();
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
        } else {
            tcp.close();
        }
    }

    private synchronized WebSocket upstreamOrConnecting() {
        return upstream != null ? upstream : connectingUpstream;
    }

    private void finish() {
        vertx.cancelTimer(pingTimer);
        FrameTap.Listener l = listener;
        if (l != null) {
            l.closed();
        }
        metrics.activeSessions.decrementAndGet();
        onFinish.run();
    }

    private static void close(WebSocket connection, int code, String reason) {
        int sendable = CloseCodes.sendable(code) ? code : CloseCodes.NORMAL;
        connection.close((short) sendable, reason);
    }

    /** Relay log lines carry the connection id; never frame content or tokens. */
    private void debug(String format, Object... params) {
        if (!LOG.isDebugEnabled()) {
            return;
        }
        Context current = Vertx.currentContext();
        if (current != null && !VertxContext.isDuplicatedContext(current)) {
            // Quarkus keeps the MDC in a duplicated context; on the event loop's root context it would be lost.
            ((ContextInternal) VertxContext.createNewDuplicatedContext(current)).dispatch(v -> debug(format, params));
            return;
        }
        MDC.put(MDC_CONNECTION, id);
        try {
            LOG.debugf(format, params);
        } finally {
            MDC.remove(MDC_CONNECTION);
        }
    }
}
