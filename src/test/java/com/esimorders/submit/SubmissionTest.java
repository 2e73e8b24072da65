package com.esimorders.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.esimorders.MutableClock;
import com.esimorders.TestApp;
import com.esimorders.order.Order;
import com.esimorders.order.OrderOutcome;
import com.esimorders.order.OrderStatus;
import com.esimorders.sandbox.SandboxFaults.Fault;
import com.esimorders.sandbox.SandboxFaults;
import com.esimorders.signing.RequestSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The error policy, row by row, over real HTTP against the built-in sandbox simulator. The simulator refuses a
 * stale or wrong signature, so every order that ends ACCEPTED after retries proves each retry was signed afresh.
 */
@Tag("database")
public class SubmissionTest {

    public static final String JAPAN = "3f6c2a9e-8b1d-4c7a-9e2f-1a5b6c7d8e01";
    static final String KOREA = "7b2e4d1c-5a6f-4e8b-b3c9-2d4e6f8a0b12";

    private static final MutableClock clientClock = new MutableClock();
    private static final MutableClock providerClock = new MutableClock();
    private static TestApp app;
    private static SandboxFaults sandbox;

    @BeforeAll
    static void start() {
        app = TestApp.start("dev", Map.of(
                "esim.provider.initial-delay-ms", "100",
                "esim.provider.max-attempts", "3",
                "esim.provider.max-concurrent", "2",
                "esim.provider.retry-budget-ms", "600000",
                "esim.sandbox.webhook-delay-ms", "600",
                "esim.recovery.initial-delay-ms", "200",
                "esim.recovery.interval-ms", "300"),
                Map.of("clock", clientClock, "sandboxClock", providerClock));
        sandbox = app.context().getRegistry().lookupByNameAndType("sandboxFaults", SandboxFaults.class);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @BeforeEach
    void resetFaults() {
        sandbox.reset();
        clientClock.reset();
        providerClock.reset();
    }

    @Test
    void acceptedOrderHasOneItemPerUnit() {
        OrderOutcome outcome = submit(order("ok-1", JAPAN, 2));

        assertThat(outcome.status()).isEqualTo(OrderStatus.ACCEPTED);
        assertThat(outcome.topupIds()).hasSize(2).doesNotHaveDuplicates().allMatch(id -> id.matches("\\d{26}"));
        assertThat(app.jdbc().queryForList("SELECT topup_id FROM esim_items WHERE external_order_id = ? AND"
                + " status IN ('ORDERED', 'DELIVERED')", String.class, "ok-1"))
                .containsExactlyInAnyOrderElementsOf(outcome.topupIds());
        assertThat(sandbox.requestCount()).isEqualTo(1);
        assertThat(status("ok-1")).isIn("ACCEPTED", "COMPLETED");
    }

    @Test
    void serverErrorsAreRetriedWithFreshSignatures() {
        sandbox.failNext(Fault.UNAVAILABLE, 2);

        OrderOutcome outcome = submit(order("retry-5xx", JAPAN, 1));

        assertThat(outcome.status()).isEqualTo(OrderStatus.ACCEPTED);
        assertThat(sandbox.requestCount()).isEqualTo(3);
        assertThat(sandbox.ordersTaken()).isEqualTo(1);
        assertThat(attempts("retry-5xx")).isEqualTo(3);
    }

    @Test
    void serverErrorsBeyondTheAttemptLimitFail() {
        sandbox.failNext(Fault.SERVER_ERROR, 10);

        OrderOutcome outcome = submit(order("retry-exhausted", JAPAN, 1));

        assertThat(outcome.status()).isEqualTo(OrderStatus.FAILED);
        assertThat(outcome.errors()).singleElement().asString().contains("HTTP 500", "Internal server error");
        assertThat(sandbox.requestCount()).isEqualTo(3);
        assertThat(sandbox.ordersTaken()).isZero();
        assertThat(app.jdbc().queryForObject("SELECT uncertain FROM orders WHERE external_order_id = ?",
                Boolean.class, "retry-exhausted")).isTrue();
    }

    @Test
    void rateLimitWaitsForRetryAfter() {
        sandbox.setRetryAfterSeconds(1);
        sandbox.failNext(Fault.RATE_LIMITED, 1);

        long start = System.nanoTime();
        OrderOutcome outcome = submit(order("rate-limited", JAPAN, 1));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(outcome.status()).isEqualTo(OrderStatus.ACCEPTED);
        assertThat(sandbox.requestCount()).isEqualTo(2);
        // the backoff alone would have waited about 100 ms
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void aStaleTimestampIsResignedOnceAndThenSucceeds() {
        providerClock.skewNext(Duration.ofMinutes(6), 1);

        OrderOutcome outcome = submit(order("skew-once", JAPAN, 1));

        assertThat(outcome.status()).isEqualTo(OrderStatus.ACCEPTED);
        assertThat(sandbox.requestCount()).isEqualTo(2);
    }

    @Test
    void aTimestampRefusedTwiceFailsWithAClockHint() {
        clientClock.advance(Duration.ofMinutes(-6));

        OrderOutcome outcome = submit(order("skew-always", JAPAN, 1));

        assertThat(outcome.status()).isEqualTo(OrderStatus.FAILED);
        assertThat(outcome.errors()).singleElement().asString()
                .contains("Request timestamp is too old or invalid.", "clock");
        assertThat(sandbox.requestCount()).isEqualTo(2);
    }

    @Test
    void aBackoffLongerThanFiveMinutesStillSendsAValidTimestamp() throws Exception {
        sandbox.setRetryAfterSeconds(2);
        sandbox.failNext(Fault.RATE_LIMITED, 1);

        CompletableFuture<OrderOutcome> pending = submitAsync(order("long-backoff", JAPAN, 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> sandbox.requestCount() == 1);
        // the 2 s Retry-After stands for a 6 minute wait: both sides' clocks move on by that much
        clientClock.advance(Duration.ofMinutes(6));
        providerClock.advance(Duration.ofMinutes(6));
        OrderOutcome outcome = pending.get();

        assertThat(outcome.status()).isEqualTo(OrderStatus.ACCEPTED);
        assertThat(sandbox.requestCount()).isEqualTo(2);
    }

    @Test
    void wrongCredentialsFailAtOnceWithoutRetry() {
        try (TestApp wrongSecret = TestApp.start(Map.of("esim.sandbox.secret-key", "b3RoZXItc2VjcmV0"))) {
            SandboxFaults otherSandbox = wrongSecret.context().getRegistry()
                    .lookupByNameAndType("sandboxFaults", SandboxFaults.class);

            OrderOutcome outcome = wrongSecret.template().requestBody("direct:submit-order",
                    order("wrong-secret", JAPAN, 1), OrderOutcome.class);

            assertThat(outcome.status()).isEqualTo(OrderStatus.FAILED);
            assertThat(outcome.errors()).containsExactly("Invalid signature.");
            assertThat(otherSandbox.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void unknownProductIsRejectedWithoutRetry() {
        OrderOutcome outcome = submit(order("unknown-product", "00000000-0000-4000-8000-000000000000", 1));

        assertThat(outcome.status()).isEqualTo(OrderStatus.REJECTED);
        assertThat(outcome.errors()).containsExactly("Product with option_id not found");
        assertThat(sandbox.requestCount()).isEqualTo(1);
        assertThat(app.jdbc().queryForObject("SELECT last_error FROM orders WHERE external_order_id = ?",
                String.class, "unknown-product")).isEqualTo("Product with option_id not found");
    }

    @Test
    void alreadyTakenOnAFirstAttemptIsRejectedAsDuplicate() throws Exception {
        assertThat(postDirectlyToSandbox("taken-elsewhere")).isEqualTo(200);
        // another system of the same partner took the id; its webhook is not ours to apply
        await().untilAsserted(() -> assertThat(app.jdbc().update(
                "DELETE FROM webhook_quarantine WHERE external_order_id = ?", "taken-elsewhere")).isEqualTo(1));
        sandbox.reset();

        OrderOutcome outcome = submit(order("taken-elsewhere", JAPAN, 1));

        assertThat(outcome.status()).isEqualTo(OrderStatus.REJECTED);
        assertThat(outcome.errors()).containsExactly("External order id has already been taken");
        assertThat(sandbox.requestCount()).isEqualTo(1);
    }

    @Test
    void aLostResponseThenAlreadyTakenIsAccepted() {
        sandbox.failNext(Fault.DROP_AFTER_ORDER, 1);

        OrderOutcome outcome = submit(order("lost-response", KOREA, 2));

        // COMPLETED when its webhooks were quicker than our resend
        assertThat(outcome.status()).isIn(OrderStatus.ACCEPTED, OrderStatus.COMPLETED);
        assertThat(sandbox.requestCount()).isEqualTo(2);
        assertThat(sandbox.ordersTaken()).isEqualTo(1);
        assertThat(app.jdbc().queryForObject("SELECT uncertain FROM orders WHERE external_order_id = ?",
                Boolean.class, "lost-response")).isTrue();
        // the topup_ids, unknown from the lost response, arrive with the webhooks
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(app.jdbc().queryForList(
                "SELECT topup_id FROM esim_items WHERE external_order_id = ? AND status = 'DELIVERED'", String.class,
                "lost-response")).hasSize(2));
        assertThat(status("lost-response")).isEqualTo("COMPLETED");
    }

    @Test
    void esimRequestFailedIsFinalUntilReplayed() {
        sandbox.failNext(Fault.ESIM_REQUEST_FAILED, 1);

        OrderOutcome outcome = submit(order("upstream-failed", JAPAN, 1));

        assertThat(outcome.status()).isEqualTo(OrderStatus.FAILED);
        assertThat(outcome.errors()).singleElement().asString().startsWith("eSIM Request failed - Status: ");
        assertThat(sandbox.requestCount()).isEqualTo(1);

        OrderOutcome replayed = app.template().requestBody("direct:replay-order", "upstream-failed", OrderOutcome.class);

        assertThat(replayed.status()).isEqualTo(OrderStatus.ACCEPTED);
        assertThat(replayed.topupIds()).hasSize(1);
        assertThat(sandbox.requestCount()).isEqualTo(2);
    }

    @Test
    void ordersLeftByAStoppedInstanceAreSentAgain() throws Exception {
        // one crashed before sending, one crashed while SENDING after the provider had taken it
        insertAbandoned("crashed-received", "RECEIVED");
        insertAbandoned("crashed-sending", "SENDING");
        assertThat(postDirectlyToSandbox("crashed-sending")).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(status("crashed-received")).isIn("ACCEPTED", "COMPLETED");
            assertThat(status("crashed-sending")).isIn("ACCEPTED", "COMPLETED");
        });
        assertThat(app.jdbc().queryForObject("SELECT COUNT(*) FROM sandbox_orders WHERE external_order_id IN"
                + " ('crashed-received', 'crashed-sending')", Integer.class)).isEqualTo(2);
    }

    @Test
    void inboundHeadersNeverReachTheProvider() {
        OrderOutcome outcome = app.template().requestBodyAndHeaders("direct:submit-order",
                order("with-headers", JAPAN, 1), Map.of(
                        "CamelHttpUri", "http://localhost:1/elsewhere",
                        "CamelHttpPath", "/elsewhere",
                        "X-Esim-Story-Access-Key", "forged",
                        "X-Esim-Story-Signature", "forged"), OrderOutcome.class);

        assertThat(outcome.status()).isEqualTo(OrderStatus.ACCEPTED);
        assertThat(sandbox.requestCount()).isEqualTo(1);
    }

    @Test
    void atMostTheConfiguredNumberOfOrdersAreInFlight() {
        sandbox.setLatencyMs(300);

        List<CompletableFuture<OrderOutcome>> pending = java.util.stream.IntStream.range(0, 6)
                .mapToObj(i -> submitAsync(order("concurrent-" + i, JAPAN, 1))).toList();
        pending.forEach(CompletableFuture::join);

        // COMPLETED when the webhook was quicker than the order's response
        assertThat(pending).allSatisfy(p -> assertThat(p.join().status())
                .isIn(OrderStatus.ACCEPTED, OrderStatus.COMPLETED));
        assertThat(sandbox.requestCount()).isEqualTo(6);
        assertThat(sandbox.maxConcurrentRequests()).isEqualTo(2);
    }

    static Order order(String id, String optionId, int qty) {
        return new Order(id, List.of(new Order.OrderProduct(optionId, qty)),
                new Order.Customer("traveller@example.com", "Ada"), Order.OrderSource.file("orders.csv", "2"));
    }

    private static OrderOutcome submit(Order order) {
        return app.template().requestBody("direct:submit-order", order, OrderOutcome.class);
    }

    private static CompletableFuture<OrderOutcome> submitAsync(Order order) {
        return app.template().asyncRequestBody("direct:submit-order", order, OrderOutcome.class);
    }

    private static String status(String id) {
        return app.jdbc().queryForObject("SELECT status FROM orders WHERE external_order_id = ?", String.class, id);
    }

    private static int attempts(String id) {
        return app.jdbc().queryForObject("SELECT attempts FROM orders WHERE external_order_id = ?", Integer.class, id);
    }

    private static void insertAbandoned(String id, String status) {
        app.jdbc().update("INSERT INTO orders (external_order_id, status, customer_email, source_type, source_ref,"
                + " attempts, claimed_until) VALUES (?, ?, 'a@example.com', 'FILE', 'old.csv:2', ?, ?)", id, status,
                "SENDING".equals(status) ? 1 : 0, Timestamp.from(Instant.now().minusSeconds(60)));
        app.jdbc().update("INSERT INTO order_lines (external_order_id, line_no, option_id, qty) VALUES (?, 1, ?, 1)",
                id, JAPAN);
    }

    /** Another client of the provider (or an attempt of ours whose answer we lost) takes the id first. */
    private static int postDirectlyToSandbox(String id) throws Exception {
        RequestSigner signer = app.context().getRegistry().lookupByNameAndType("requestSigner", RequestSigner.class);
        String path = "/sandbox/api/v1/api_partner/orders";
        long now = Instant.now().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(URI.create(app.baseUrl() + path))
                .header("Content-Type", "application/json")
                .header("X-Esim-Story-Access-Key", signer.accessKey())
                .header("X-Esim-Story-Timestamp", String.valueOf(now))
                .header("X-Esim-Story-Signature", signer.sign("POST", path, now))
                .POST(HttpRequest.BodyPublishers.ofString("{\"external_order_id\":\"" + id
                        + "\",\"products\":[{\"option_id\":\"" + JAPAN + "\",\"qty\":1}]}"))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
