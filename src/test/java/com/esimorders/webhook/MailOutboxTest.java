package com.esimorders.webhook;

import static com.esimorders.webhook.Webhooks.JAPAN;
import static com.esimorders.webhook.Webhooks.deliveredItem;
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
import com.esimorders.mail.SmtpConnections;
import com.esimorders.TestApp;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
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
import com.esimorders.db.Instances;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
            assertThat(Webhooks.get(app, "/observe/metrics").body())
                    .containsPattern("esim_emails_gave_up_total\\{[^}]*} 1\\.0");

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
    void emailsShareOneSmtpConnectionAndAConnectionTheServerDroppedIsReplaced() throws Exception {
        try (SmtpStub smtp = new SmtpStub();
                TestApp app = TestApp.start(Map.of("esim.webhook.token", "t", "esim.mail.mode", "smtp",
                        "esim.smtp.host", "127.0.0.1", "esim.smtp.port", String.valueOf(smtp.port()),
                        "esim.smtp.security", "none", "esim.mail.senders", "1"))) {
            JdbcTemplate jdbc = app.jdbc();
            String orderId = orderId();
            List<String> topupIds = List.of(topupId(), topupId(), topupId(), topupId(), topupId());
            order(jdbc, orderId, "ACCEPTED", "many@customer.example", "FILE", JAPAN, topupIds.size());
            topupIds.forEach(topupId -> orderedItem(jdbc, topupId, orderId, JAPAN));

            for (String topupId : topupIds.subList(0, 3)) {
                assertThat(post(app, "t", json(topupId, orderId, JAPAN)).statusCode()).isEqualTo(200);
                await().untilAsserted(() -> assertThat(status(jdbc, topupId)).isEqualTo("SENT"));
            }
            assertThat(smtp.connections).hasValue(1);

            // the server now closes the connection after each message: the next email opens a new one
            smtp.dropAfterEachMessage = true;
            for (String topupId : topupIds.subList(3, 5)) {
                assertThat(post(app, "t", json(topupId, orderId, JAPAN)).statusCode()).isEqualTo(200);
                await().untilAsserted(() -> assertThat(status(jdbc, topupId)).isEqualTo("SENT"));
            }
            assertThat(smtp.connections).hasValue(2);
            assertThat(smtp.messageIds).containsExactlyElementsOf(
                    topupIds.stream().map(topupId -> "<esim-" + topupId + "@esim-orders>").toList());
            assertThat(jdbc.queryForObject("SELECT SUM(attempts) FROM mail_outbox WHERE topup_id IN (?, ?, ?, ?, ?)",
                    Integer.class, topupIds.toArray())).isEqualTo(5);
        }
    }

    @Test
    void aConnectionOutlivesNeitherTheThreadThatSentOnItNorTheApplication() throws Exception {
        try (SmtpStub smtp = new SmtpStub()) {
            // a quarantined webhook applied when its order is recorded sends its email on a wireTap thread of Camel's
            // default pool, whose idle threads retire (after 60 s by default, 1 s here)
            try (TestApp app = TestApp.start(Map.of("esim.webhook.token", "t", "esim.mail.mode", "smtp",
                    "esim.smtp.host", "127.0.0.1", "esim.smtp.port", String.valueOf(smtp.port()),
                    "esim.smtp.security", "none", "camel.threadpool.keep-alive-time", "1"))) {
                JdbcTemplate jdbc = app.jdbc();
                for (int round = 0; round < 4; round++) {
                    String orderId = orderId();
                    String topupId = topupId();
                    assertThat(post(app, "t", json(topupId, orderId, JAPAN)).body()).contains("quarantined");
                    order(jdbc, orderId, "ACCEPTED", "retired@customer.example", "FILE", JAPAN, 1);
                    long id = jdbc.queryForObject("SELECT id FROM webhook_quarantine WHERE topup_id = ?", Long.class,
                            topupId);
                    app.template().requestBody("direct:apply-quarantined-webhook", id);
                    await().untilAsserted(() -> assertThat(status(jdbc, topupId)).isEqualTo("SENT"));
                    Thread.sleep(2500); // the thread that sent it retires
                }
                // each email took the connection the one before gave back, whichever thread sent it
                assertThat(smtp.connections).hasValue(1);
                assertThat(smtp.open).hasValue(1);
            }
            await().untilAsserted(() -> assertThat(smtp.open).hasValue(0));
        }
    }

    @Test
    void aConnectionIdleLongerThanTheLimitIsClosed() throws Exception {
        try (SmtpStub smtp = new SmtpStub()) {
            SmtpConnections connections = new SmtpConnections(Duration.ofMillis(500));
            connections.setProtocol("smtp");
            connections.setHost("127.0.0.1");
            connections.setPort(smtp.port());

            connections.send(message(connections));
            connections.send(message(connections));
            connections.closeIdle();
            assertThat(smtp.connections).hasValue(1);
            assertThat(smtp.open).hasValue(1);

            Thread.sleep(600);
            connections.closeIdle();
            await().untilAsserted(() -> assertThat(smtp.open).hasValue(0));
            connections.send(message(connections));
            assertThat(smtp.connections).hasValue(2);
            assertThat(smtp.messageIds).hasSize(3);
            connections.closeAll();
            await().untilAsserted(() -> assertThat(smtp.open).hasValue(0));
        }
    }

    @Test
    void emailsAKilledInstanceHadClaimedAreSentOnceItIsSeenDeadAndALiveInstancesAreLeftAlone() throws Exception {
        try (TestApp app = TestApp.start(Map.of("esim.webhook.token", "t", "esim.mail.poll-interval", "200",
                "esim.instance.heartbeat-ms", "200", "esim.instance.dead-after-ms", "1000"))) {
            JdbcTemplate jdbc = app.jdbc();
            String orderId = orderId();
            String heldByKilled = topupId();
            String heldByOtherLive = topupId();
            String heldByThisOneHalfway = topupId();
            order(jdbc, orderId, "COMPLETED", "claimed@customer.example", "FILE", JAPAN, 3);
            String thisInstance = app.context().getRegistry().lookupByNameAndType("instances", Instances.class).id();
            jdbc.update("INSERT INTO app_instances (instance_id) VALUES ('other-live-instance')");
            // the other instance beats, as a live one does
            ScheduledExecutorService otherInstance = Executors.newSingleThreadScheduledExecutor();
            otherInstance.scheduleAtFixedRate(() -> jdbc.update("UPDATE app_instances SET heartbeat_at = CURRENT_TIMESTAMP"
                    + " WHERE instance_id = 'other-live-instance'"), 0, 200, TimeUnit.MILLISECONDS);
            for (String[] held : List.of(new String[] {heldByKilled, "killed-instance"},
                    new String[] {heldByOtherLive, "other-live-instance"},
                    // this instance's send failed halfway (e.g. a database outage): nobody here is sending it
                    new String[] {heldByThisOneHalfway, thisInstance})) {
                deliveredItem(jdbc, held[0], orderId, JAPAN);
                // claimed five minutes ahead: only the claimer's death, or its own retake, frees it sooner
                jdbc.update("INSERT INTO mail_outbox (topup_id, recipient, status, attempts, claimed_by, claimed_until)"
                        + " VALUES (?, 'claimed@customer.example', 'PENDING', 1, ?, CURRENT_TIMESTAMP + INTERVAL '5' MINUTE)",
                        held[0], held[1]);
            }

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(status(jdbc, heldByKilled)).isEqualTo("SENT");
                assertThat(status(jdbc, heldByThisOneHalfway)).isEqualTo("SENT");
            });
            assertThat(app.dataDir.resolve("outbox").resolve(heldByKilled + ".eml")).exists();
            // another live instance's claim is respected until it runs out
            await().during(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(status(jdbc, heldByOtherLive)).isEqualTo("PENDING"));
            otherInstance.shutdownNow();
        }
    }

    @Test
    void aBacklogOfManyBatchesIsSentWithinOnePollNotOneBatchPerPoll() throws Exception {
        int backlog = 40;
        try (TestApp app = TestApp.start(Map.of("esim.webhook.token", "t", "esim.mail.poll-interval", "3s",
                "esim.mail.batch-size", "5"))) {
            JdbcTemplate jdbc = app.jdbc();
            String orderId = orderId();
            order(jdbc, orderId, "COMPLETED", "backlog@customer.example", "FILE", JAPAN, backlog);
            for (int i = 0; i < backlog; i++) {
                deliveredItem(jdbc, topupId(), orderId, JAPAN);
            }
            // what an SMTP outage or a burst larger than the senders' queue leaves behind, in one statement so that
            // the poller sees all of it at once
            jdbc.update("INSERT INTO mail_outbox (topup_id, recipient, status) SELECT topup_id,"
                    + " 'backlog@customer.example', 'PENDING' FROM esim_items WHERE external_order_id = ?", orderId);

            // the next poll (within 3 s) sends all 8 batches; one batch per poll would take 24 s
            await().atMost(Duration.ofSeconds(7)).untilAsserted(() -> assertThat(jdbc.queryForObject(
                    "SELECT COUNT(*) FROM mail_outbox WHERE status = 'SENT'", Integer.class)).isEqualTo(backlog));
            assertThat(jdbc.queryForObject("SELECT MAX(attempts) FROM mail_outbox", Integer.class)).isEqualTo(1);
            try (var emails = Files.list(app.dataDir.resolve("outbox"))) {
                assertThat(emails.filter(path -> path.toString().endsWith(".eml")).count()).isEqualTo(backlog);
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

    private static MimeMessage message(SmtpConnections connections) throws Exception {
        MimeMessage message = new MimeMessage(connections.getSession());
        message.setFrom("shop@reseller.example");
        message.setRecipients(Message.RecipientType.TO, "idle@customer.example");
        message.setSubject("eSIM");
        message.setText("ready");
        return message;
    }

    private static String status(JdbcTemplate jdbc, String topupId) {
        return jdbc.queryForObject("SELECT status FROM mail_outbox WHERE topup_id = ?", String.class, topupId);
    }

    private static int attempts(JdbcTemplate jdbc, String topupId) {
        return jdbc.queryForObject("SELECT attempts FROM mail_outbox WHERE topup_id = ?", Integer.class, topupId);
    }
}
