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
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** The webhook endpoint over real HTTP, with the emails sent to a real SMTP server (GreenMail, with authentication). */
@Tag("database")
class WebhookTest {

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
        // stands in for the intake's publish-order-event route (not on this branch)
        app.context().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:publish-order-event").routeId("test-publish-order-event")
                        .process(exchange -> publishedEvents.add(exchange.getMessage().getBody(OrderOutcome.class)));
            }
        });
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
        assertThat(jdbc.queryForList("SELECT from_status, to_status FROM order_history WHERE external_order_id = ?",
                orderId)).containsExactly(Map.of("FROM_STATUS", "ACCEPTED", "TO_STATUS", "COMPLETED"));
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
