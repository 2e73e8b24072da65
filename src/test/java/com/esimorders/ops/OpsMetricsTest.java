package com.esimorders.ops;

import static com.esimorders.ops.Ops.JAPAN;
import static com.esimorders.ops.Ops.order;
import static com.esimorders.ops.Ops.orderId;
import static com.esimorders.ops.Ops.topupId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.esimorders.TestApp;
import com.esimorders.order.Order;
import com.esimorders.order.OrderOutcome;
import com.esimorders.order.OrderStatus;
import com.esimorders.sandbox.SandboxFaults;
import com.esimorders.sandbox.SandboxFaults.Fault;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** The business metrics on /observe/metrics, as Prometheus scrapes them. */
@Tag("database")
class OpsMetricsTest {

    private static final String WEBHOOK_TOKEN = "metrics-test-webhook-token";
    private static TestApp app;
    private static JdbcTemplate jdbc;
    private static SandboxFaults sandbox;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of("esim.webhook.token", WEBHOOK_TOKEN, "esim.metrics.refresh-interval", "200",
                "esim.webhook.overdue-after", "10m", "esim.sandbox.webhook-delay-ms", "1000",
                "esim.provider.initial-delay-ms", "50"));
        jdbc = app.jdbc();
        sandbox = app.context().getRegistry().lookupByNameAndType("sandboxFaults", SandboxFaults.class);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @BeforeEach
    void resetFaults() {
        sandbox.reset();
    }

    @Test
    void providerRequestsAreTimedByHttpStatusAndRetriesCounted() {
        double ok = value("esim_provider_requests_seconds_count", "status", "200");
        double unavailable = value("esim_provider_requests_seconds_count", "status", "503");
        double refused = value("esim_provider_requests_seconds_count", "status", "422");
        double retries = value("esim_provider_retries_total");

        sandbox.failNext(Fault.UNAVAILABLE, 2);
        assertThat(submit(orderId("M-RETRY")).status()).isEqualTo(OrderStatus.ACCEPTED);
        sandbox.failNext(Fault.ESIM_REQUEST_FAILED, 1);
        assertThat(submit(orderId("M-FAIL")).status()).isEqualTo(OrderStatus.FAILED);

        assertThat(value("esim_provider_requests_seconds_count", "status", "200")).isEqualTo(ok + 1);
        assertThat(value("esim_provider_requests_seconds_count", "status", "503")).isEqualTo(unavailable + 2);
        assertThat(value("esim_provider_requests_seconds_count", "status", "422")).isEqualTo(refused + 1);
        assertThat(value("esim_provider_retries_total")).isEqualTo(retries + 2);
        assertThat(scrape()).contains("esim_provider_requests_seconds_bucket{status=\"200\",le=\"0.5\"}");
    }

    @Test
    void webhooksAreCountedByTheirAnswer() {
        String orderId = orderId("M-HOOK");
        String topupId = topupId();
        order(jdbc, orderId, "ACCEPTED", null, JAPAN, 1);
        jdbc.update("INSERT INTO esim_items (topup_id, external_order_id, option_id, status) VALUES (?, ?, ?, 'ORDERED')",
                topupId, orderId, JAPAN);
        Map<String, Double> before = Map.of("applied", webhooks("applied"), "duplicate", webhooks("duplicate"),
                "quarantined", webhooks("quarantined"),
                "unknown_token", webhooks("unknown_token"));

        String body = Ops.webhook(topupId, orderId, JAPAN);
        assertThat(hook(WEBHOOK_TOKEN, body)).isEqualTo(200);
        assertThat(hook(WEBHOOK_TOKEN, body)).isEqualTo(200);
        // not ours, and not readable: both kept in quarantine and answered 200
        assertThat(hook(WEBHOOK_TOKEN, Ops.webhook(topupId(), orderId("M-STRANGER"), JAPAN))).isEqualTo(200);
        assertThat(hook(WEBHOOK_TOKEN, "{not json")).isEqualTo(200);
        assertThat(hook("wrong-token", body)).isEqualTo(404);
        assertThat(hook("", body)).isEqualTo(404);
        double total = value("esim_webhooks_total", "outcome", "error");
        assertThat(hook(WEBHOOK_TOKEN, "{\"padding\":\"" + "x".repeat(70_000) + "\"}")).isEqualTo(413);
        assertThat(value("esim_webhooks_total", "outcome", "error")).isEqualTo(total);

        assertThat(webhooks("applied")).isEqualTo(before.get("applied") + 1);
        assertThat(webhooks("duplicate")).isEqualTo(before.get("duplicate") + 1);
        assertThat(webhooks("quarantined")).isEqualTo(before.get("quarantined") + 2);
        // a request without any token segment, or with a body over the limit, never reaches the route: not counted
        assertThat(webhooks("unknown_token")).isEqualTo(before.get("unknown_token") + 1);
        await().untilAsserted(() -> assertThat(value("esim_webhooks_quarantine_open"))
                .isEqualTo(jdbc.queryForObject("SELECT COUNT(*) FROM webhook_quarantine", Double.class)));
    }

    @Test
    void gaugesFollowTheDatabase() {
        String failed = orderId("M-G");
        order(jdbc, failed, "FAILED", null, JAPAN, 1);
        // an overdue order: accepted an hour ago, one of its two eSIMs missing
        String late = orderId("M-LATE");
        order(jdbc, late, "ACCEPTED", null, JAPAN, 2);
        jdbc.update("UPDATE order_history SET changed_at = changed_at - INTERVAL '1' HOUR WHERE external_order_id = ?", late);
        String delivered = topupId();
        jdbc.update("INSERT INTO esim_items (topup_id, external_order_id, option_id, status) VALUES (?, ?, ?, 'DELIVERED')",
                delivered, late, JAPAN);
        // its email gave up; another eSIM's email has failed for two hours and waits for its next attempt
        jdbc.update("INSERT INTO mail_outbox (topup_id, recipient, status, attempts, last_error) VALUES (?, 'a@b.example',"
                + " 'GAVE_UP', 9, 'MailConnectException: refused')", delivered);
        String failing = topupId();
        jdbc.update("INSERT INTO esim_items (topup_id, external_order_id, option_id, status) VALUES (?, ?, ?, 'DELIVERED')",
                failing, failed, JAPAN);
        jdbc.update("INSERT INTO mail_outbox (topup_id, recipient, status, attempts, last_error, next_attempt_at, created_at)"
                + " VALUES (?, 'a@b.example', 'PENDING', 3, 'MailConnectException: refused',"
                + " CURRENT_TIMESTAMP + INTERVAL '1' HOUR, CURRENT_TIMESTAMP - INTERVAL '2' HOUR)", failing);
        jdbc.update("INSERT INTO file_read_locks (file_key, owner, locked_at) VALUES ('metrics-test.csv', 'test', ?)",
                new java.sql.Timestamp(System.currentTimeMillis()));
        try {
            await().untilAsserted(() -> {
                for (String status : List.of("RECEIVED", "SENDING", "ACCEPTED", "REJECTED", "FAILED", "COMPLETED")) {
                    assertThat(value("esim_orders", "status", status)).as(status).isEqualTo(
                            jdbc.queryForObject("SELECT COUNT(*) FROM orders WHERE status = ?", Double.class, status));
                }
                for (String status : List.of("PENDING", "SENT", "GAVE_UP")) {
                    assertThat(value("esim_emails", "status", status)).as(status).isEqualTo(
                            jdbc.queryForObject("SELECT COUNT(*) FROM mail_outbox WHERE status = ?", Double.class, status));
                }
                assertThat(value("esim_emails_failing")).isGreaterThanOrEqualTo(1);
                assertThat(value("esim_emails_oldest_pending_age_seconds")).isGreaterThanOrEqualTo(7100);
                assertThat(value("esim_orders_overdue")).isGreaterThanOrEqualTo(1);
                assertThat(value("esim_esims_overdue")).isGreaterThanOrEqualTo(1);
                assertThat(value("esim_files_in_progress")).isGreaterThanOrEqualTo(1);
            });
        } finally {
            jdbc.update("DELETE FROM file_read_locks WHERE file_key = 'metrics-test.csv'");
        }
    }

    private static OrderOutcome submit(String id) {
        Order order = new Order(id, List.of(new Order.OrderProduct(JAPAN, 1)), new Order.Customer(null, null),
                Order.OrderSource.file("metrics.csv", "2"));
        return app.template().requestBody("direct:submit-order", order, OrderOutcome.class);
    }

    private static int hook(String token, String body) {
        return Ops.post(app.baseUrl() + "/webhooks/esim/" + token, null, body).statusCode();
    }

    private static double webhooks(String outcome) {
        return value("esim_webhooks_total", "outcome", outcome);
    }

    private static String scrape() {
        return Ops.get(app.baseUrl() + "/observe/metrics", null).body();
    }

    /** The value of a sample (with the given label, if any), 0 when it does not exist yet. */
    private static double value(String name, String... label) {
        Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);
        Matcher matcher = sample.matcher(scrape());
        while (matcher.find()) {
            String labels = matcher.group(1) == null ? "" : matcher.group(1);
            if (label.length == 0 || labels.contains(label[0] + "=\"" + label[1] + "\"")) {
                return Double.parseDouble(matcher.group(2));
            }
        }
        return 0;
    }
}
