package com.esimorders.ops;

import static com.esimorders.ops.Ops.JAPAN;
import static com.esimorders.ops.Ops.KOREA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.esimorders.LogCapture;
import com.esimorders.TestApp;
import com.esimorders.order.Order;
import com.esimorders.order.OrderOutcome;
import com.esimorders.order.OrderStatus;
import com.esimorders.sandbox.SandboxFaults;
import com.esimorders.sandbox.SandboxFaults.Fault;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Every log line of a whole flow - start, a drop file, a queue message, the provider's webhooks, the emails over
 * authenticated SMTP, a replay and a resend through the operator API, a wrong token - is free of activation codes,
 * download links, the partner secret, the webhook token, the operator token and the SMTP password.
 */
@Tag("database")
class OpsLogSecretsTest {

    private static final String SECRET_KEY = "bG9nLXRlc3Qtc2VjcmV0LWtleS0wMTIzNDU2Nzg5";
    private static final String WEBHOOK_TOKEN = "log-test-webhook-token-7f3a9c1e5b";
    private static final String OPS_TOKEN = "log-test-ops-token-2d8e4b6a0c9f";
    private static final String SMTP_PASSWORD = "log-test-smtp-password-5e7c";

    @Test
    void noSecretAndNoActivationCodeReachesTheLog() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(TestApp.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.setUser("esim-sender", SMTP_PASSWORD);
        smtp.start();
        LogCapture logs = LogCapture.attach();
        try (TestApp app = TestApp.start(Map.ofEntries(
                Map.entry("esim.secret-key", SECRET_KEY),
                Map.entry("esim.webhook.token", WEBHOOK_TOKEN),
                Map.entry("esim.ops.token", OPS_TOKEN),
                // after the order's response is stored (a webhook racing it can deadlock OrderStore.accept on PostgreSQL)
                Map.entry("esim.sandbox.webhook-delay-ms", "1000"),
                Map.entry("esim.intake.poll-interval-ms", "200"),
                Map.entry("esim.intake.read-lock-check-interval-ms", "200"),
                Map.entry("esim.mail.mode", "smtp"),
                Map.entry("esim.smtp.host", "127.0.0.1"),
                Map.entry("esim.smtp.port", String.valueOf(smtp.getSmtp().getPort())),
                Map.entry("esim.smtp.security", "none"),
                Map.entry("esim.smtp.user", "esim-sender"),
                Map.entry("esim.smtp.password", SMTP_PASSWORD),
                Map.entry("esim.mail.poll-interval", "200")))) {
            JdbcTemplate jdbc = app.jdbc();
            SandboxFaults sandbox = app.context().getRegistry().lookupByNameAndType("sandboxFaults", SandboxFaults.class);
            String bearer = "Bearer " + OPS_TOKEN;
            List<String> orders = new ArrayList<>();

            // a FAILED order (before anything else reaches the sandbox), replayed through the operator API
            String replayed = Ops.orderId("LOG-REPLAY");
            sandbox.failNext(Fault.ESIM_REQUEST_FAILED, 1);
            OrderOutcome failed = app.template().requestBody("direct:submit-order", new Order(replayed,
                    List.of(new Order.OrderProduct(JAPAN, 1)), new Order.Customer("r@customer.example", "Rui"),
                    Order.OrderSource.file("direct.csv", "2")), OrderOutcome.class);
            assertThat(failed.status()).isEqualTo(OrderStatus.FAILED);
            assertThat(Ops.post(app.baseUrl() + "/ops/orders/" + replayed + "/replay", bearer, null).statusCode())
                    .isEqualTo(200);
            orders.add(replayed);

            // a drop file with two orders
            String fileA = Ops.orderId("LOG-FILE");
            String fileB = Ops.orderId("LOG-FILE");
            Path inbox = app.workDir.resolve("inbox");
            Files.writeString(inbox.resolve("log-test.csv.part"), "external_order_id,option_id,qty,customer_email,customer_name\n"
                    + fileA + "," + JAPAN + ",1,a@customer.example,Ana\n" + fileB + "," + KOREA + ",2,b@customer.example,Bo\n");
            Files.move(inbox.resolve("log-test.csv.part"), inbox.resolve("log-test.csv"));
            orders.add(fileA);
            orders.add(fileB);

            // a queue message
            String queued = Ops.orderId("LOG-QUEUE");
            try (Connection connection = new ActiveMQConnectionFactory("tcp://localhost:"
                    + app.property("esim.broker.embedded-port")).createConnection()) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                session.createProducer(session.createQueue("esim.orders")).send(session.createTextMessage(
                        "{\"external_order_id\":\"" + queued + "\",\"products\":[{\"option_id\":\"" + JAPAN
                                + "\",\"qty\":1}],\"customer\":{\"email\":\"q@customer.example\"}}"));
            }
            orders.add(queued);

            // every eSIM arrives by webhook and is emailed
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                for (String id : orders) {
                    assertThat(jdbc.queryForObject("SELECT status FROM orders WHERE external_order_id = ?",
                            String.class, id)).as(id).isEqualTo("COMPLETED");
                }
                assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM mail_outbox WHERE status = 'SENT'", Integer.class))
                        .isEqualTo(5);
            });
            assertThat(smtp.getReceivedMessages()).hasSize(5);

            // a resend through the operator API, the order read back, a webhook with a wrong token
            String topupId = jdbc.queryForObject("SELECT topup_id FROM esim_items WHERE external_order_id = ?",
                    String.class, queued);
            assertThat(Ops.post(app.baseUrl() + "/ops/emails/" + topupId + "/resend", bearer,
                    "{\"to\":\"new@customer.example\"}").statusCode()).isEqualTo(200);
            assertThat(Ops.get(app.baseUrl() + "/ops/orders/" + queued, bearer).statusCode()).isEqualTo(200);
            assertThat(Ops.get(app.baseUrl() + "/ops/orders/" + queued, "Bearer " + WEBHOOK_TOKEN).statusCode())
                    .isEqualTo(401);
            assertThat(Ops.post(app.baseUrl() + "/webhooks/esim/" + OPS_TOKEN, null, "{}").statusCode()).isEqualTo(404);

            List<Map<String, Object>> esims = jdbc.queryForList("SELECT activation_code, download_link FROM esim_items"
                    + " WHERE activation_code IS NOT NULL");
            assertThat(esims).hasSizeGreaterThanOrEqualTo(5);
            String text = logs.text();
            // the startup summary (which lists the settings, masked) and the flow were captured
            assertThat(text).contains("esim.secret-key", "esim.ops.token", fileA, queued, replayed, "replay requested",
                    "queued again by an operator");
            assertThat(text).doesNotContain(SECRET_KEY, WEBHOOK_TOKEN, OPS_TOKEN, SMTP_PASSWORD);
            for (Map<String, Object> esim : esims) {
                assertThat(text).doesNotContain((String) esim.get("ACTIVATION_CODE"), (String) esim.get("DOWNLOAD_LINK"));
            }
        } finally {
            logs.close();
            smtp.stop();
        }
    }
}
