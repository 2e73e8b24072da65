package com.esimorders.submit;

import static org.assertj.core.api.Assertions.assertThat;

import com.esimorders.TestApp;
import com.esimorders.order.Order;
import com.esimorders.order.OrderOutcome;
import com.esimorders.order.OrderStatus;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * esim.provider.max-concurrent, not the HTTP client's connection pool (20 per host by default), bounds the orders in
 * flight: with a limit of 25, a provider that holds every request until 25 are open sees all 25 at once. A slot is
 * held for the provider call only, not for the rest of the caller's exchange nor while the attempt is recorded.
 */
@Tag("database")
class ProviderConcurrencyTest {

    private static final int LIMIT = 25;

    @Test
    void theProviderSeesAsManyRequestsAtOnceAsTheConcurrencyLimitAllows() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        CountDownLatch allOpen = new CountDownLatch(LIMIT);
        HttpServer provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.setExecutor(Executors.newFixedThreadPool(LIMIT + 10));
        provider.createContext("/api/v1/api_partner/orders", exchange -> {
            mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            allOpen.countDown();
            try {
                allOpen.await(3, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            byte[] body = "{\"message\":\"refused by the stand-in\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        provider.start();
        try (TestApp app = TestApp.start(Map.of(
                "esim.provider.url", "http://127.0.0.1:" + provider.getAddress().getPort() + "/api",
                "esim.provider.max-concurrent", String.valueOf(LIMIT),
                "esim.db.pool-size", "40"))) {
            // one thread per order: the template's own async pool would be a limit of its own
            ExecutorService senders = Executors.newFixedThreadPool(LIMIT);
            List<CompletableFuture<OrderOutcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < LIMIT; i++) {
                Order order = SubmissionTest.order("concurrent-" + i, SubmissionTest.JAPAN, 1);
                outcomes.add(CompletableFuture.supplyAsync(() -> app.template().requestBody("direct:submit-order",
                        order, OrderOutcome.class), senders));
            }
            for (CompletableFuture<OrderOutcome> outcome : outcomes) {
                assertThat(outcome.get(30, TimeUnit.SECONDS).status()).isEqualTo(OrderStatus.REJECTED);
            }
            senders.shutdown();
        } finally {
            provider.stop(0);
        }
        assertThat(mostAtOnce.get()).isEqualTo(LIMIT);
    }

    @Test
    void aSlotIsFreeAgainOnceTheProviderAnsweredWhileTheCallersExchangeGoesOn() throws Exception {
        try (TestApp app = TestApp.start(Map.of("esim.provider.max-concurrent", "1"))) {
            CountDownLatch secondAnswered = new CountDownLatch(1);
            app.context().addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // a caller whose exchange goes on after its order was answered, until the next order is
                    from("direct:caller-that-goes-on").to("direct:submit-order")
                            .process(e -> e.setProperty("nextAnswered", secondAnswered.await(10, TimeUnit.SECONDS)));
                }
            });
            Order first = SubmissionTest.order("slot-first", SubmissionTest.JAPAN, 1);
            CompletableFuture<Exchange> firstCaller = CompletableFuture.supplyAsync(() -> app.template().send(
                    "direct:caller-that-goes-on", e -> e.getIn().setBody(first)));
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> app.jdbc().queryForObject(
                    "SELECT COUNT(*) FROM orders WHERE external_order_id = 'slot-first' AND status = 'ACCEPTED'",
                    Integer.class) == 1);

            OrderOutcome second = app.template().requestBody("direct:submit-order",
                    SubmissionTest.order("slot-second", SubmissionTest.JAPAN, 1), OrderOutcome.class);
            secondAnswered.countDown();

            assertThat(second.status()).isEqualTo(OrderStatus.ACCEPTED);
            assertThat(firstCaller.get(20, TimeUnit.SECONDS).getProperty("nextAnswered")).isEqualTo(true);
        }
    }

    @Test
    void anOrderWaitingForTheSlotHasItsAttemptRecordedAlreadySoThatTheSlotIsHeldForTheCallAlone() throws Exception {
        try (TestApp app = TestApp.start(Map.of("esim.provider.max-concurrent", "1",
                "esim.sandbox.fault.latency-ms", "1500"))) {
            app.context().addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // a recorded order taken and handed to the senders, as the queue intake does with a new one
                    from("direct:take-and-hand-over").bean("submission", "resume").to("direct:hand-to-order-senders");
                }
            });
            for (String id : List.of("waiting-1", "waiting-2")) {
                app.jdbc().update("INSERT INTO orders (external_order_id, status, source_type, source_ref)"
                        + " VALUES (?, 'RECEIVED', 'FILE', 'test')", id);
                app.jdbc().update("INSERT INTO order_lines (external_order_id, line_no, option_id, qty)"
                        + " VALUES (?, 1, ?, 1)", id, SubmissionTest.JAPAN);
                app.template().sendBody("direct:take-and-hand-over", id);
            }
            // while one is in its call (the sandbox answers after 1.5 s), the other waits with its attempt recorded
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> count(app, "status = 'SENDING' AND attempts = 1") == 2);
            assertThat(count(app, "status = 'ACCEPTED'")).isZero();

            Awaitility.await().atMost(15, TimeUnit.SECONDS).until(() -> count(app, "status = 'ACCEPTED'") == 2);
            assertThat(app.jdbc().queryForList("SELECT to_status FROM order_history WHERE external_order_id = 'waiting-2'"
                    + " ORDER BY id", String.class)).containsExactly("SENDING", "ACCEPTED");
        }
    }

    private static int count(TestApp app, String where) {
        return app.jdbc().queryForObject("SELECT COUNT(*) FROM orders WHERE external_order_id LIKE 'waiting-%' AND "
                + where, Integer.class);
    }
}
