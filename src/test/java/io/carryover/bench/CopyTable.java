package io.carryover.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * One {@code COPY ... FROM STDIN} in PostgreSQL's text format, on its own connection and transaction: the table is
 * truncated first in the same transaction so the rows can be written already frozen ({@code FREEZE}: no hint-bit
 * writes or vacuum pass on first read). Rows are built column by column; {@link #end()} sends one.
 */
final class CopyTable implements AutoCloseable {

    private final String table;
    private final Connection connection;
    private final PGCopyOutputStream out;
    private final StringBuilder row = new StringBuilder(8192);
    private boolean first = true;
    private long rows;
    private long bytes;

    CopyTable(Connection connection, String table, String columns) throws SQLException {
        this.table = table;
        this.connection = connection;
        connection.setAutoCommit(false);
        connection.createStatement().execute("truncate table " + table);
        out = new PGCopyOutputStream(connection.unwrap(PGConnection.class),
                "copy " + table + " (" + columns + ") from stdin with (freeze)", 1 << 16);
    }

    String table() {
        return table;
    }

    CopyTable text(String value) {
        separator();
        if (value == null) {
            row.append("\\N");
        } else {
            escape(value, row);
        }
        return this;
    }

    CopyTable number(long value) {
        separator();
        row.append(value);
        return this;
    }

    CopyTable uuid(UUID value) {
        separator();
        row.append(value == null ? "\\N" : value.toString());
        return this;
    }

    CopyTable time(long epochMillis) {
        separator();
        row.append(Instant.ofEpochMilli(epochMillis));
        return this;
    }

    CopyTable nullValue() {
        separator();
        row.append("\\N");
        return this;
    }

    void end() throws IOException {
        row.append('\n');
        byte[] data = row.toString().getBytes(StandardCharsets.UTF_8);
        out.write(data);
        bytes += data.length;
        rows++;
        row.setLength(0);
        first = true;
    }

    long rows() {
        return rows;
    }

    long bytes() {
        return bytes;
    }

    /** Ends the COPY and commits; closing without finishing rolls the table back to empty. */
    void finish() throws IOException, SQLException {
        out.endCopy();
        connection.commit();
    }

    @Override
    public void close() throws SQLException {
        try {
            if (out.isActive()) {
                out.cancelCopy();
            }
        } finally {
            connection.close();
        }
    }

    /** COPY text format: backslash, tab, newline and carriage return are the only characters that need escaping. */
    static void escape(String value, StringBuilder into) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> into.append("\\\\");
                case '\t' -> into.append("\\t");
                case '\n' -> into.append("\\n");
                case '\r' -> into.append("\\r");
                default -> into.append(c);
            }
        }
    }

    private void separator() {
        if (!first) {
            row.append('\t');
        }
        first = false;
    }
}
