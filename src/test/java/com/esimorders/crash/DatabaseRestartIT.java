package com.esimorders.crash;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Nothing lost or doubled when PostgreSQL restarts under load: the load of {@link CrashIT}, but instead of killing
 * the application, PostgreSQL is stopped in immediate mode (a crash: no checkpoint, every connection dropped), left
 * down 5 s and started again, twice: mid-submission (a third of the orders taken) and inside the webhook burst (half
 * of the webhooks answered 200). The same checks ({@link CrashChecks}).
 * <p>
 * PostgreSQL only, and only with the commands that stop and start it: {@code -Desim.test.postgres.url=...
 * -Desim.test.postgres.stop-cmd="..." -Desim.test.postgres.start-cmd="..."} (run with {@code bash -c}; see .ci/run).
 * Without them the test is not run (reported as skipped, never as passed).
 */
@Tag("database")
@Tag("crash")
@Tag("kill")
@EnabledIfSystemProperty(named = "esim.test.postgres.url", matches = ".+")
@EnabledIfSystemProperty(named = "esim.test.postgres.stop-cmd", matches = ".+")
@EnabledIfSystemProperty(named = "esim.test.postgres.start-cmd", matches = ".+")
class DatabaseRestartIT {

    private static final int ORDERS = Integer.getInteger("esim.crash.orders", 2_000);
    private static final String STOP = System.getProperty("esim.test.postgres.stop-cmd");
    private static final String START = System.getProperty("esim.test.postgres.start-cmd");

    @Test
    void nothingIsLostOrDoubledWhenPostgresRestarts() throws Exception {
        try (CrashScenario scenario = CrashScenario.start("DatabaseRestartIT", ORDERS)) {
            scenario.dropOrders();
            scenario.restartDatabaseWhen("A", "mid-submission: a third of the orders taken",
                    () -> scenario.provider().ordersTaken() >= ORDERS / 3, STOP, START);
            scenario.restartDatabaseWhen("B", "inside the webhook burst: half of the webhooks answered 200",
                    () -> scenario.webhooks().answeredCount() >= ORDERS / 2, STOP, START);
            scenario.awaitCompletionAndVerify();
        }
    }
}
