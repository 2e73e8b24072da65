package com.esimorders.crash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the application's database directly, over JDBC: a copy of the H2 file while the application is dead, or
 * PostgreSQL at any time. Only reads.
 *
 * <p>The H2 file is copied, never opened in place: opening a file left by a killed process runs H2's own recovery and
 * closes the file cleanly, so the application's restart would never meet the file the kill left, and its own repairs
 * of that file ({@code H2Leftovers}) would go untested.
 */
final class AppDatabase {

    private static final Duration CONNECT_WITHIN = Duration.ofSeconds(60);

    record OrderRow(String status, String lastError) {
    }

    record EsimRow(String externalOrderId, String status) {
    }

    /** What the database holds at one moment. */
    record Snapshot(Map<String, OrderRow> orders, Map<String, EsimRow> esimItems, Map<String, String> mailOutbox) {
    }

    private final String url;
    private final String user;
    private final String password;

    /**
     * @param url the application's ESIM_DB_URL
     */
    AppDatabase(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    String url() {
        return url;
    }

    boolean isH2() {
        return url.startsWith("jdbc:h2:");
    }

    /** orders, esim_items and mail_outbox, read in one connection. */
    Snapshot snapshot() throws InterruptedException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            Map<String, OrderRow> orders = new TreeMap<>();
            try (ResultSet rows = statement.executeQuery("SELECT external_order_id, status, last_error FROM orders")) {
                while (rows.next()) {
                    orders.put(rows.getString(1), new OrderRow(rows.getString(2), rows.getString(3)));
                }
            }
            Map<String, EsimRow> esims = new TreeMap<>();
            try (ResultSet rows = statement.executeQuery("SELECT topup_id, external_order_id, status FROM esim_items")) {
                while (rows.next()) {
                    esims.put(rows.getString(1), new EsimRow(rows.getString(2), rows.getString(3)));
                }
            }
            Map<String, String> outbox = new TreeMap<>();
            try (ResultSet rows = statement.executeQuery("SELECT topup_id, status FROM mail_outbox")) {
                while (rows.next()) {
                    outbox.put(rows.getString(1), rows.getString(2));
                }
            }
            return new Snapshot(orders, esims, outbox);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the application's database " + url + ": " + e.getMessage(), e);
        }
    }

    /** An order's queue-related columns. */
    record QueueOrderRow(String status, String sourceType, String correlationId, boolean eventDue, int attempts) {
    }

    /** external_order_id -> status, source_type, correlation_id, event_due, attempts of every order. */
    Map<String, QueueOrderRow> queueOrders() throws InterruptedException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT external_order_id, status, source_type, correlation_id,"
                        + " event_due, attempts FROM orders")) {
            Map<String, QueueOrderRow> orders = new TreeMap<>();
            while (rows.next()) {
                orders.put(rows.getString(1), new QueueOrderRow(rows.getString(2), rows.getString(3),
                        rows.getString(4), rows.getBoolean(5), rows.getInt(6)));
            }
            return orders;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the application's database " + url + ": " + e.getMessage(), e);
        }
    }

    /** Connects, retrying for a while: an H2 file's lock left by a killed process, PostgreSQL just restarted. */
    private Connection connect() throws InterruptedException, SQLException {
        long deadline = System.nanoTime() + CONNECT_WITHIN.toNanos();
        while (true) {
            try {
                return isH2() ? connectToCopy() : DriverManager.getConnection(url, user, password);
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500); // retry interval
            }
        }
    }

    /**
     * Copies the H2 file into a folder beside its own ({@code <folder>-read}, replacing the previous copy and what H2
     * made of it) and connects to the copy.
     */
    private Connection connectToCopy() throws SQLException {
        Path file = Path.of(url.substring("jdbc:h2:file:".length()).split(";", 2)[0] + ".mv.db");
        Path folder = file.getParent().resolveSibling(file.getParent().getFileName() + "-read");
        try {
            Files.createDirectories(folder);
            try (var previous = Files.list(folder)) {
                for (Path leftover : previous.toList()) {
                    Files.delete(leftover);
                }
            }
            Files.copy(file, folder.resolve("copy.mv.db"));
        } catch (IOException e) {
            throw new SQLException("cannot copy " + file + " to " + folder + ": " + e.getMessage(), e);
        }
        return DriverManager.getConnection("jdbc:h2:file:" + folder.resolve("copy") + ";IFEXISTS=TRUE", user, password);
    }
}
