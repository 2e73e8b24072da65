package com.esimorders.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.esimorders.DropFolder;
import com.esimorders.LogCapture;
import com.esimorders.TestApp;
import com.esimorders.queue.QueueIntakeTest;
import com.esimorders.sandbox.SandboxFaults;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The database goes away while orders arrive, and comes back: nothing is lost, doubled or reported as not sent.
 * Runs on an H2 file database behind an H2 TCP server that the test stops and starts.
 */
class DatabaseOutageTest {

    private static final String JP = FileIntakeTest.JP;

    private static Path baseDir;
    private static int dbPort;
    private static Server database;
    private static TestApp app;
    private static JdbcTemplate jdbc;
    private static LogCapture logs;
    private static Connection jms;
    private static Session session;

    @BeforeAll
    static void start() throws Exception {
        logs = LogCapture.attach();
        baseDir = Files.createTempDirectory("esim-db-outage");
        dbPort = TestApp.freePort();
        database = server();
        app = TestApp.start(Map.ofEntries(
                Map.entry("esim.db.url", "jdbc:h2:tcp://localhost:" + dbPort + "/./esim"),
                Map.entry("esim.db.user", "sa"), Map.entry("esim.db.password", ""),
                Map.entry("esim.db.connect-timeout-ms", "1000"),
                Map.entry("esim.jms.redelivery-delay-ms", "300"),
                Map.entry("esim.jms.redelivery-multiplier", "2"),
                Map.entry("esim.jms.max-redelivery-delay-ms", "5000"),
                Map.entry("esim.jms.max-deliveries", "30"),
                Map.entry("esim.intake.poll-interval-ms", "300"),
                Map.entry("esim.intake.read-lock-check-interval-ms", "200"),
                Map.entry("esim.sandbox.webhook-delay-ms", "100")));
        jdbc = app.jdbc();
        jms = new ActiveMQConnectionFactory("tcp://localhost:" + app.property("esim.broker.embedded-port"))
                .createConnection();
        jms.start();
        session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @AfterAll
    static void stop() throws Exception {
        jms.close();
        app.close();
        database.stop();
        logs.close();
    }

    @Test
    void aQueueOrderThatCannotBeRecordedIsRedeliveredWithAGrowingDelayAndNeverDeadLettered() throws Exception {
        database.stop();
        TextMessage message = session.createTextMessage(QueueIntakeTest.order("OUTAGE-Q-1", JP, 1));
        message.setJMSCorrelationID("corr-outage-1");
        try (var producer = session.createProducer(session.createQueue("esim.orders"))) {
            producer.send(message);
        }
        String failure = "Order message " + message.getJMSMessageID() + " not recorded (delivery";
        await().atMost(Duration.ofSeconds(30)).until(() -> logs.timesOf(failure).size() >= 4);
        database = server();

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(jdbc.queryForObject(
                "SELECT status FROM orders WHERE external_order_id = 'OUTAGE-Q-1'", String.class))
                .isIn("ACCEPTED", "COMPLETED"));
        try (MessageConsumer dlq = session.createConsumer(session.createQueue("esim.orders.dlq"))) {
            assertThat(dlq.receive(500)).isNull();
        }
        // the broker waited longer before each redelivery: 300 ms, 600 ms, 1.2 s (plus the failed attempt itself)
        List<Long> times = logs.timesOf(failure);
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < 4; i++) {
            gaps.add(times.get(i) - times.get(i - 1));
        }
        assertThat(gaps.get(2)).as("gaps between deliveries %s", gaps).isGreaterThan(gaps.get(0) + 500);
        assertThat(gaps.get(0)).as("gaps between deliveries %s", gaps).isGreaterThanOrEqualTo(300);
    }

    @Test
    void aFileWhoseOrdersCannotBeRecordedStaysInTheInboxAndIsReadAgainWhenTheDatabaseIsBack() throws Exception {
        SandboxFaults sandbox = app.context().getRegistry().lookupByNameAndType("sandboxFaults", SandboxFaults.class);
        DropFolder folder = new DropFolder(app.workDir);
        StringBuilder csv = new StringBuilder("external_order_id,option_id,qty,customer_email,customer_name\n");
        for (int i = 1; i <= 12; i++) {
            csv.append("OUTAGE-F-").append(i).append(',').append(JP).append(",1,f").append(i).append("@example.com,F\n");
        }
        sandbox.setLatencyMs(300);
        folder.drop("outage.csv", csv.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM orders WHERE external_order_id LIKE 'OUTAGE-F-%'", Integer.class) >= 3);

        database.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> logs.text().contains(
                "outage.csv: stopped, the database is unavailable"));
        assertThat(app.workDir.resolve("inbox").resolve("outage.csv")).exists();
        assertThat(folder.results("outage.csv")).doesNotExist();
        sandbox.setLatencyMs(0);
        database = server();

        assertThat(folder.awaitFinished("outage.csv")).isEqualTo("done");
        List<Map<String, String>> rows = folder.rows("outage.csv");
        assertThat(rows).hasSize(12).allSatisfy(row -> assertThat(row.get("status")).isIn("ACCEPTED", "COMPLETED"));
        assertThat(rows).allSatisfy(row -> assertThat(row.get("topup_ids")).matches("[0-9]{26}"));
        // each order bought exactly once (the sandbox keeps the ids it took in the same database)
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM sandbox_orders WHERE external_order_id LIKE 'OUTAGE-F-%'",
                Integer.class)).isEqualTo(12);
    }

    private static Server server() throws Exception {
        return Server.createTcpServer("-tcpPort", String.valueOf(dbPort), "-baseDir", baseDir.toString(),
                "-ifNotExists").start();
    }
}
