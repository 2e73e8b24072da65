package com.esimorders.ops;

import static com.esimorders.ops.Ops.JAPAN;
import static com.esimorders.ops.Ops.get;
import static com.esimorders.ops.Ops.json;
import static com.esimorders.ops.Ops.order;
import static com.esimorders.ops.Ops.orderId;
import static com.esimorders.ops.Ops.post;
import static com.esimorders.ops.Ops.topupId;
import static com.esimorders.ops.Ops.webhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.esimorders.TestApp;
import com.esimorders.order.Order;
import com.esimorders.order.OrderOutcome;
import com.esimorders.order.OrderStatus;
import com.esimorders.sandbox.SandboxFaults;
import com.esimorders.sandbox.SandboxFaults.Fault;
import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** The operator API over real HTTP, against the built-in sandbox and a real SMTP server (GreenMail). */
@Tag("database")
class OpsApiTest {

    static final String TOKEN = "ops-test-token-0123456789abcdef0123";
    static final String BEARER = "Bearer " + TOKEN;

    private static GreenMail smtp;
    private static TestApp app;
    private static JdbcTemplate jdbc;
    private static SandboxFaults sandbox;

    @BeforeAll
    static void start() throws Exception {
        smtp = new GreenMail(new ServerSetup(TestApp.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        app = TestApp.start(Map.ofEntries(
                Map.entry("esim.ops.token", TOKEN),
                Map.entry("esim.webhook.token", "ops-test-webhook-token"),
                Map.entry("esim.webhook.overdue-after", "3s"),
                // after the order's response is stored (a webhook racing it can deadlock OrderStore.accept on PostgreSQL)
                Map.entry("esim.sandbox.webhook-delay-ms", "1000"),
                Map.entry("esim.mail.mode", "smtp"),
                Map.entry("esim.smtp.host", "127.0.0.1"),
                Map.entry("esim.smtp.port", String.valueOf(smtp.getSmtp().getPort())),
                Map.entry("esim.smtp.security", "none"),
                // emails go out right after their webhook or resend: the outbox poller (the retries) stays out of the way
                Map.entry("esim.mail.poll-interval", "1h")));
        jdbc = app.jdbc();
        sandbox = app.context().getRegistry().lookupByNameAndType("sandboxFaults", SandboxFaults.class);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @BeforeEach
    void resetFaults() {
        sandbox.reset();
    }

    // --- authentication ---

    @Test
    void everyEndpointAnswers401WithoutTheTokenAndChangesNothing() {
        String failed = orderId("AUTH");
        order(jdbc, failed, "FAILED", null, JAPAN, 1);
        List<Function<String, HttpResponse<String>>> calls = List.of(
                auth -> get(url("/ops/orders/" + failed), auth),
                auth -> get(url("/ops/orders?status=FAILED"), auth),
                auth -> post(url("/ops/orders/" + failed + "/replay"), auth, null),
                auth -> post(url("/ops/emails/" + topupId() + "/resend"), auth, null),
                auth -> get(url("/ops/quarantine"), auth),
                auth -> post(url("/ops/quarantine/1/apply"), auth, null),
                auth -> get(url("/ops/overdue"), auth));
        List<String> wrong = Arrays.asList(null, "", "Bearer", "Bearer wrong-token", "Bearer " + TOKEN.substring(0, 10),
                "Bearer " + TOKEN + "x", "Basic " + TOKEN, TOKEN);

        for (Function<String, HttpResponse<String>> call : calls) {
            for (String authorization : wrong) {
                HttpResponse<String> response = call.apply(authorization);
                assertThat(response.statusCode()).as("%s", authorization).isEqualTo(401);
                assertThat(response.body()).isEqualTo("{\"error\":\"unauthorized\"}");
                assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/json"));
            }
        }
        assertThat(status(failed)).isEqualTo("FAILED");
        assertThat(sandbox.requestCount()).isZero();
        // the scheme is case-insensitive
        assertThat(get(url("/ops/orders/" + failed), "bearer " + TOKEN).statusCode()).isEqualTo(200);
    }

    // --- one order ---

    @Test
    void anOrderShowsItsSourceEveryStateChangeAndItsEsimsButNoActivationCode() {
        String id = orderId("DETAIL");
        String customer = id.toLowerCase() + "@customer.example";
        OrderOutcome outcome = submit(id, customer, 2);
        assertThat(outcome.status()).isEqualTo(OrderStatus.ACCEPTED);
        await().untilAsserted(() -> assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM mail_outbox m JOIN esim_items e"
                + " ON e.topup_id = m.topup_id WHERE e.external_order_id = ? AND m.status = 'SENT'", Integer.class, id))
                .isEqualTo(2));

        HttpResponse<String> response = get(url("/ops/orders/" + id), BEARER);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode order = json(response);
        assertThat(order.path("external_order_id").asText()).isEqualTo(id);
        assertThat(order.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(order.path("source_type").asText()).isEqualTo("FILE");
        assertThat(order.path("source_ref").asText()).isEqualTo("ops.csv:7");
        assertThat(order.path("lines").get(0).path("option_id").asText()).isEqualTo(JAPAN);
        List<String> transitions = new ArrayList<>();
        order.path("history").forEach(h -> transitions.add(h.path("from").asText() + ">" + h.path("to").asText()));
        assertThat(transitions).containsExactly("null>RECEIVED", "RECEIVED>SENDING", "SENDING>ACCEPTED",
                "ACCEPTED>COMPLETED");
        assertThat(order.path("history").get(0).path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(order.path("history").get(2).path("attempt").asInt()).isEqualTo(1);
        assertThat(order.path("items")).hasSize(2).allSatisfy(item -> {
            assertThat(item.path("topup_id").asText()).isIn(outcome.topupIds());
            assertThat(item.path("esim_status").asText()).isEqualTo("DELIVERED");
            assertThat(item.path("esim_received_at").asText()).isNotBlank();
            assertThat(item.path("email_status").asText()).isEqualTo("SENT");
            assertThat(item.path("recipient").asText()).isEqualTo(customer);
            assertThat(item.path("attempts").asInt()).isEqualTo(1);
            assertThat(item.path("sent_at").asText()).isNotBlank();
            assertThat(item.path("last_error").isNull()).isTrue();
        });
        for (Map<String, Object> esim : jdbc.queryForList("SELECT activation_code, download_link, iccid FROM esim_items"
                + " WHERE external_order_id = ?", id)) {
            assertThat(response.body()).doesNotContain((String) esim.get("ACTIVATION_CODE"),
                    (String) esim.get("DOWNLOAD_LINK"));
        }
    }

    @Test
    void anUnknownOrderIs404() {
        HttpResponse<String> response = get(url("/ops/orders/NO-SUCH-ORDER"), BEARER);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).path("error").asText()).isEqualTo("no order with external_order_id NO-SUCH-ORDER");
    }

    // --- the list ---

    @Test
    void theListPagesNewestFirstWithAnOpaqueCursor() {
        // updated in the far future, so that orders of the other tests stay out of this window (since)
        String prefix = orderId("PAGE");
        String[][] rows = {{"a", "2100-01-01T10:00:00Z"}, {"b", "2100-01-01T11:00:00Z"}, {"c", "2100-01-01T11:00:00Z"},
            {"d", "2100-01-01T12:00:00Z"}, {"e", "2100-01-01T09:00:00Z"}};
        for (String[] row : rows) {
            order(jdbc, prefix + row[0], "FAILED", null, JAPAN, 1);
            jdbc.update("UPDATE orders SET updated_at = ? WHERE external_order_id = ?",
                    java.time.OffsetDateTime.parse(row[1]), prefix + row[0]);
        }
        order(jdbc, prefix + "x", "REJECTED", null, JAPAN, 1);
        jdbc.update("UPDATE orders SET updated_at = ? WHERE external_order_id = ?",
                java.time.OffsetDateTime.parse("2100-01-01T13:00:00Z"), prefix + "x");

        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = json(get(url("/ops/orders?status=FAILED&since=2100-01-01T00:00:00Z&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor)), BEARER));
            page.path("orders").forEach(o -> {
                seen.add(o.path("external_order_id").asText());
                assertThat(o.path("status").asText()).isEqualTo("FAILED");
            });
            pageSizes.add(page.path("orders").size());
            cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
        } while (cursor != null);

        assertThat(seen).containsExactly(prefix + "d", prefix + "c", prefix + "b", prefix + "a", prefix + "e");
        assertThat(pageSizes).containsExactly(2, 2, 1);
        JsonNode all = json(get(url("/ops/orders?since=2100-01-01T00:00:00%2B00:00"), BEARER));
        assertThat(all.path("orders").get(0).path("external_order_id").asText()).isEqualTo(prefix + "x");
        assertThat(all.path("orders")).hasSize(6);
        assertThat(all.path("next_cursor").isNull()).isTrue();
    }

    @Test
    void badListParametersAre400() {
        for (String query : List.of("status=LOST", "since=yesterday", "limit=0", "limit=501", "limit=ten",
                "cursor=not-a-cursor")) {
            HttpResponse<String> response = get(url("/ops/orders?" + query), BEARER);
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            assertThat(json(response).path("error").asText()).isNotBlank();
        }
    }

    // --- replay ---

    @Test
    void replayOfAFailedOrderSendsItAgainAndAnswersAccepted() {
        String id = orderId("REPLAY");
        sandbox.failNext(Fault.ESIM_REQUEST_FAILED, 1);
        assertThat(submit(id, null, 1).status()).isEqualTo(OrderStatus.FAILED);

        HttpResponse<String> response = post(url("/ops/orders/" + id + "/replay"), BEARER, null);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode outcome = json(response);
        assertThat(outcome.path("external_order_id").asText()).isEqualTo(id);
        assertThat(outcome.path("status").asText()).isEqualTo("ACCEPTED");
        assertThat(outcome.path("topup_ids")).hasSize(1);
        assertThat(sandbox.requestCount()).isEqualTo(2);
        assertThat(jdbc.queryForList("SELECT from_status || '>' || to_status || ':' || detail FROM order_history"
                + " WHERE external_order_id = ? ORDER BY id", String.class, id))
                .contains("FAILED>RECEIVED:replay requested by operator");
    }

    @Test
    void replayOfARejectedOrderNeedsConfirmation() {
        String id = orderId("REJ");
        order(jdbc, id, "REJECTED", null, JAPAN, 1);

        HttpResponse<String> refused = post(url("/ops/orders/" + id + "/replay"), BEARER, null);

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(json(refused).path("error").asText()).contains("REJECTED", "Product with option_id not found",
                "?confirm=true");
        assertThat(status(id)).isEqualTo("REJECTED");
        assertThat(sandbox.requestCount()).isZero();

        HttpResponse<String> confirmed = post(url("/ops/orders/" + id + "/replay?confirm=true"), BEARER, null);

        assertThat(confirmed.statusCode()).isEqualTo(200);
        assertThat(json(confirmed).path("status").asText()).isEqualTo("ACCEPTED");
        assertThat(sandbox.requestCount()).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT from_status || '>' || to_status FROM order_history"
                + " WHERE external_order_id = ? ORDER BY id", String.class, id))
                .contains("REJECTED>RECEIVED", "RECEIVED>SENDING", "SENDING>ACCEPTED");
    }

    @Test
    void replayRouteLeavesARejectedOrderAloneWithoutTheConfirmation() {
        String id = orderId("REJ-ROUTE");
        order(jdbc, id, "REJECTED", null, JAPAN, 1);

        OrderOutcome outcome = app.template().requestBody("direct:replay-order", id, OrderOutcome.class);

        assertThat(outcome.status()).isEqualTo(OrderStatus.REJECTED);
        assertThat(sandbox.requestCount()).isZero();
    }

    @Test
    void replayInAnyOtherStateIs409AndOfAnUnknownOrder404() {
        for (String state : List.of("ACCEPTED", "COMPLETED", "SENDING", "RECEIVED")) {
            String id = orderId("STATE");
            order(jdbc, id, state, null, JAPAN, 1);

            HttpResponse<String> response = post(url("/ops/orders/" + id + "/replay?confirm=true"), BEARER, null);

            assertThat(response.statusCode()).as(state).isEqualTo(409);
            assertThat(json(response).path("error").asText()).contains("is " + state, "only FAILED orders");
            assertThat(status(id)).isEqualTo(state);
        }
        assertThat(post(url("/ops/orders/NO-SUCH/replay"), BEARER, null).statusCode()).isEqualTo(404);
        assertThat(sandbox.requestCount()).isZero();
    }

    // --- resend ---

    @Test
    void resendSendsTheEmailAgainToTheSameOrANewAddress() throws Exception {
        String id = orderId("RESEND");
        String customer = id.toLowerCase() + "@customer.example";
        String topupId = submit(id, customer, 1).topupIds().get(0);
        await().untilAsserted(() -> assertThat(messagesTo(customer)).hasSize(1));
        await().untilAsserted(() -> assertThat(emailStatus(topupId)).isEqualTo("SENT"));

        HttpResponse<String> again = post(url("/ops/emails/" + topupId + "/resend"), BEARER, null);

        assertThat(again.statusCode()).isEqualTo(200);
        JsonNode email = json(again);
        assertThat(email.path("topup_id").asText()).isEqualTo(topupId);
        assertThat(email.path("external_order_id").asText()).isEqualTo(id);
        assertThat(email.path("status").asText()).isEqualTo("SENT");
        assertThat(email.path("recipient").asText()).isEqualTo(customer);
        assertThat(email.path("attempts").asInt()).isEqualTo(2);
        assertThat(messagesTo(customer)).hasSize(2);

        String other = "other." + customer;
        HttpResponse<String> moved = post(url("/ops/emails/" + topupId + "/resend"), BEARER, "{\"to\":\"" + other + "\"}");

        assertThat(moved.statusCode()).isEqualTo(200);
        assertThat(json(moved).path("recipient").asText()).isEqualTo(other);
        assertThat(json(moved).path("attempts").asInt()).isEqualTo(3);
        assertThat(messagesTo(other)).hasSize(1);
        assertThat(messagesTo(other).get(0).getMessageID()).isEqualTo("<esim-" + topupId + "@esim-orders>");
        assertThat(jdbc.queryForObject("SELECT recipient FROM mail_outbox WHERE topup_id = ?", String.class, topupId))
                .isEqualTo(other);
    }

    @Test
    void resendOfAnEmailAnotherSenderHoldsIs409() {
        String id = orderId("HELD");
        String topupId = topupId();
        order(jdbc, id, "ACCEPTED", "held@customer.example", JAPAN, 1);
        jdbc.update("INSERT INTO esim_items (topup_id, external_order_id, option_id, status) VALUES (?, ?, ?, 'DELIVERED')",
                topupId, id, JAPAN);
        // held by a live instance (it beats for the test's length), not free for this one's outbox poller to take
        String other = "other-instance-" + topupId;
        jdbc.update("INSERT INTO app_instances (instance_id) VALUES (?)", other);
        jdbc.update("INSERT INTO mail_outbox (topup_id, recipient, status, attempts, claimed_by, claimed_until) VALUES"
                + " (?, 'held@customer.example', 'PENDING', 1, ?, CURRENT_TIMESTAMP + INTERVAL '5' MINUTE)", topupId, other);

        HttpResponse<String> response = post(url("/ops/emails/" + topupId + "/resend"), BEARER, "{\"to\":\"x@y.example\"}");

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(json(response).path("error").asText()).contains("being sent right now");
        assertThat(jdbc.queryForMap("SELECT recipient, attempts FROM mail_outbox WHERE topup_id = ?", topupId))
                .containsEntry("RECIPIENT", "held@customer.example").containsEntry("ATTEMPTS", 1);
    }

    @Test
    void resendRefusesABadAddressAnUnknownEsimAndAnEsimNotReceivedYet() {
        String id = orderId("NOESIM");
        String waiting = topupId();
        order(jdbc, id, "ACCEPTED", "x@customer.example", JAPAN, 1);
        jdbc.update("INSERT INTO esim_items (topup_id, external_order_id, option_id, status) VALUES (?, ?, ?, 'ORDERED')",
                waiting, id, JAPAN);

        assertThat(post(url("/ops/emails/" + waiting + "/resend"), BEARER, null)).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(409);
            assertThat(json(r).path("error").asText()).contains("has not been received yet");
        });
        assertThat(post(url("/ops/emails/" + topupId() + "/resend"), BEARER, null).statusCode()).isEqualTo(404);
        for (String body : List.of("{\"to\":\"not-an-address\"}", "{\"to\":\"a@b.example, c@d.example\"}",
                "{\"to\":\"a@b.example\\r\\nBcc: c@d.example\"}", "{\"to\":42}", "[\"a@b.example\"]", "to=a@b.example")) {
            HttpResponse<String> response = post(url("/ops/emails/" + waiting + "/resend"), BEARER, body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
        }
    }

    // --- quarantine ---

    @Test
    void aQuarantinedWebhookIsListedWithoutItsPayloadAndAppliedOnceItsOrderExists() throws Exception {
        String id = orderId("QUAR");
        String topupId = topupId();
        String customer = id.toLowerCase() + "@customer.example";
        String body = webhook(topupId, id, JAPAN);
        assertThat(Ops.post(app.baseUrl() + "/webhooks/esim/ops-test-webhook-token", null, body).statusCode())
                .isEqualTo(200);
        long quarantineId = jdbc.queryForObject("SELECT id FROM webhook_quarantine WHERE topup_id = ?", Long.class,
                topupId);

        HttpResponse<String> list = get(url("/ops/quarantine"), BEARER);

        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).doesNotContain("ACT-" + topupId).doesNotContain("payload");
        JsonNode listed = find(json(list), "id", String.valueOf(quarantineId));
        assertThat(listed.path("topup_id").asText()).isEqualTo(topupId);
        assertThat(listed.path("external_order_id").asText()).isEqualTo(id);
        assertThat(listed.path("reason").asText()).isEqualTo(com.esimorders.webhook.WebhookClassifier.UNKNOWN_ORDER);
        assertThat(listed.path("received_at").asText()).isNotBlank();

        HttpResponse<String> tooEarly = post(url("/ops/quarantine/" + quarantineId + "/apply"), BEARER, null);

        assertThat(tooEarly.statusCode()).isEqualTo(409);
        assertThat(json(tooEarly).path("error").asText()).contains("still matches nothing we ordered",
                com.esimorders.webhook.WebhookClassifier.UNKNOWN_ORDER);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM webhook_quarantine WHERE topup_id = ?", Integer.class,
                topupId)).isEqualTo(1);

        order(jdbc, id, "ACCEPTED", customer, JAPAN, 1);
        HttpResponse<String> applied = post(url("/ops/quarantine/" + quarantineId + "/apply"), BEARER, null);

        assertThat(applied.statusCode()).isEqualTo(200);
        assertThat(json(applied).path("outcome").asText()).isEqualTo("applied");
        assertThat(json(applied).path("applied_at").asText()).isNotBlank();
        assertThat(applied.body()).doesNotContain("ACT-" + topupId);
        assertThat(jdbc.queryForObject("SELECT status FROM esim_items WHERE topup_id = ?", String.class, topupId))
                .isEqualTo("DELIVERED");
        assertThat(status(id)).isEqualTo("COMPLETED");
        await().untilAsserted(() -> assertThat(messagesTo(customer)).hasSize(1));
        assertThat(emailStatus(topupId)).isEqualTo("SENT");
        assertThat(find(json(get(url("/ops/quarantine"), BEARER)), "id", String.valueOf(quarantineId))).isNull();
        assertThat(find(json(get(url("/ops/quarantine?all=true"), BEARER)), "id", String.valueOf(quarantineId)))
                .isNotNull();

        HttpResponse<String> twice = post(url("/ops/quarantine/" + quarantineId + "/apply"), BEARER, null);

        assertThat(twice.statusCode()).isEqualTo(409);
        assertThat(json(twice).path("error").asText()).contains("already applied");
        assertThat(post(url("/ops/quarantine/999999999/apply"), BEARER, null).statusCode()).isEqualTo(404);
        assertThat(post(url("/ops/quarantine/abc/apply"), BEARER, null).statusCode()).isEqualTo(404);
    }

    // --- overdue ---

    @Test
    void anAcceptedOrderMissingEsimsBecomesOverdueAfterTheDelay() {
        String id = orderId("LATE");
        String received = topupId();
        String missing = topupId();
        order(jdbc, id, "ACCEPTED", null, JAPAN, 2);
        jdbc.update("INSERT INTO esim_items (topup_id, external_order_id, option_id, status) VALUES (?, ?, ?, 'DELIVERED')",
                received, id, JAPAN);
        jdbc.update("INSERT INTO esim_items (topup_id, external_order_id, option_id, status) VALUES (?, ?, ?, 'ORDERED')",
                missing, id, JAPAN);
        String complete = orderId("ONTIME");
        order(jdbc, complete, "COMPLETED", null, JAPAN, 1);
        jdbc.update("UPDATE order_history SET changed_at = changed_at - INTERVAL '1' HOUR WHERE external_order_id = ?",
                complete);

        assertThat(find(json(get(url("/ops/overdue"), BEARER)), "external_order_id", id)).isNull();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode late = find(json(get(url("/ops/overdue"), BEARER)), "external_order_id", id);
            assertThat(late).isNotNull();
            assertThat(late.path("accepted_at").asText()).isNotBlank();
            assertThat(late.path("esims_ordered").asInt()).isEqualTo(2);
            assertThat(late.path("esims_received").asInt()).isEqualTo(1);
            assertThat(late.path("topup_ids")).extracting(JsonNode::asText).containsExactlyInAnyOrder(received, missing);
        });
        assertThat(find(json(get(url("/ops/overdue"), BEARER)), "external_order_id", complete)).isNull();
    }

    @Test
    void theOverdueListIsBoundedByItsLimit() {
        for (String id : List.of(orderId("LATE-A"), orderId("LATE-B"))) {
            order(jdbc, id, "ACCEPTED", null, JAPAN, 1);
            jdbc.update("UPDATE order_history SET changed_at = changed_at - INTERVAL '1' HOUR WHERE external_order_id = ?",
                    id);
        }

        assertThat(json(get(url("/ops/overdue?limit=1"), BEARER))).hasSize(1);
        assertThat(json(get(url("/ops/overdue"), BEARER)).size()).isGreaterThanOrEqualTo(2);
        assertThat(get(url("/ops/overdue?limit=501"), BEARER).statusCode()).isEqualTo(400);
    }

    // --- helpers ---

    private static OrderOutcome submit(String id, String email, int qty) {
        Order order = new Order(id, List.of(new Order.OrderProduct(JAPAN, qty)), new Order.Customer(email, "Ana"),
                Order.OrderSource.file("ops.csv", "7"));
        return app.template().requestBody("direct:submit-order", order, OrderOutcome.class);
    }

    static String url(String path) {
        return app.baseUrl() + path;
    }

    private static String status(String id) {
        return jdbc.queryForObject("SELECT status FROM orders WHERE external_order_id = ?", String.class, id);
    }

    private static String emailStatus(String topupId) {
        return jdbc.queryForObject("SELECT status FROM mail_outbox WHERE topup_id = ?", String.class, topupId);
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode node : array) {
            if (node.path(field).asText().equals(value)) {
                return node;
            }
        }
        return null;
    }

    private static List<MimeMessage> messagesTo(String address) {
        return Arrays.stream(smtp.getReceivedMessages()).filter(message -> {
            try {
                return Arrays.stream(message.getRecipients(Message.RecipientType.TO))
                        .anyMatch(to -> to.toString().equals(address));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }
}
