package com.esimorders.db;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * What durable commits cost on H2: single-row commits per second, with H2's default write delay and as the
 * application opens H2 (no write delay), at 1 and 16 threads, 5 s each. Run after {@code mvn -B package}:
 * {@code java -cp target/test-classes:target/esim-orders.jar com.esimorders.db.CommitRate}
 */
public final class CommitRate {

    public static void main(String[] args) throws Exception {
        for (int threads : new int[] {1, 16}) {
            for (boolean durable : new boolean[] {false, true}) {
                Path dir = Files.createTempDirectory("esim-commit-rate");
                String url = "jdbc:h2:file:" + dir.resolve("db");
                url = durable ? Database.durableUrl(url) : url;
                System.out.printf("%-28s %2d thread(s): %,8d commits/s%n",
                        durable ? "H2, no write delay (app)" : "H2, default write delay", threads, rate(url, threads));
            }
        }
    }

    private static long rate(String url, int threads) throws Exception {
        try (Connection setup = DriverManager.getConnection(url, "sa", ""); Statement statement = setup.createStatement()) {
            statement.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, payload VARCHAR(200))");
        }
        LongAdder commits = new LongAdder();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long base = (long) t << 40;
            Thread worker = new Thread(() -> {
                try (Connection connection = DriverManager.getConnection(url, "sa", "");
                        PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
                    connection.setAutoCommit(false);
                    for (long id = base; running.get(); id++) {
                        insert.setLong(1, id);
                        insert.setString(2, "order " + id);
                        insert.executeUpdate();
                        connection.commit();
                        commits.increment();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            workers.add(worker);
            worker.start();
        }
        Thread.sleep(5_000);
        running.set(false);
        for (Thread worker : workers) {
            worker.join();
        }
        return commits.sum() / 5;
    }
}
