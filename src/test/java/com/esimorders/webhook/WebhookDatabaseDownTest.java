package com.esimorders.webhook;

import static com.esimorders.webhook.Webhooks.JAPAN;
import static com.esimorders.webhook.Webhooks.json;
import static com.esimorders.webhook.Webhooks.order;
import static com.esimorders.webhook.Webhooks.orderId;
import static com.esimorders.webhook.Webhooks.orderedItem;
import static com.esimorders.webhook.Webhooks.post;
import static com.esimorders.webhook.Webhooks.topupId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.esimorders.LogCapture;
import com.esimorders.TestApp;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The database goes away: the webhook gets 503 and nothing is stored; the provider's retry after the database is
 * back gets 200 and one email. Runs on an H2 file database behind an H2 TCP server this test stops and starts (so it is
 * not a PostgreSQL "database" test).
 */
class WebhookDatabaseDownTest {

    private static HttpResponse<String> health(TestApp app) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(app.baseUrl() + "/observe/health")).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void databaseDownAnswers503AndTheRetryAfterRecoveryStoresOneEsimAndOneEmail() throws Exception {
        int dbPort = TestApp.freePort();
        // a file database: stopping the server may close it (statements were running), the next connection reopens it
        Path baseDir = Files.createTempDirectory("esim-db-down");
        String url = "jdbc:h2:tcp://localhost:" + dbPort + "/./esim";
        Server database = server(dbPort, baseDir);
        GreenMail smtp = new GreenMail(new ServerSetup(TestApp.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        try (TestApp app = TestApp.start(Map.of("esim.db.url", url, "esim.db.user", "sa", "esim.db.password", "",
                "esim.webhook.token", "t", "esim.mail.mode", "smtp", "esim.smtp.host", "127.0.0.1",
                "esim.smtp.port", String.valueOf(smtp.getSmtp().getPort()), "esim.smtp.security", "none",
                // H2 errors on a dead pooled connection do not evict it; validation does, on connections idle > 500 ms
                "esim.mail.poll-interval", "1s", "esim.mail.retry-initial-delay", "200"))) {
            JdbcTemplate jdbc = app.jdbc();
            String orderId = orderId();
            String topupId = topupId();
            order(jdbc, orderId, "ACCEPTED", "down@customer.example", "FILE", JAPAN, 1);
            orderedItem(jdbc, topupId, orderId, JAPAN);
            String webhook = json(topupId, orderId, JAPAN);

            database.stop();
            HttpResponse<String> whileDown = post(app, "t", webhook);

            assertThat(whileDown.statusCode()).isEqualTo(503);
            assertThat(whileDown.body()).isEqualTo("{\"error\":\"temporarily unavailable, retry later\"}");
            assertThat(health(app).statusCode()).isEqualTo(503);

            database = server(dbPort, baseDir);
            // the pool drops its broken connections when it validates them (after 500 ms idle)
            await().pollDelay(Duration.ofMillis(600)).pollInterval(Duration.ofMillis(600)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(jdbc.queryForObject(
                            "SELECT status FROM esim_items WHERE topup_id = ?", String.class, topupId)).isEqualTo("ORDERED"));
            assertThat(health(app).statusCode()).isEqualTo(200);
            assertThat(Webhooks.count(jdbc, "webhook_events", topupId)).isZero();
            assertThat(Webhooks.count(jdbc, "mail_outbox", topupId)).isZero();

            HttpResponse<String> retry = post(app, "t", webhook);

            assertThat(retry.statusCode()).isEqualTo(200);
            assertThat(jdbc.queryForObject("SELECT status FROM esim_items WHERE topup_id = ?", String.class, topupId))
                    .isEqualTo("DELIVERED");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                    jdbc.queryForObject("SELECT status FROM mail_outbox WHERE topup_id = ?", String.class, topupId))
                    .isEqualTo("SENT"));
            await().during(Duration.ofMillis(800)).untilAsserted(() -> assertThat(smtp.getReceivedMessages()).hasSize(1));
        } finally {
            database.stop();
            smtp.stop();
        }
    }

    @Test
    void anEmailTheSmtpServerTookWhileTheDatabaseWentDownIsMarkedSentLaterAndNotSentAgain() throws Exception {
        int dbPort = TestApp.freePort();
        Path baseDir = Files.createTempDirectory("esim-db-down");
        AtomicReference<Server> database = new AtomicReference<>(server(dbPort, baseDir));
        try (LogCapture logs = LogCapture.attach(); SmtpStub smtp = new SmtpStub();
                TestApp app = TestApp.start(Map.of("esim.db.url", "jdbc:h2:tcp://localhost:" + dbPort + "/./esim",
                        "esim.db.user", "sa", "esim.db.password", "", "esim.webhook.token", "t",
                        "esim.mail.mode", "smtp", "esim.smtp.host", "127.0.0.1", "esim.smtp.port",
                        String.valueOf(smtp.port()), "esim.smtp.security", "none",
                        // the SENT mark gives up on the database after 0.3 s (60 s by default)
                        "esim.db.outage-patience-ms", "300", "esim.mail.poll-interval", "1s"))) {
            JdbcTemplate jdbc = app.jdbc();
            String orderId = orderId();
            String topupId = topupId();
            order(jdbc, orderId, "ACCEPTED", "late-mark@customer.example", "FILE", JAPAN, 1);
            orderedItem(jdbc, topupId, orderId, JAPAN);
            // the database goes away while the SMTP server takes the message, before the SENT mark
            smtp.onMessage = () -> database.get().stop();

            assertThat(post(app, "t", json(topupId, orderId, JAPAN)).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> logs.text().contains(
                    "email for topup_id " + topupId + " was taken by the SMTP server but the database is unavailable"));
            database.set(server(dbPort, baseDir));

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(600)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(jdbc.queryForObject(
                            "SELECT status FROM mail_outbox WHERE topup_id = ?", String.class, topupId)).isEqualTo("SENT"));
            assertThat(jdbc.queryForObject("SELECT attempts FROM mail_outbox WHERE topup_id = ?", Integer.class, topupId))
                    .isEqualTo(1);
            await().during(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(smtp.messageIds).hasSize(1));
        } finally {
            database.get().stop();
        }
    }

    private static Server server(int port, Path baseDir) throws Exception {
        return Server.createTcpServer("-tcpPort", String.valueOf(port), "-baseDir", baseDir.toString(), "-ifNotExists")
                .start();
    }
}
