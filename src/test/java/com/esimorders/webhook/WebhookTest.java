package com.esimorders.webhook;

import static com.esimorders.webhook.Webhooks.EUROPE;
import static com.esimorders.webhook.Webhooks.JAPAN;
import static com.esimorders.webhook.Webhooks.JAPAN_NAME;
import static com.esimorders.webhook.Webhooks.count;
import static com.esimorders.webhook.Webhooks.json;
import static com.esimorders.webhook.Webhooks.lpa;
import static com.esimorders.webhook.Webhooks.order;
import static com.esimorders.webhook.Webhooks.orderId;
import static com.esimorders.webhook.Webhooks.orderedItem;
import static com.esimorders.webhook.Webhooks.post;
import static com.esimorders.webhook.Webhooks.topupId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.esimorders.mail.QrDecoder;
import com.esimorders.LogCapture;
import com.esimorders.TestApp;
import com.esimorders.order.OrderOutcome;
import com.esimorders.order.OrderStatus;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import com.esimorders.order.Order;
import org.springframework.jdbc.core.JdbcTemplate;

/** The webhook endpoint over real HTTP, with the emails sent to a real SMTP server (GreenMail, with authentication). */
@Tag("database")
class WebhookTest {

    private static String orderStatus(String orderId) {
        return jdbc.queryForObject("SELECT status FROM orders WHERE external_order_id = ?", String.class, orderId);
    }

    private static Map<String, Object> lastHistory(String orderId) {
        return jdbc.queryForList("SELECT from_status, to_status, detail FROM order_history WHERE external_order_id = ?"
                + " ORDER BY id DESC", orderId).get(0);
    }

    private static final String TOKEN = "test-token-9f2c";
    private static final String SMTP_PASSWORD = "smtp-secret-4711";
    private static final String OPS = "ops@reseller.example";

    private static GreenMail smtp;
    private static TestApp app;
    private static JdbcTemplate jdbc;
    private static LogCapture logs;
    private static final List<OrderOutcome> publishedEvents = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        logs = LogCapture.attach();
        smtp = new GreenMail(new ServerSetup(TestApp.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.setUser("esim-sender", SMTP_PASSWORD);
        smtp.start();
        app = TestApp.start(Map.ofEntries(
                Map.entry("esim.webhook.token", TOKEN),
                Map.entry("esim.mail.mode", "smtp"),
                Map.entry("esim.smtp.host", "127.0.0.1"),
                Map.entry("esim.smtp.port", String.valueOf(smtp.getSmtp().getPort())),
                Map.entry("esim.smtp.security", "none"),
                Map.entry("esim.smtp.user", "esim-sender"),
                Map.entry("esim.smtp.password", SMTP_PASSWORD),
                Map.entry("esim.mail.from", "eSIM Shop <shop@reseller.example>"),
                Map.entry("esim.mail.ops.to", OPS),
                Map.entry("esim.mail.poll-interval", "200"),
                Map.entry("esim.mail.retry-initial-delay", "200")));
        jdbc = app.jdbc();
        // records what reaches the intake's publish-order-event route (which publishes for queue orders only)
        AdviceWith.adviceWith(app.context(), "publish-order-event", route -> route.weaveAddFirst()
                .process(exchange -> publishedEvents.add(exchange.getMessage().getBody(OrderOutcome.class))));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
        if (logs != null) {
            logs.close();
        }
    }

    @Test
    void validWebhookStoresTheEsimCompletesTheOrderAndEmailsTheCustomer() throws Exception {
        String orderId = orderId();
        String topupId = topupId();
        String customer = "ana." + orderId.toLowerCase() + "@customer.example";
        order(jdbc, orderId, "ACCEPTED", customer, "QUEUE", JAPAN, 1);
        orderedItem(jdbc, topupId, orderId, JAPAN);

        HttpResponse<String> response = post(app, TOKEN, json(topupId, orderId, JAPAN));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"applied\"}");
        Map<String, Object> item = jdbc.queryForMap("SELECT * FROM esim_items WHERE topup_id = ?", topupId);
        assertThat(item).containsEntry("STATUS", "DELIVERED").containsEntry("ICCID", Webhooks.iccid(topupId))
                .containsEntry("SMDP", "smdp.example.com").containsEntry("ACTIVATION_CODE", "ACT-" + topupId)
                .containsEntry("DOWNLOAD_LINK", lpa(topupId));
        assertThat(item.get("EXPIRED_DATE").toString()).isEqualTo("2031-12-31");
        assertThat(jdbc.queryForList("SELECT outcome FROM webhook_events WHERE topup_id = ?", String.class, topupId))
                .containsExactly("APPLIED");
        assertThat(jdbc.queryForObject("SELECT status FROM orders WHERE external_order_id = ?", String.class, orderId))
                .isEqualTo("COMPLETED");
        assertThat(jdbc.queryForList("SELECT from_status || '>' || to_status FROM order_history WHERE external_order_id = ?",
                String.class, orderId)).containsExactly("ACCEPTED>COMPLETED");
        assertThat(publishedEvents).contains(
                new OrderOutcome(orderId, OrderStatus.COMPLETED, false, List.of(topupId), List.of()));

        MimeMessage mail = awaitOneMessageTo(customer);
        await().untilAsserted(() -> assertThat(outboxStatus(topupId)).isEqualTo("SENT"));
        assertThat(jdbc.queryForObject("SELECT recipient FROM mail_outbox WHERE topup_id = ?", String.class, topupId))
                .isEqualTo(customer);

        assertThat(mail.getSubject()).isEqualTo("Your eSIM is ready: " + JAPAN_NAME);
        assertThat(mail.getFrom()).containsExactly(new InternetAddress("eSIM Shop <shop@reseller.example>"));
        assertThat(mail.getMessageID()).isEqualTo("<esim-" + topupId + "@esim-orders>");
        assertThat(mail.getContentType()).startsWith("multipart/alternative");
        MimeMultipart alternative = (MimeMultipart) mail.getContent();
        assertThat(alternative.getCount()).isEqualTo(2);
        BodyPart text = alternative.getBodyPart(0);
        assertThat(text.getContentType()).startsWith("text/plain").containsIgnoringCase("charset=UTF-8");
        assertThat(alternative.getBodyPart(1).getContentType()).startsWith("multipart/related");
        MimeMultipart related = (MimeMultipart) alternative.getBodyPart(1).getContent();
        assertThat(related.getCount()).isEqualTo(2);
        BodyPart html = related.getBodyPart(0);
        BodyPart qr = related.getBodyPart(1);
        assertThat(html.getContentType()).startsWith("text/html").containsIgnoringCase("charset=UTF-8");
        assertThat(qr.getContentType()).startsWith("image/png");
        assertThat(qr.getDisposition()).isEqualTo(Part.INLINE);
        String contentId = ((jakarta.mail.internet.MimeBodyPart) qr).getContentID();
        assertThat(contentId).isEqualTo("<qr-" + topupId + "@esim-orders>");

        String iosLink = "https://esimsetup.apple.com/esim_qrcode_provisioning?carddata="
                + URLEncoder.encode(lpa(topupId), StandardCharsets.UTF_8);
        String plain = (String) text.getContent();
        assertThat(plain).contains("Hello Ana Müller,", JAPAN_NAME, Webhooks.iccid(topupId), "smdp.example.com",
                "ACT-" + topupId, iosLink, "2031-12-31", orderId);
        String page = (String) html.getContent();
        assertThat(page).contains("src=\"cid:qr-" + topupId + "@esim-orders\"", JAPAN_NAME, Webhooks.iccid(topupId),
                "smdp.example.com", "ACT-" + topupId, iosLink.replace("&", "&amp;"), "2031-12-31", orderId)
                .doesNotContain("cdn.example.com");
        assertThat(QrDecoder.decode(bytes(qr))).isEqualTo(lpa(topupId));
    }

    @Test
    void wrongOrMissingTokenGets404AndStoresNothing() {
        String orderId = orderId();
        String topupId = topupId();
        order(jdbc, orderId, "ACCEPTED", "c@customer.example", "FILE", JAPAN, 1);
        orderedItem(jdbc, topupId, orderId, JAPAN);
        String body = json(topupId, orderId, JAPAN);

        HttpResponse<String> wrong = post(app, "not-the-token", body);
        HttpResponse<String> prefix = post(app, TOKEN.substring(0, 4), body);
        HttpResponse<String> missing = post(app, "", body);
        HttpResponse<String> getWithWrongToken = Webhooks.get(app, "/webhooks/esim/not-the-token");

        for (HttpResponse<String> response : List.of(wrong, prefix, missing, getWithWrongToken)) {
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.body()).doesNotContain(TOKEN).doesNotContain("webhook");
        }
        assertThat(logs.text()).contains("webhook with a wrong token from 127.0.0.1:").doesNotContain("not-the-token");
        assertThat(Webhooks.get(app, "/observe/metrics").body())
                .containsPattern("esim_webhooks_rejected_total\\{[^}]*} [3-9]");

        assertThat(jdbc.queryForObject("SELECT status FROM esim_items WHERE topup_id = ?", String.class, topupId))
                .isEqualTo("ORDERED");
        assertThat(count(jdbc, "webhook_events", topupId)).isZero();
        assertThat(count(jdbc, "webhook_quarantine", topupId)).isZero();
        assertThat(count(jdbc, "mail_outbox", topupId)).isZero();
    }

    @Test
    void bodyThatIsNotJsonIsKeptRawInQuarantineAndAnswered200() {
        HttpResponse<String> response = post(app, TOKEN, "topup_id=1&iccid=2");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"status\":\"quarantined\",\"reason\":\"body is not valid JSON\"}");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM webhook_quarantine WHERE payload = ? AND reason = ?",
                Integer.class, "topup_id=1&iccid=2", "body is not valid JSON")).isEqualTo(1);
    }

    @Test
    void aNulCharacterIsQuarantinedNotRefusedByTheDatabase() {
        // PostgreSQL cannot store NUL in text: without a quarantine every retry of the provider would get 503
        String orderId = orderId();
        order(jdbc, orderId, "ACCEPTED", "nul@customer.example", "FILE", JAPAN, 1);
        String escaped = topupId();
        String raw = topupId();

        assertThat(post(app, TOKEN, json(escaped, orderId, JAPAN).replace("\"smdp.example.com\"",
                "\"smdp\\u0000.example.com\"")).body())
                .isEqualTo("{\"status\":\"quarantined\",\"reason\":\"smdp contains a NUL character\"}");
        String withNulByte = json(raw, orderId, JAPAN).replace("smdp.example.com", "smdp\0.example.com");
        assertThat(post(app, TOKEN, withNulByte).body())
                .isEqualTo("{\"status\":\"quarantined\",\"reason\":\"body is not valid JSON\"}");

        assertThat(jdbc.queryForObject("SELECT reason FROM webhook_quarantine WHERE topup_id = ?", String.class,
                escaped)).isEqualTo("smdp contains a NUL character");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM webhook_quarantine WHERE payload = ?", Integer.class,
                withNulByte.replace("\0", "\\u0000"))).isEqualTo(1);
        assertThat(count(jdbc, "esim_items", escaped) + count(jdbc, "esim_items", raw)).isZero();
    }

    @Test
    void harmlessDifferencesAreAppliedAndTheRestIsQuarantinedNamingTheField() {
        String orderId = orderId();
        order(jdbc, orderId, "ACCEPTED", "lenient@customer.example", "FILE", JAPAN, 3);
        String asNumber = "1" + topupId().substring(1); // a JSON number has no leading zeros
        String withNulls = topupId();
        String withoutIccid = topupId();
        String badDate = topupId();
        String notDigits = topupId();

        // a number for a string, an extra field, null optional fields: stored normally
        assertThat(post(app, TOKEN, json(asNumber, orderId, JAPAN).replace("\"" + asNumber + "\"", asNumber)
                .replaceFirst("\\{", "{\"new_field\":{\"x\":1},"))).satisfies(response -> {
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.body()).isEqualTo("{\"status\":\"applied\"}");
                });
        assertThat(post(app, TOKEN, json(withNulls, orderId, JAPAN).replace("\"2031-12-31\"", "null")
                .replaceAll("\"qrcode_img_url\":\"[^\"]+\"", "\"qrcode_img_url\":null")).body())
                .isEqualTo("{\"status\":\"applied\"}");
        assertThat(jdbc.queryForMap("SELECT status, expired_date, qrcode_img_url FROM esim_items WHERE topup_id = ?",
                withNulls)).containsEntry("STATUS", "DELIVERED").containsEntry("EXPIRED_DATE", null)
                .containsEntry("QRCODE_IMG_URL", null);
        assertThat(count(jdbc, "esim_items", asNumber)).isEqualTo(1);

        // anything else: kept raw in quarantine with the reason, answered 200
        assertThat(post(app, TOKEN, json(withoutIccid, orderId, JAPAN).replaceAll("\"iccid\":\"[0-9]+\",", "")).body())
                .isEqualTo("{\"status\":\"quarantined\",\"reason\":\"iccid is missing\"}");
        assertThat(post(app, TOKEN, json(badDate, orderId, JAPAN).replace("2031-12-31", "31.12.2031")).body())
                .contains("quarantined", "expired_date must be a date as yyyy-MM-dd");
        String lettersInTopupId = json(notDigits, orderId, JAPAN).replace(notDigits, "12ab");
        assertThat(post(app, TOKEN, lettersInTopupId).body()).contains("quarantined", "topup_id must be 1 to 26 digits");
        assertThat(jdbc.queryForObject("SELECT reason FROM webhook_quarantine WHERE topup_id = ?", String.class,
                withoutIccid)).isEqualTo("iccid is missing");
        assertThat(count(jdbc, "webhook_quarantine", badDate)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM webhook_quarantine WHERE payload = ?", Integer.class,
                lettersInTopupId)).isEqualTo(1);
        assertThat(count(jdbc, "esim_items", withoutIccid) + count(jdbc, "esim_items", badDate)).isZero();
        assertThat(count(jdbc, "mail_outbox", withoutIccid)).isZero();
        assertThat(logs.text()).contains("webhook for topup_id " + withoutIccid + " quarantined: iccid is missing");
    }

    @Test
    void blankOptionalFieldsAndAnOverlongQrcodeUrlAreStoredAsMissingAndEmailed() throws Exception {
        String orderId = orderId();
        String email = "blank-fields@customer.example";
        order(jdbc, orderId, "ACCEPTED", email, "FILE", JAPAN, 3);
        String blankQrcode = topupId();
        String blankDate = topupId();
        String longQrcode = topupId();
        orderedItem(jdbc, blankQrcode, orderId, JAPAN);
        orderedItem(jdbc, blankDate, orderId, JAPAN);
        orderedItem(jdbc, longQrcode, orderId, JAPAN);
        // a pre-signed CDN address, longer than the 1,000 characters of its column
        String signed = "https://cdn.example.com/qr/" + longQrcode + ".png?X-Amz-Security-Token=" + "A".repeat(1100);

        assertThat(post(app, TOKEN, json(blankQrcode, orderId, JAPAN)
                .replaceAll("\"qrcode_img_url\":\"[^\"]+\"", "\"qrcode_img_url\":\"\"")).body())
                .isEqualTo("{\"status\":\"applied\"}");
        assertThat(post(app, TOKEN, json(blankDate, orderId, JAPAN).replace("\"2031-12-31\"", "\"\"")).body())
                .isEqualTo("{\"status\":\"applied\"}");
        String longBody = json(longQrcode, orderId, JAPAN)
                .replaceAll("\"qrcode_img_url\":\"[^\"]+\"", "\"qrcode_img_url\":\"" + signed + "\"");
        assertThat(post(app, TOKEN, longBody).body()).isEqualTo("{\"status\":\"applied\"}");

        assertThat(jdbc.queryForMap("SELECT status, qrcode_img_url FROM esim_items WHERE topup_id = ?", blankQrcode))
                .containsEntry("STATUS", "DELIVERED").containsEntry("QRCODE_IMG_URL", null);
        assertThat(jdbc.queryForMap("SELECT status, expired_date FROM esim_items WHERE topup_id = ?", blankDate))
                .containsEntry("STATUS", "DELIVERED").containsEntry("EXPIRED_DATE", null);
        assertThat(jdbc.queryForMap("SELECT status, qrcode_img_url FROM esim_items WHERE topup_id = ?", longQrcode))
                .containsEntry("STATUS", "DELIVERED").containsEntry("QRCODE_IMG_URL", null);
        assertThat(jdbc.queryForObject("SELECT payload FROM webhook_events WHERE topup_id = ?", String.class,
                longQrcode)).isEqualTo(longBody);
        assertThat(orderStatus(orderId)).isEqualTo("COMPLETED");
        await().untilAsserted(() -> assertThat(messagesTo(email)).hasSize(3));
    }

    @Test
    void aWebhookQuarantinedForABlankOptionalFieldBeforeTheFixIsAppliedAgain() throws Exception {
        String orderId = orderId();
        String topupId = topupId();
        String email = "blank-quarantined@customer.example";
        order(jdbc, orderId, "ACCEPTED", email, "FILE", JAPAN, 1);
        orderedItem(jdbc, topupId, orderId, JAPAN);
        // the row the quarantine wrote when a blank optional field was refused
        jdbc.update("INSERT INTO webhook_quarantine (reason, topup_id, external_order_id, payload) VALUES (?, ?, ?, ?)",
                "qrcode_img_url must be a non-empty string", topupId, orderId, json(topupId, orderId, JAPAN)
                        .replaceAll("\"qrcode_img_url\":\"[^\"]+\"", "\"qrcode_img_url\":\"\""));
        long id = jdbc.queryForObject("SELECT id FROM webhook_quarantine WHERE topup_id = ?", Long.class, topupId);

        assertThat(app.template().requestBody("direct:apply-quarantined-webhook", id, String.class))
                .isEqualTo("{\"status\":\"applied\"}");

        assertThat(jdbc.queryForObject("SELECT status FROM esim_items WHERE topup_id = ?", String.class, topupId))
                .isEqualTo("DELIVERED");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM webhook_quarantine WHERE id = ? AND applied_at IS NOT NULL",
                Integer.class, id)).isEqualTo(1);
        await().untilAsserted(() -> assertThat(messagesTo(email)).hasSize(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"RECEIVED", "SENDING", "ACCEPTED", "REJECTED", "FAILED"})
    void aWebhookForAnOrderWeHoldIsAppliedWhateverTheOrdersState(String state) throws Exception {
        String orderId = orderId();
        String first = topupId();
        String second = topupId();
        String email = "state-" + state.toLowerCase() + "@customer.example";
        order(jdbc, orderId, state, email, "FILE", JAPAN, 2);

        assertThat(post(app, TOKEN, json(first, orderId, JAPAN)).body()).isEqualTo("{\"status\":\"applied\"}");

        assertThat(orderStatus(orderId)).isEqualTo("ACCEPTED");
        if (!"ACCEPTED".equals(state)) {
            assertThat(lastHistory(orderId)).containsEntry("FROM_STATUS", state).containsEntry("TO_STATUS", "ACCEPTED")
                    .containsEntry("DETAIL", "a webhook shows the provider took the order");
        }

        assertThat(post(app, TOKEN, json(second, orderId, JAPAN)).body()).isEqualTo("{\"status\":\"applied\"}");

        assertThat(orderStatus(orderId)).isEqualTo("COMPLETED");
        // the rows, not their id order: CI once saw H2 list the COMPLETED row before the ACCEPTED one by id
        assertThat(jdbc.queryForList("SELECT from_status, to_status FROM order_history WHERE external_order_id = ?"
                + " AND to_status IN ('ACCEPTED', 'COMPLETED')", orderId).stream()
                .map(row -> row.get("FROM_STATUS") + "->" + row.get("TO_STATUS")).toList())
                .containsExactlyInAnyOrderElementsOf("ACCEPTED".equals(state) ? List.of("ACCEPTED->COMPLETED")
                        : List.of(state + "->ACCEPTED", "ACCEPTED->COMPLETED"));
        await().untilAsserted(() -> assertThat(messagesTo(email)).hasSize(2));
    }

    @Test
    void aWebhookThatCameBeforeItsOrderWasRecordedIsAppliedWhenTheOrderIsRecorded() throws Exception {
        String orderId = orderId();
        String topupId = topupId();
        String email = "late-record@customer.example";

        assertThat(post(app, TOKEN, json(topupId, orderId, JAPAN)).body()).contains("quarantined");

        OrderOutcome outcome = app.template().requestBody("direct:submit-order", new Order(orderId,
                List.of(new Order.OrderProduct(JAPAN, 1)), new Order.Customer(email, "Late"),
                Order.OrderSource.file("late.csv", "2")), OrderOutcome.class);

        // the webhook proves the provider took the order: nothing is sent, the order is complete
        assertThat(outcome.status()).isEqualTo(OrderStatus.COMPLETED);
        assertThat(outcome.topupIds()).containsExactly(topupId);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM sandbox_orders WHERE external_order_id = ?", Integer.class,
                orderId)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM webhook_quarantine WHERE topup_id = ? AND applied_at IS NOT NULL",
                Integer.class, topupId)).isEqualTo(1);
        assertThat(lastHistory(orderId)).containsEntry("FROM_STATUS", "RECEIVED").containsEntry("TO_STATUS", "COMPLETED");
        await().untilAsserted(() -> assertThat(messagesTo(email)).hasSize(1));
    }

    @Test
    void bodyOverTheLimitGets413() {
        String orderId = orderId();
        String topupId = topupId();
        String padded = json(topupId, orderId, JAPAN).replace("{", "{\"padding\":\"" + "x".repeat(65_536) + "\",");

        HttpResponse<String> response = post(app, TOKEN, padded);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(count(jdbc, "webhook_quarantine", topupId)).isZero();
    }

    @Test
    void unknownTopupIdIsQuarantinedCountedAndNeverEmailed() {
        String topupId = topupId();
        String strangerOrder = orderId();

        HttpResponse<String> response = post(app, TOKEN, json(topupId, strangerOrder, JAPAN));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"quarantined\",\"reason\":\""
                + WebhookClassifier.UNKNOWN_ORDER + "\"}");
        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM webhook_quarantine WHERE topup_id = ?", topupId);
        assertThat(row).containsEntry("EXTERNAL_ORDER_ID", strangerOrder)
                .containsEntry("REASON", WebhookClassifier.UNKNOWN_ORDER);
        assertThat((String) row.get("PAYLOAD")).contains(topupId, "activate_code");
        assertThat(count(jdbc, "esim_items", topupId)).isZero();
        assertThat(count(jdbc, "mail_outbox", topupId)).isZero();
        assertThat(count(jdbc, "webhook_events", topupId)).isZero();
        assertThat(Webhooks.get(app, "/observe/metrics").body()).containsPattern("esim_webhooks_quarantined_total\\{[^}]*} [1-9]");
    }

    @Test
    void webhookForAnOptionTheOrderDoesNotHaveIsQuarantined() {
        String orderId = orderId();
        String topupId = topupId();
        order(jdbc, orderId, "ACCEPTED", "x@customer.example", "FILE", JAPAN, 1);

        HttpResponse<String> response = post(app, TOKEN, json(topupId, orderId, EUROPE));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\":\"quarantined\"");
        assertThat(jdbc.queryForObject("SELECT reason FROM webhook_quarantine WHERE topup_id = ?", String.class, topupId))
                .isEqualTo("unknown topup_id and option_id is not part of the order");
        assertThat(count(jdbc, "esim_items", topupId)).isZero();
    }

    @Test
    void sameWebhookTwiceStoresOneEsimAndSendsOneEmail() throws Exception {
        String orderId = orderId();
        String topupId = topupId();
        String customer = "dup." + orderId.toLowerCase() + "@customer.example";
        order(jdbc, orderId, "ACCEPTED", customer, "FILE", JAPAN, 2);
        orderedItem(jdbc, topupId, orderId, JAPAN);
        String body = json(topupId, orderId, JAPAN);

        HttpResponse<String> first = post(app, TOKEN, body);
        HttpResponse<String> second = post(app, TOKEN, body);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).isEqualTo("{\"status\":\"duplicate\"}");
        assertThat(jdbc.queryForList("SELECT outcome FROM webhook_events WHERE topup_id = ? ORDER BY id", String.class,
                topupId)).containsExactly("APPLIED", "DUPLICATE");
        assertThat(count(jdbc, "esim_items", topupId)).isEqualTo(1);
        assertThat(count(jdbc, "mail_outbox", topupId)).isEqualTo(1);
        awaitOneMessageTo(customer);
        await().untilAsserted(() -> assertThat(outboxStatus(topupId)).isEqualTo("SENT"));
        // one of two units arrived: the order is not complete
        assertThat(jdbc.queryForObject("SELECT status FROM orders WHERE external_order_id = ?", String.class, orderId))
                .isEqualTo("ACCEPTED");
        await().during(Duration.ofMillis(800)).untilAsserted(() -> assertThat(messagesTo(customer)).hasSize(1));
    }

    @Test
    void identicalWebhooksAtOnceStoreOneEsimAndSendOneEmail() throws Exception {
        String orderId = orderId();
        String topupId = topupId();
        String customer = "race." + orderId.toLowerCase() + "@customer.example";
        order(jdbc, orderId, "ACCEPTED", customer, "FILE", JAPAN, 1);
        String body = json(topupId, orderId, JAPAN);

        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<HttpResponse<String>>> responses = pool.invokeAll(
                    java.util.Collections.nCopies(6, () -> post(app, TOKEN, body)));
            for (Future<HttpResponse<String>> response : responses) {
                assertThat(response.get().statusCode()).isEqualTo(200);
            }
        } finally {
            pool.shutdown();
        }

        assertThat(count(jdbc, "esim_items", topupId)).isEqualTo(1);
        assertThat(count(jdbc, "mail_outbox", topupId)).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT outcome FROM webhook_events WHERE topup_id = ?", String.class, topupId))
                .containsExactlyInAnyOrder("APPLIED", "DUPLICATE", "DUPLICATE", "DUPLICATE", "DUPLICATE", "DUPLICATE");
        awaitOneMessageTo(customer);
        await().during(Duration.ofMillis(800)).untilAsserted(() -> assertThat(messagesTo(customer)).hasSize(1));
    }

    @Test
    void secondWebhookWithDifferentDataIsKeptForReviewNotApplied() {
        String orderId = orderId();
        String topupId = topupId();
        order(jdbc, orderId, "ACCEPTED", "conflict@customer.example", "FILE", JAPAN, 1);
        orderedItem(jdbc, topupId, orderId, JAPAN);
        post(app, TOKEN, json(topupId, orderId, JAPAN));

        HttpResponse<String> changed = post(app, TOKEN, json(topupId, orderId, JAPAN, "8900000000000000000"));

        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.body()).isEqualTo("{\"status\":\"conflict\"}");
        assertThat(jdbc.queryForObject("SELECT iccid FROM esim_items WHERE topup_id = ?", String.class, topupId))
                .isEqualTo(Webhooks.iccid(topupId));
        assertThat(jdbc.queryForList("SELECT outcome FROM webhook_events WHERE topup_id = ? ORDER BY id", String.class,
                topupId)).containsExactly("APPLIED", "CONFLICT");
        assertThat(jdbc.queryForObject("SELECT payload FROM webhook_events WHERE topup_id = ? AND outcome = 'CONFLICT'",
                String.class, topupId)).contains("8900000000000000000");
        assertThat(count(jdbc, "mail_outbox", topupId)).isEqualTo(1);
        assertThat(logs.text()).contains("differs from the stored eSIM in [iccid]");
    }

    @Test
    void webhookBeforeTheOrderResponseIsStoredAndKeptWhenTheResponseArrives() throws Exception {
        String orderId = orderId();
        String first = topupId();
        String second = topupId();
        String third = topupId();
        order(jdbc, orderId, "SENDING", null, "QUEUE", JAPAN, 2);

        HttpResponse<String> early = post(app, TOKEN, json(first, orderId, JAPAN));

        assertThat(early.statusCode()).isEqualTo(200);
        assertThat(jdbc.queryForObject("SELECT status FROM esim_items WHERE topup_id = ?", String.class, first))
                .isEqualTo("DELIVERED");
        // the order's response arrives: the submission code inserts its items only if not already there
        for (String topupId : List.of(first, second)) {
            jdbc.update("INSERT INTO esim_items (topup_id, external_order_id, option_id, status) SELECT ?, ?, ?, 'ORDERED'"
                    + " FROM orders WHERE external_order_id = ? AND NOT EXISTS (SELECT 1 FROM esim_items WHERE topup_id = ?)",
                    topupId, orderId, JAPAN, orderId, topupId);
        }
        jdbc.update("UPDATE orders SET status = 'ACCEPTED' WHERE external_order_id = ?", orderId);
        assertThat(jdbc.queryForObject("SELECT status FROM esim_items WHERE topup_id = ?", String.class, first))
                .isEqualTo("DELIVERED");

        // a third eSIM for an option ordered twice is not ours
        assertThat(post(app, TOKEN, json(third, orderId, JAPAN)).body()).contains("\"status\":\"quarantined\"");
        assertThat(post(app, TOKEN, json(second, orderId, JAPAN)).statusCode()).isEqualTo(200);

        assertThat(jdbc.queryForObject("SELECT status FROM orders WHERE external_order_id = ?", String.class, orderId))
                .isEqualTo("COMPLETED");
        assertThat(publishedEvents).contains(
                new OrderOutcome(orderId, OrderStatus.COMPLETED, false, List.of(first, second), List.of()));
        // no customer email: both go to operations
        await().untilAsserted(() -> assertThat(messagesTo(OPS).stream().filter(m -> subjectOrderReference(m, orderId)))
                .hasSize(2));
        assertThat(jdbc.queryForList("SELECT recipient FROM mail_outbox WHERE topup_id IN (?, ?)", String.class, first,
                second)).containsOnly(OPS);
    }

    @Test
    void failureInsideTheTransactionLeavesNothingWrittenAndTheRetrySucceeds() throws Exception {
        String orderId = orderId();
        String topupId = topupId();
        String customer = "rollback." + orderId.toLowerCase() + "@customer.example";
        order(jdbc, orderId, "ACCEPTED", customer, "FILE", JAPAN, 1);
        orderedItem(jdbc, topupId, orderId, JAPAN);
        // the mail_outbox insert (after the eSIM update and the webhook_events insert) fails for this recipient
        jdbc.execute("ALTER TABLE mail_outbox ADD CONSTRAINT test_refuse_recipient CHECK (recipient <> '" + customer + "')");
        HttpResponse<String> refused;
        try {
            refused = post(app, TOKEN, json(topupId, orderId, JAPAN));
        } finally {
            jdbc.execute("ALTER TABLE mail_outbox DROP CONSTRAINT test_refuse_recipient");
        }

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(jdbc.queryForMap("SELECT status, iccid FROM esim_items WHERE topup_id = ?", topupId))
                .containsEntry("STATUS", "ORDERED").containsEntry("ICCID", null);
        assertThat(count(jdbc, "webhook_events", topupId)).isZero();
        assertThat(count(jdbc, "mail_outbox", topupId)).isZero();
        assertThat(jdbc.queryForObject("SELECT status FROM orders WHERE external_order_id = ?", String.class, orderId))
                .isEqualTo("ACCEPTED");

        HttpResponse<String> retry = post(app, TOKEN, json(topupId, orderId, JAPAN));

        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(jdbc.queryForObject("SELECT status FROM orders WHERE external_order_id = ?", String.class, orderId))
                .isEqualTo("COMPLETED");
        awaitOneMessageTo(customer);
    }

    @Test
    void inboundHeadersNeverReachTheEmail() throws Exception {
        String orderId = orderId();
        String topupId = topupId();
        String customer = "headers." + orderId.toLowerCase() + "@customer.example";
        order(jdbc, orderId, "ACCEPTED", customer, "FILE", JAPAN, 1);
        orderedItem(jdbc, topupId, orderId, JAPAN);

        HttpResponse<String> response = post(app, TOKEN, json(topupId, orderId, JAPAN),
                "To", "attacker@evil.example", "Bcc", "attacker@evil.example", "Subject", "injected",
                "mail.smtp.host", "evil.example", "CamelFileName", "../../escape.eml");

        assertThat(response.statusCode()).isEqualTo(200);
        MimeMessage mail = awaitOneMessageTo(customer);
        assertThat(mail.getAllRecipients()).extracting(Object::toString).containsExactly(customer);
        assertThat(mail.getSubject()).isNotEqualTo("injected");
        assertThat(messagesTo("attacker@evil.example")).isEmpty();
        assertThat(response.headers().map().keySet()).noneMatch(name -> name.equalsIgnoreCase("To")
                || name.equalsIgnoreCase("order") || name.equalsIgnoreCase("outcome"));
    }

    @Test
    void secretsAndActivationCodesNeverReachTheLog() {
        String orderId = orderId();
        String topupId = topupId();
        order(jdbc, orderId, "ACCEPTED", "log@customer.example", "FILE", JAPAN, 1);
        orderedItem(jdbc, topupId, orderId, JAPAN);
        post(app, TOKEN, json(topupId, orderId, JAPAN));
        post(app, TOKEN, json(topupId, orderId, JAPAN, "8900000000000000001"));
        post(app, TOKEN, json(topupId(), orderId(), JAPAN));
        await().untilAsserted(() -> assertThat(outboxStatus(topupId)).isEqualTo("SENT"));

        assertThat(logs.text()).contains(topupId).doesNotContain(TOKEN).doesNotContain(SMTP_PASSWORD)
                .doesNotContain("ACT-");
    }

    private static boolean subjectOrderReference(MimeMessage message, String orderId) {
        try {
            return message.getContent() instanceof MimeMultipart multipart
                    && ((String) multipart.getBodyPart(0).getContent()).contains(orderId);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static MimeMessage awaitOneMessageTo(String recipient) throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> messagesTo(recipient).size() >= 1);
        List<MimeMessage> messages = messagesTo(recipient);
        assertThat(messages).hasSize(1);
        return messages.get(0);
    }

    static List<MimeMessage> messagesTo(String recipient) throws Exception {
        return Arrays.stream(smtp.getReceivedMessages()).filter(message -> {
            try {
                return Arrays.stream(message.getRecipients(Message.RecipientType.TO))
                        .anyMatch(address -> address.toString().contains(recipient));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private static String outboxStatus(String topupId) {
        return jdbc.queryForObject("SELECT status FROM mail_outbox WHERE topup_id = ?", String.class, topupId);
    }

    private static byte[] bytes(BodyPart part) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        part.getDataHandler().writeTo(out);
        return out.toByteArray();
    }
}
