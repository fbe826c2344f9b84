package io.carryover.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Gives every test a real PostgreSQL: the one answering on 127.0.0.1:5432 (database {@code test}), or, when nothing
 * answers there, an embedded PostgreSQL started for the run. {@code CARRYOVER_TEST_DB_URL} overrides both. The
 * application reaches it through a {@link DatabaseLink} so tests can simulate an outage; tests read the database
 * directly with {@link #directConnection()}.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private static final String DIRECT_URL = "carryover.test.db-direct-url";
    private static final String DIRECT_USER = "carryover.test.db-direct-user";
    private EmbeddedPostgres embedded;
    private DatabaseLink link;

    @Override
    public Map<String, String> start() {
        String user = env("CARRYOVER_TEST_DB_USER", "postgres");
        String directUrl;
        String override = System.getenv("CARRYOVER_TEST_DB_URL");
        if (override != null && !override.isBlank()) {
            directUrl = override;
        } else if (answers("127.0.0.1", 5432)) {
            directUrl = "jdbc:postgresql://127.0.0.1:5432/test";
        } else {
            directUrl = startEmbedded();
            user = "postgres";
        }
        System.setProperty(DIRECT_URL, directUrl);
        System.setProperty(DIRECT_USER, user);
        URI target = URI.create(directUrl.substring("jdbc:".length()));
        try {
            link = DatabaseLink.start(target.getHost(), target.getPort() < 0 ? 5432 : target.getPort());
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the database link", e);
        }
        String viaLink = "jdbc:postgresql://127.0.0.1:" + link.port() + target.getRawPath()
                + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
        return Map.of("quarkus.datasource.jdbc.url", viaLink,
                "quarkus.datasource.username", user,
                "quarkus.datasource.password", env("CARRYOVER_TEST_DB_PASSWORD", ""));
    }

    /** A connection that bypasses the link: assertions keep working while the application's database is "down". */
    public static Connection directConnection() throws java.sql.SQLException {
        return DriverManager.getConnection(System.getProperty(DIRECT_URL), System.getProperty(DIRECT_USER),
                env("CARRYOVER_TEST_DB_PASSWORD", ""));
    }

    /** JDBC URL and user of {@link #directConnection()}, e.g. for a Flyway run on a schema of its own. */
    public static String directUrl() {
        return System.getProperty(DIRECT_URL);
    }

    public static String directUser() {
        return System.getProperty(DIRECT_USER);
    }

    private String startEmbedded() {
        try {
            embedded = EmbeddedPostgres.builder().start();
            try (Connection c = embedded.getPostgresDatabase().getConnection();
                 ResultSet rs = c.createStatement().executeQuery("select 1 from pg_database where datname = 'test'")) {
                if (!rs.next()) {
                    c.createStatement().execute("create database test");
                }
            }
            return embedded.getJdbcUrl("postgres", "test");
        } catch (Exception e) {
            throw new IllegalStateException("No PostgreSQL on 127.0.0.1:5432 and the embedded fallback failed", e);
        }
    }

    @Override
    public void stop() {
        try {
            if (link != null) {
                link.close();
            }
            if (embedded != null) {
                embedded.close();
            }
        } catch (IOException ignored) {
            // the run is over; nothing to keep
        }
    }

    private static boolean answers(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
