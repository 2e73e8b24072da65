package com.esimorders.bench;

import com.esimorders.bench.RawWebhookTransaction.Esim;
import com.esimorders.db.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.flywaydb.core.Flyway;

/**
 * The raw-JDBC sides of the ratios: a fresh database migrated with the application's own Flyway migrations (from
 * the jar), seeded like the application's, and driven by N threads, one connection each, one transaction per unit
 * of work. No pool, no framework: the floor the application is compared with.
 */
final class RawJdbc {

    /** A database to connect to. */
    record Db(String url, String user, String password) {
        Connection connect() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }

        boolean postgres() {
            return url.startsWith("jdbc:postgresql:");
        }
    }

    private RawJdbc() {
    }

    /** A new H2 file database opened as the application opens H2 (WRITE_DELAY=0, see Database.durableUrl). */
    static Db h2(Path dir, String name) {
        return new Db(Database.durableUrl("jdbc:h2:file:" + dir.resolve(name)), "sa", "");
    }

    /** Empties a PostgreSQL database's public schema (the database must be a throwaway one). */
    static void resetPostgres(Db db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS public CASCADE");
            s.execute("CREATE SCHEMA public");
        }
    }

    static void migrate(Db db) {
        Flyway.configure().dataSource(db.url(), db.user(), db.password()).load().migrate();
    }

    /** What the application holds once a one-unit order was ACCEPTED: the order, its line and its ORDERED item. */
    static void seed(Db db, List<Esim> esims) throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement order = c.prepareStatement("INSERT INTO orders (external_order_id, status,"
                        + " customer_email, customer_name, source_type, source_ref, attempts) VALUES (?, 'ACCEPTED', ?, ?, 'FILE', ?, 1)");
                PreparedStatement line = c.prepareStatement("INSERT INTO order_lines (external_order_id, line_no,"
                        + " option_id, qty) VALUES (?, 1, ?, 1)");
                PreparedStatement item = c.prepareStatement("INSERT INTO esim_items (topup_id, external_order_id,"
                        + " option_id, status) VALUES (?, ?, ?, 'ORDERED')")) {
            c.setAutoCommit(false);
            int n = 0;
            for (Esim esim : esims) {
                order.setString(1, esim.orderId());
                order.setString(2, esim.email());
                order.setString(3, "Customer");
                order.setString(4, "seed.csv line " + n);
                order.addBatch();
                line.setString(1, esim.orderId());
                line.setString(2, esim.optionId());
                line.addBatch();
                item.setString(1, esim.topupId());
                item.setString(2, esim.orderId());
                item.setString(3, esim.optionId());
                item.addBatch();
                if (++n % 1000 == 0 || n == esims.size()) {
                    order.executeBatch();
                    line.executeBatch();
                    item.executeBatch();
                    c.commit();
                }
            }
        }
    }

    /** Work of one thread on its own connection: one unit, committed; returns false when there is no more work. */
    interface Unit {
        boolean run(Connection connection, int thread, int n) throws Exception;
    }

    /** A connection's prepared work; made once per thread. */
    interface Worker {
        Unit prepare(Connection connection) throws Exception;
    }

    /** Runs {@code threads} threads for at most {@code durationMs} (or until a unit says there is no more work). */
    static double rate(Db db, int threads, long durationMs, Worker worker) throws Exception {
        AtomicLong done = new AtomicLong();
        AtomicLong lastEnd = new AtomicLong();
        Exception[] failure = new Exception[1];
        Thread[] workers = new Thread[threads];
        long start = System.nanoTime();
        long deadline = start + durationMs * 1_000_000;
        for (int t = 0; t < threads; t++) {
            int me = t;
            workers[t] = new Thread(() -> {
                try (Connection c = db.connect()) {
                    c.setAutoCommit(false);
                    Unit unit = worker.prepare(c);
                    int n = 0;
                    while (System.nanoTime() < deadline && unit.run(c, me, n++)) {
                        done.incrementAndGet();
                        lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
                    }
                } catch (Exception e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            }, "raw-jdbc-" + t);
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return done.get() / ((Math.max(lastEnd.get(), start + 1) - start) / 1e9);
    }

    /** Webhook transactions per second: each seeded eSIM gets one, as the application's route applies it. */
    static double webhookRate(Db db, List<Esim> esims, int threads, long durationMs) throws Exception {
        AtomicInteger next = new AtomicInteger();
        return rate(db, threads, durationMs, connection -> {
            RawWebhookTransaction tx = new RawWebhookTransaction(connection);
            return (c, thread, n) -> {
                int index = next.getAndIncrement();
                if (index >= esims.size()) {
                    return false;
                }
                tx.apply(esims.get(index));
                return true;
            };
        });
    }

    /** The floor: insert 2 rows, commit; transactions per second. */
    static double twoRowCommitRate(Db db, int threads, long durationMs) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bench_commit (t INT NOT NULL, n INT NOT NULL, k INT NOT NULL, v VARCHAR(100),"
                    + " PRIMARY KEY (t, n, k))");
        }
        return rate(db, threads, durationMs, connection -> {
            PreparedStatement insert = connection.prepareStatement("INSERT INTO bench_commit (t, n, k, v) VALUES (?, ?, ?, ?)");
            return (c, thread, n) -> {
                for (int k = 0; k < 2; k++) {
                    insert.setInt(1, thread);
                    insert.setInt(2, n);
                    insert.setInt(3, k);
                    insert.setString(4, "row " + k + " of transaction " + n);
                    insert.executeUpdate();
                }
                c.commit();
                return true;
            };
        });
    }
}
