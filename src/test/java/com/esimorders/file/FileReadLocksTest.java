package com.esimorders.file;

import static org.assertj.core.api.Assertions.assertThat;

import com.esimorders.TestApp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Two instances (two repositories on one database) racing for the same files: each lock goes to one. */
@Tag("database")
class FileReadLocksTest {

    private static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void aLockIsNeverTakenTwiceWhenInstancesRaceForIt() throws Exception {
        DataSource dataSource = app.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        FileReadLocks first = locks(dataSource);
        FileReadLocks second = locks(dataSource);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 200; i++) {
                String key = "/shared/inbox/race-" + i + ".csv";
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Boolean>> taken = new ArrayList<>();
                for (FileReadLocks locks : List.of(first, second)) {
                    taken.add(pool.submit(() -> {
                        together.await();
                        return locks.add(key);
                    }));
                }
                int holders = 0;
                for (Future<Boolean> result : taken) {
                    holders += result.get() ? 1 : 0;
                }
                assertThat(holders).as("holders of " + key).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
            first.stop();
            second.stop();
        }
    }

    @Test
    void onlyTheOwnerFreesALockAndAStoppedOwnersLockIsTakenOver() throws Exception {
        DataSource dataSource = app.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        FileReadLocks first = locks(dataSource);
        FileReadLocks second = locks(dataSource);
        try {
            assertThat(first.add("/shared/inbox/owned.csv")).isTrue();
            // the second instance gives up on the file and "releases" it: the first one's lock stays
            assertThat(second.add("/shared/inbox/owned.csv")).isFalse();
            assertThat(second.remove("/shared/inbox/owned.csv")).isFalse();
            // well beyond the maximum age the lock is still held: its owner keeps refreshing it
            org.awaitility.Awaitility.await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4))
                    .until(() -> !second.add("/shared/inbox/owned.csv"));

            first.stop(); // a stopped instance no longer refreshes its locks
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> second.add("/shared/inbox/owned.csv"));
            assertThat(first.remove("/shared/inbox/owned.csv")).isFalse();
            assertThat(second.remove("/shared/inbox/owned.csv")).isTrue();
        } finally {
            first.stop();
            second.stop();
        }
    }

    private static FileReadLocks locks(DataSource dataSource) {
        FileReadLocks locks = new FileReadLocks(dataSource, app.context(), Duration.ofMillis(1500), Duration.ofMillis(300));
        locks.start();
        return locks;
    }
}
