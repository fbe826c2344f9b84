package io.carryover.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * A TCP pass-through between the application and PostgreSQL, so a test can take the database away mid-conversation
 * ({@link #cut()}: live connections break, new ones are refused) and bring it back ({@link #restore()}) without
 * touching the real server.
 */
public final class DatabaseLink implements AutoCloseable {

    /** Test resources and tests may live in different class loaders: the platform MBean server is shared by both. */
    public interface ControlMXBean {
        void cut();

        void restore();
    }

    private static final String CONTROL_NAME = "io.carryover.test:type=DatabaseLink";

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;

    private DatabaseLink(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "db-link-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static DatabaseLink start(String targetHost, int targetPort) throws IOException {
        DatabaseLink link = new DatabaseLink(targetHost, targetPort);
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(CONTROL_NAME);
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(new ControlMXBean() {
                @Override
                public void cut() {
                    link.cut();
                }

                @Override
                public void restore() {
                    link.restore();
                }
            }, name);
        } catch (JMException e) {
            throw new IOException("cannot register the database link control", e);
        }
        return link;
    }

    /** Takes the running application's database away. */
    public static void cutDatabase() {
        control("cut");
    }

    /** Gives the running application its database back. */
    public static void restoreDatabase() {
        control("restore");
    }

    private static void control(String operation) {
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName(CONTROL_NAME), operation, null, null);
        } catch (JMException e) {
            throw new IllegalStateException("no database link is running", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public void cut() {
        cut = true;
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        open.clear();
    }

    public void restore() {
        cut = false;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (cut) {
                    closeQuietly(client);
                    continue;
                }
                Socket upstream = new Socket(targetHost, targetPort);
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                }
            } catch (IOException ignored) {
                // the other side went away, or the test cut the link
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "db-link-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        cut();
        server.close();
    }
}
