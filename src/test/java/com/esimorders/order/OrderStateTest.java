package com.esimorders.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.esimorders.TestApp;
import com.esimorders.submit.ProviderResponse;
import com.esimorders.submit.SubmissionTest;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Order state moves forward only: every write of a sender is conditional on the state it expects and on the token
 * (attempt number) it holds. Drives the application's own OrderStore on a real database; recovery is off so that
 * the test alone decides who holds an order.
 */
@Tag("database")
class OrderStateTest {

    private static final String JAPAN = SubmissionTest.JAPAN;

    private static TestApp app;
    private static OrderStore store;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of("esim.recovery.initial-delay-ms", "3600000"));
        store = app.context().getRegistry().lookupByNameAndType("orderStore", OrderStore.class);
        jdbc = app.jdbc();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void aSenderWhoseClaimRanOutCannotOverwriteWhatTheSenderThatTookOverWrote() {
        String id = "fenced-1";
        assertThat(store.record(order(id), false).isNew()).isTrue();
        int slowSender = store.startAttempt(id, 0, false, "sending").getAsInt();
        // the slow sender is another live instance, whose claim runs out (it waited at the concurrency limit)
        store.release(order(id));
        liveInstance("slow-instance");
        jdbc.update("UPDATE orders SET claimed_by = 'slow-instance', claimed_until = ? WHERE external_order_id = ?",
                Timestamp.from(Instant.now().minusSeconds(1)), id);
        int takenOver = store.claim(id).getAsInt();
        int newSender = store.startAttempt(id, takenOver, true, "sending").getAsInt();

        assertThat(store.finish(id, slowSender, OrderStatus.FAILED, false, "failed late", List.of("late"))).isFalse();
        assertThat(store.startAttempt(id, slowSender, false, "retry")).isEmpty();
        assertThat(store.accept(id, newSender, List.of(new ProviderResponse.Item("11111111111111111111111111", JAPAN)),
                "accepted: 1 eSIM(s)")).isTrue();

        assertThat(store.status(id)).isEqualTo(OrderStatus.ACCEPTED);
        assertThat(history(id)).containsExactly("RECEIVED", "SENDING", "SENDING", "ACCEPTED");
    }

    @Test
    void anOrderSentAtOnceIsRecordedWithItsFirstAttemptUnlessWebhooksForItWaitInQuarantine() {
        String id = "first-attempt";
        OrderStore.Recorded recorded = store.record(order(id), true);

        assertThat(recorded.token()).isEqualTo(1);
        assertThat(store.status(id)).isEqualTo(OrderStatus.SENDING);
        assertThat(history(id)).containsExactly("RECEIVED", "SENDING");
        assertThat(store.accept(id, recorded.token(), List.of(), "accepted")).isTrue();
        store.release(order(id));

        String early = "webhook-came-first";
        jdbc.update("INSERT INTO webhook_quarantine (reason, topup_id, external_order_id, payload) VALUES (?, ?, ?, ?)",
                "no such order yet", "22222222222222222222222222", early, "{}");
        OrderStore.Recorded waits = store.record(order(early), true);

        assertThat(waits.token()).isZero();
        assertThat(store.status(early)).isEqualTo(OrderStatus.RECEIVED);
        assertThat(history(early)).containsExactly("RECEIVED");
        store.release(order(early));
    }

    @Test
    void acceptedNeverGoesBack() {
        String id = "forward-only";
        store.record(order(id), false);
        int attempt = store.startAttempt(id, 0, false, "sending").getAsInt();
        store.accept(id, attempt, List.of(), "accepted");
        store.release(order(id));

        assertThat(store.finish(id, attempt, OrderStatus.REJECTED, false, "late", List.of("late"))).isFalse();
        assertThat(store.startAttempt(id, attempt, false, "again")).isEmpty();
        assertThat(store.claim(id)).isEmpty();
        assertThat(store.reopen(id, true, "replay")).isEmpty();

        assertThat(store.status(id)).isEqualTo(OrderStatus.ACCEPTED);
        assertThat(history(id)).containsExactly("RECEIVED", "SENDING", "ACCEPTED");
    }

    @Test
    void anOrderHeldByALiveInstanceIsNotTakenOverButOneHeldByAKilledInstanceIs() {
        for (String id : List.of("held-live", "held-dead")) {
            store.record(order(id), false);
            store.release(order(id));
        }
        // another instance beats and holds the first; one that no longer beats (it was killed) holds the second
        liveInstance("other-live-instance");
        jdbc.update("UPDATE orders SET claimed_by = 'other-live-instance' WHERE external_order_id = 'held-live'");
        jdbc.update("UPDATE orders SET claimed_by = 'killed-instance' WHERE external_order_id = 'held-dead'");

        assertThat(store.claim("held-live")).isEmpty();
        assertThat(store.claim("held-dead")).hasValue(0);
        assertThat(store.abandoned(100)).doesNotContain("held-live");
    }

    @Test
    void theFirstAttemptAfterAnUnfinishedOneRemembersThatTheProviderMayHaveTheOrder() {
        String id = "left-sending";
        store.record(order(id), false);
        int killed = store.startAttempt(id, 0, false, "sending").getAsInt();
        assertThat(store.mayHaveReachedProvider(id)).isFalse();

        // that sender was killed while its request was out; the next sender takes over
        store.release(order(id));
        jdbc.update("UPDATE orders SET claimed_by = 'killed-instance' WHERE external_order_id = ?", id);
        int token = store.claim(id).getAsInt();
        assertThat(token).isEqualTo(killed);
        store.startAttempt(id, token, true, "sending");

        assertThat(store.mayHaveReachedProvider(id)).isTrue();
    }

    @Test
    void aSendOfThisInstanceThatFailedHalfwayCanBeTakenUpAgainByItButNotWhileItRuns() {
        String id = "failed-halfway";
        store.record(order(id), false);
        assertThat(store.claim(id)).as("while its sender works on it").isEmpty();

        store.release(order(id));

        assertThat(store.abandoned(100)).contains(id);
        assertThat(store.claim(id)).hasValue(0);
    }

    private static void liveInstance(String id) {
        jdbc.update("INSERT INTO app_instances (instance_id) VALUES (?)", id);
    }

    private static Order order(String id) {
        return new Order(id, List.of(new Order.OrderProduct(JAPAN, 1)), new Order.Customer("a@example.com", "A"),
                Order.OrderSource.file("state.csv", id));
    }

    private static List<String> history(String id) {
        return jdbc.queryForList("SELECT to_status FROM order_history WHERE external_order_id = ? ORDER BY id",
                String.class, id);
    }
}
