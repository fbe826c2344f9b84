package io.carryover.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * A WebSocket client on a plain TCP socket, for what well-behaved clients cannot do: fragmented messages, invalid
 * UTF-8, frames of an exact size, TCP resets, not reading.
 */
public final class RawSocket implements AutoCloseable {

    public static final int TEXT = 0x1;
    public static final int CONTINUATION = 0x0;
    public static final int CLOSE = 0x8;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A received frame; for close frames {@link #closeCode()} is the status. */
    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects and completes the opening handshake; {@code receiveBuffer} small keeps a non-reader's window small. */
    public static RawSocket connect(int port, String pathAndQuery, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new java.net.InetSocketAddress("localhost", port), 5000);
        socket.setSoTimeout(10_000);
        RawSocket raw = new RawSocket(socket);
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        raw.out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce)
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        raw.out.flush();
        String status = raw.readHeaders();
        if (!status.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("handshake refused: " + status);
        }
        return raw;
    }

    public static RawSocket connect(int port, String pathAndQuery) throws IOException {
        return connect(port, pathAndQuery, 0);
    }

    /** One masked frame, as clients must send them. */
    public void send(int opcode, boolean fin, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    public void sendText(String text) throws IOException {
        send(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The next data or close frame (pings are skipped); fails if none arrives in time. */
    public Frame next(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        while (true) {
            int first = read();
            int second = read();
            long length = second & 0x7f;
            if (length == 126) {
                length = (read() << 8) | read();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | read();
                }
            }
            byte[] payload = in.readNBytes((int) length);
            int opcode = first & 0x0f;
            if (opcode != 0x9 && opcode != 0xA) {
                return new Frame(opcode, payload);
            }
        }
    }

    /** The close code the server sent, skipping data frames; 1006 if the connection ended without one. */
    public int closeCode(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                Frame frame = next(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
                if (frame.opcode() == CLOSE) {
                    return frame.closeCode();
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no close within " + timeout);
        } catch (EOFException | java.net.SocketException e) {
            return 1006;
        }
        throw new AssertionError("no close within " + timeout);
    }

    /** Ends the connection with a TCP reset instead of a close handshake. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    private int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    private String readHeaders() throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) read());
        }
        return head.substring(0, head.indexOf("\r\n"));
    }
}
