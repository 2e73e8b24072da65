package com.esimorders.crash;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Nothing lost or doubled when the application is SIGKILLed: 2,000 orders in one drop file through the packaged jar
 * (prod profile, a child JVM), the provider stand-in and GreenMail, with three kills, each followed by a restart on
 * the same folders and database:
 * <ul>
 * <li>A, mid-submission: once the provider has taken a third of the orders;</li>
 * <li>B, inside the webhook burst: once half of the webhooks have been answered 200;</li>
 * <li>C, right after a webhook got its 200: on the stand-in's sender thread, before it does anything else.</li>
 * </ul>
 * What is checked at the end: see {@link CrashChecks}. H2 file database by default; PostgreSQL with
 * {@code -Desim.test.postgres.url=jdbc:postgresql://localhost:PORT/postgres}.
 * <p>
 * {@code -Desim.crash.kill-points=A,C} (or {@code none}, a baseline of the same load) chooses the kill points;
 * {@code -Desim.crash.orders=N} the load.
 */
@Tag("database")
@Tag("crash")
@Tag("kill")
class CrashIT {

    private static final int ORDERS = Integer.getInteger("esim.crash.orders", 2_000);
    private static final Set<String> KILL_POINTS = Arrays.stream(System.getProperty("esim.crash.kill-points", "A,B,C")
            .toUpperCase().split(",")).map(String::trim).collect(Collectors.toSet());

    @Test
    void nothingIsLostOrDoubledWhenTheApplicationIsKilled() throws Exception {
        try (CrashScenario scenario = CrashScenario.start("CrashIT", ORDERS)) {
            scenario.dropOrders();
            if (KILL_POINTS.contains("A")) {
                scenario.killAndRestartWhen("A", "mid-submission: a third of the orders taken",
                        () -> scenario.provider().ordersTaken() >= ORDERS / 3);
            }
            if (KILL_POINTS.contains("B")) {
                scenario.killAndRestartWhen("B", "inside the webhook burst: half of the webhooks answered 200",
                        () -> scenario.webhooks().answeredCount() >= ORDERS / 2);
            }
            if (KILL_POINTS.contains("C")) {
                scenario.killRightAfterAWebhookAndRestart("C");
            }
            scenario.awaitCompletionAndVerify();
        }
    }
}
