package io.carryover.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/** Collects every log record of the application while open, formatted with its parameters, MDC and stack trace. */
public final class LogCapture extends Handler implements AutoCloseable {

    public record Line(Level level, String logger, String text, String connection) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();

    private LogCapture() {
        setLevel(Level.ALL);
    }

    public static LogCapture start() {
        LogCapture capture = new LogCapture();
        Logger.getLogger("").addHandler(capture);
        return capture;
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void publish(LogRecord record) {
        StringBuilder text = new StringBuilder(String.valueOf(record.getMessage()));
        if (record instanceof ExtLogRecord ext) {
            text.append(' ').append(ext.getFormattedMessage()).append(' ').append(ext.getMdcCopy());
        }
        if (record.getParameters() != null) {
            for (Object parameter : record.getParameters()) {
                text.append(' ').append(parameter);
            }
        }
        for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            text.append(' ').append(t);
        }
        String connection = record instanceof ExtLogRecord ext ? ext.getMdc("connection") : null;
        lines.add(new Line(record.getLevel(), record.getLoggerName(), text.toString(), connection));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
