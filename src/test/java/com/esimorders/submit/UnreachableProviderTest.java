package com.esimorders.submit;

import static org.assertj.core.api.Assertions.assertThat;

import com.esimorders.TestApp;
import com.esimorders.order.Order;
import com.esimorders.order.OrderOutcome;
import com.esimorders.order.OrderStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A provider that refuses connections: the order is recorded, retried within the limit, then FAILED. */
@Tag("database")
class UnreachableProviderTest {

    private static TestApp app;

    @BeforeAll
    static void start() throws Exception {
        app = TestApp.start(Map.of("esim.provider.url", "http://localhost:" + TestApp.refusingPort() + "/api",
                "esim.provider.initial-delay-ms", "20", "esim.provider.max-attempts", "3"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void retriesUpToTheAttemptLimitThenFails() {
        OrderOutcome outcome = submit(order("unreachable-1"));

        assertThat(outcome.status()).isEqualTo(OrderStatus.FAILED);
        assertThat(outcome.errors()).singleElement().asString().contains("Connection refused");
        assertThat(app.jdbc().queryForMap("SELECT status, attempts, uncertain FROM orders WHERE external_order_id = ?",
                "unreachable-1")).containsEntry("STATUS", "FAILED").containsEntry("ATTEMPTS", 3)
                .containsEntry("UNCERTAIN", false);
        assertThat(app.jdbc().queryForList("SELECT to_status FROM order_history WHERE external_order_id = ? ORDER BY id",
                String.class, "unreachable-1")).containsExactly("RECEIVED", "SENDING", "SENDING", "SENDING", "FAILED");
    }

    @Test
    void aRecordedOrderIsNotSentAgain() {
        submit(order("unreachable-2"));

        Order fromAnotherFile = order("unreachable-2");
        OrderOutcome again = submit(new Order(fromAnotherFile.externalOrderId(), fromAnotherFile.products(),
                fromAnotherFile.customer(), Order.OrderSource.file("another.csv", "7")));
        OrderOutcome sameInputAgain = submit(order("unreachable-2"));

        assertThat(sameInputAgain.duplicate()).isFalse();
        assertThat(sameInputAgain.status()).isEqualTo(OrderStatus.FAILED);
        assertThat(again.duplicate()).isTrue();
        assertThat(again.status()).isEqualTo(OrderStatus.FAILED);
        assertThat(app.jdbc().queryForObject("SELECT attempts FROM orders WHERE external_order_id = ?", Integer.class,
                "unreachable-2")).isEqualTo(3);
    }

    @Test
    void replaySendsAFailedOrderAgainAndLeavesOthersAlone() {
        submit(order("unreachable-3"));

        OrderOutcome replayed = app.template().requestBody("direct:replay-order", "unreachable-3", OrderOutcome.class);

        assertThat(replayed.status()).isEqualTo(OrderStatus.FAILED);
        assertThat(app.jdbc().queryForObject("SELECT attempts FROM orders WHERE external_order_id = ?", Integer.class,
                "unreachable-3")).isEqualTo(6);
        assertThat(app.jdbc().queryForList("SELECT detail FROM order_history WHERE external_order_id = ?"
                + " AND to_status = 'RECEIVED' ORDER BY id", String.class, "unreachable-3"))
                .last().asString().startsWith("replay requested");
    }

    static Order order(String id) {
        return new Order(id, List.of(new Order.OrderProduct("3f6c2a9e-8b1d-4c7a-9e2f-1a5b6c7d8e01", 1)),
                new Order.Customer("traveller@example.com", "Ada"), Order.OrderSource.file("orders.csv", "2"));
    }

    private static OrderOutcome submit(Order order) {
        return app.template().requestBody("direct:submit-order", order, OrderOutcome.class);
    }
}
