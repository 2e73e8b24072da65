package com.esimorders.webhook;

import static com.esimorders.webhook.Webhooks.JAPAN;
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
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** The mail outbox: retries while SMTP is down, sends once after recovery, gives up, and the dev .eml mode. */
@Tag("database")
class MailOutboxTest {

    @Test
    void smtpDownThenUpSendsTheEmailOnceAndAnEmailPastItsDeadlineGivesUp() throws Exception {
        int smtpPort = TestApp.freePort();
        try (TestApp app = TestApp.start(Map.of("esim.webhook.token", "t", "esim.mail.mode", "smtp",
                "esim.smtp.host", "127.0.0.1", "esim.smtp.port", String.valueOf(smtpPort), "esim.smtp.security", "none",
                "esim.mail.poll-interval", "100", "esim.mail.retry-initial-delay", "100",
                "esim.mail.retry-max-delay", "400", "esim.mail.give-up-after", "1h"))) {
            JdbcTemplate jdbc = app.jdbc();
            String orderId = orderId();
            String waiting = topupId();
            String tooOld = topupId();
            order(jdbc, orderId, "ACCEPTED", "late@customer.example", "FILE", JAPAN, 2);
            orderedItem(jdbc, waiting, orderId, JAPAN);
            orderedItem(jdbc, tooOld, orderId, JAPAN);

            assertThat(post(app, "t", json(waiting, orderId, JAPAN)).statusCode()).isEqualTo(200);
            assertThat(post(app, "t", json(tooOld, orderId, JAPAN)).statusCode()).isEqualTo(200);
            await().untilAsserted(() -> assertThat(attempts(jdbc, waiting)).isGreaterThanOrEqualTo(3));
            assertThat(status(jdbc, waiting)).isEqualTo("PENDING");
            assertThat(jdbc.queryForObject("SELECT last_error FROM mail_outbox WHERE topup_id = ?", String.class, waiting))
                    .contains("MailConnectException");
            // the second eSIM arrived longer ago than esim.mail.give-up-after: its next failure gives up
            jdbc.update("UPDATE mail_outbox SET created_at = created_at - INTERVAL '2' HOUR WHERE topup_id = ?", tooOld);
            await().untilAsserted(() -> assertThat(status(jdbc, tooOld)).isEqualTo("GAVE_UP"));

            GreenMail smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            smtp.start();
            try {
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(status(jdbc, waiting)).isEqualTo("SENT"));
                await().during(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(smtp.getReceivedMessages()).hasSize(1));
                assertThat(smtp.getReceivedMessages()[0].getMessageID()).isEqualTo("<esim-" + waiting + "@esim-orders>");
                assertThat(status(jdbc, tooOld)).isEqualTo("GAVE_UP");
                assertThat(jdbc.queryForMap("SELECT sent_at, claimed_until, last_error FROM mail_outbox WHERE topup_id = ?",
                        waiting)).containsEntry("CLAIMED_UNTIL", null).containsEntry("LAST_ERROR", null)
                        .extractingByKey("SENT_AT").isNotNull();
            } finally {
                smtp.stop();
            }
        }
    }

    @Test
    void devModeWritesTheMimeMessageAsAnEmlFileWithTheUsersLocalisedTemplates(@TempDir Path templates) throws Exception {
        Files.writeString(templates.resolve("esim-email-subject_de.ftl"), "Ihre eSIM ist bereit: ${plan} (Bestellung ${orderReference})");
        try (TestApp app = TestApp.start(Map.of("esim.webhook.token", "t", "esim.mail.locale", "de",
                "esim.mail.templates-dir", templates.toString()))) {
            JdbcTemplate jdbc = app.jdbc();
            String orderId = orderId();
            String topupId = topupId();
            order(jdbc, orderId, "ACCEPTED", "eml@customer.example", "FILE", JAPAN, 1);
            orderedItem(jdbc, topupId, orderId, JAPAN);

            assertThat(post(app, "t", json(topupId, orderId, JAPAN)).statusCode()).isEqualTo(200);

            Path eml = app.dataDir.resolve("outbox").resolve(topupId + ".eml");
            await().until(() -> Files.exists(eml));
            await().untilAsserted(() -> assertThat(status(jdbc, topupId)).isEqualTo("SENT"));
            MimeMessage message;
            try (InputStream in = Files.newInputStream(eml)) {
                message = new MimeMessage(Session.getInstance(new Properties()), in);
            }
            assertThat(message.getSubject()).isEqualTo("Ihre eSIM ist bereit: " + Webhooks.JAPAN_NAME + " (Bestellung " + orderId + ")");
            assertThat(message.getAllRecipients()).extracting(Object::toString).containsExactly("eml@customer.example");
            MimeMultipart alternative = (MimeMultipart) message.getContent();
            MimeMultipart related = (MimeMultipart) alternative.getBodyPart(1).getContent();
            try (InputStream png = related.getBodyPart(1).getInputStream()) {
                assertThat(QrDecoder.decode(png.readAllBytes())).isEqualTo(lpa(topupId));
            }
            // the packaged text template is used where the user's folder has none
            assertThat((String) alternative.getBodyPart(0).getContent()).contains("SM-DP+ address:");
        }
    }

    private static String status(JdbcTemplate jdbc, String topupId) {
        return jdbc.queryForObject("SELECT status FROM mail_outbox WHERE topup_id = ?", String.class, topupId);
    }

    private static int attempts(JdbcTemplate jdbc, String topupId) {
        return jdbc.queryForObject("SELECT attempts FROM mail_outbox WHERE topup_id = ?", Integer.class, topupId);
    }
}
