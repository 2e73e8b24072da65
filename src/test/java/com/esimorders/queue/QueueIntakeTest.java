package com.esimorders.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.esimorders.HttpTrap;
import com.esimorders.Json;
import com.esimorders.LogCapture;
import com.esimorders.TestApp;
import com.esimorders.file.FileIntakeTest;
import com.esimorders.order.Order;
import com.esimorders.order.OrderOutcome;
import com.esimorders.order.OrderStatus;
import com.esimorders.sandbox.SandboxFaults;
import com.esimorders.tools.SendOrder;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Order messages through the embedded broker over TCP, as a client application sends them. */
@Tag("database")
public class QueueIntakeTest {

    static final String JP = FileIntakeTest.JP;
    static final String KR = FileIntakeTest.KR;

    private static HttpTrap trap;
    private static LogCapture logs;
    private static TestApp app;
    private static Connection connection;
    private static Session session;

    @BeforeAll
    static void start() throws Exception {
        trap = new HttpTrap();
        logs = LogCapture.attach();
        Map<String, String> settings = new HashMap<>();
        settings.put("esim.jms.max-deliveries", "3");
        settings.put("esim.sandbox.webhook-delay-ms", "100");
        settings.put("esim.recovery.interval-ms", "1000");
        app = TestApp.start(settings);
        connection = new ActiveMQConnectionFactory("tcp://localhost:" + app.property("esim.broker.embedded-port"))
                .createConnection();
        connection.start();
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @AfterAll
    static void stop() throws JMSException {
        connection.close();
        app.close();
        trap.close();
        logs.close();
    }

    @Test
    void theBrokerAndTheMetricsLogNoWarningAboutAQueueOrder() throws Exception {
        TextMessage message = session.createTextMessage(order("Q-50", KR, 1));
        send(message);
        JsonNode event = event("esim.orders.results", message.getJMSMessageID());
        assertThat(event.path("event").asText()).isEqualTo("accepted");
        // Artemis: "no expiry address" for every queue; Micrometer: the results queue's timer refused by Prometheus
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(logs.text()).doesNotContain("AMQ222166", "registration has failed"));
    }

    @Test
    void anOrderIsAcceptedAndItsEventGoesToJmsReplyToWithTheCorrelationId() throws Exception {
        TextMessage message = session.createTextMessage(order("Q-1", JP, 2));
        message.setJMSReplyTo(session.createQueue("client.replies"));
        message.setJMSCorrelationID("corr-Q-1");
        send(message);

        Message reply = receive("client.replies", "corr-Q-1");
        JsonNode event = Json.MAPPER.readTree(((TextMessage) reply).getText());
        assertThat(event.path("event").asText()).isEqualTo("accepted");
        assertThat(event.path("external_order_id").asText()).isEqualTo("Q-1");
        assertThat(event.path("status").asText()).isEqualTo("ACCEPTED");
        assertThat(event.path("topup_ids")).hasSize(2).allMatch(id -> id.isTextual() && id.asText().matches("[0-9]{26}"));
        assertThat(reply.getStringProperty("externalOrderId")).isEqualTo("Q-1");
        assertThat(app.jdbc().queryForMap("SELECT status, source_type, reply_to, correlation_id FROM orders"
                + " WHERE external_order_id = 'Q-1'")).containsValues("ACCEPTED", "QUEUE", "client.replies", "corr-Q-1");
    }

    @Test
    void withoutJmsReplyToTheEventGoesToTheResultsQueueCorrelatedByMessageId() throws Exception {
        TextMessage message = session.createTextMessage(order("Q-2", KR, 1));
        send(message);

        JsonNode event = event("esim.orders.results", message.getJMSMessageID());
        assertThat(event.path("event").asText()).isEqualTo("accepted");
        assertThat(event.path("external_order_id").asText()).isEqualTo("Q-2");
    }

    @Test
    void aDuplicateGetsADuplicateEventWithTheExistingStatusAndIsNotBoughtAgain() throws Exception {
        send(withCorrelation(order("Q-3", JP, 1), "corr-Q-3a"));
        JsonNode first = event("esim.orders.results", "corr-Q-3a");

        send(withCorrelation(order("Q-3", JP, 1), "corr-Q-3b"));

        JsonNode again = event("esim.orders.results", "corr-Q-3b");
        assertThat(again.path("event").asText()).isEqualTo("duplicate");
        // ACCEPTED, or COMPLETED when the sandbox's webhooks came first
        assertThat(again.path("status").asText()).isIn("ACCEPTED", "COMPLETED");
        assertThat(again.path("topup_ids")).isEqualTo(first.path("topup_ids"));
        assertThat(app.jdbc().queryForObject("SELECT attempts FROM orders WHERE external_order_id = 'Q-3'",
                Integer.class)).isEqualTo(1);
    }

    @Test
    void aProviderRefusalIsARejectedEventWithItsReasons() throws Exception {
        send(withCorrelation(order("Q-4", "00000000-0000-4000-8000-000000000000", 1), "corr-Q-4"));

        JsonNode event = event("esim.orders.results", "corr-Q-4");
        assertThat(event.path("event").asText()).isEqualTo("rejected");
        assertThat(event.path("errors").get(0).asText()).isEqualTo("Product with option_id not found");
    }

    @Test
    void malformedJsonAndTheWrongShapeGoToTheDlqWithTheReasonOnceAndTheirSenderGetsARejectedEvent() throws Exception {
        send(withCorrelation("{\"external_order_id\": \"Q-5\", ", "corr-Q-5"));
        send(withCorrelation("[{\"external_order_id\": \"Q-6\"}]", "corr-Q-6"));
        send(withCorrelation("{\"external_order_id\": \"Q-7\", \"products\": {\"option_id\": \"" + JP + "\"}}",
                "corr-Q-7"));

        Message malformed = receive("esim.orders.dlq", "corr-Q-5");
        assertThat(malformed.getStringProperty("esimError")).startsWith("malformed JSON: ");
        assertThat(((TextMessage) malformed).getText()).isEqualTo("{\"external_order_id\": \"Q-5\", ");
        assertThat(receive("esim.orders.dlq", "corr-Q-6").getStringProperty("esimError"))
                .isEqualTo("wrong shape: an order must be a JSON object, found an array");
        assertThat(receive("esim.orders.dlq", "corr-Q-7").getStringProperty("esimError"))
                .isEqualTo("wrong shape: products must be an array, found an object");
        JsonNode malformedEvent = event("esim.orders.results", "corr-Q-5");
        assertThat(malformedEvent.path("event").asText()).isEqualTo("rejected");
        assertThat(malformedEvent.has("external_order_id")).as("no readable id").isFalse();
        assertThat(malformedEvent.path("errors")).extracting(JsonNode::asText)
                .containsExactly(malformed.getStringProperty("esimError"));
        JsonNode wrongShapeEvent = event("esim.orders.results", "corr-Q-7");
        assertThat(wrongShapeEvent.path("event").asText()).isEqualTo("rejected");
        assertThat(wrongShapeEvent.path("external_order_id").asText()).isEqualTo("Q-7");
        assertThat(wrongShapeEvent.path("errors")).extracting(JsonNode::asText)
                .containsExactly("wrong shape: products must be an array, found an object");
        assertThat(event("esim.orders.results", "corr-Q-6").path("event").asText()).isEqualTo("rejected");
        // consumed and committed: not redelivered, so no second copy arrives
        assertThat(receiveOrNull("esim.orders.dlq", "corr-Q-5", 1000)).isNull();
        assertThat(receiveOrNull("esim.orders.results", "corr-Q-5", 100)).isNull();
        assertThat(app.jdbc().queryForObject("SELECT COUNT(*) FROM orders WHERE external_order_id IN ('Q-5','Q-6','Q-7')",
                Integer.class)).isZero();
    }

    @Test
    void aWellFormedOrderThatBreaksTheRulesIsRejectedWithItsReasons() throws Exception {
        send(withCorrelation("{\"external_order_id\":\"Q-8\",\"products\":[{\"option_id\":\"" + JP + "\",\"qty\":0},"
                + "{\"qty\":1}],\"customer\":{\"email\":\"no-at-sign\"}}", "corr-Q-8"));

        JsonNode event = event("esim.orders.results", "corr-Q-8");
        assertThat(event.path("event").asText()).isEqualTo("rejected");
        assertThat(event.path("external_order_id").asText()).isEqualTo("Q-8");
        assertThat(event.path("errors")).extracting(JsonNode::asText).containsExactly(
                "products[0]: qty must be a positive integer, got \"0\"",
                "products[1]: option_id is missing",
                "customer email is not a well-formed address");
        assertThat(app.jdbc().queryForObject("SELECT COUNT(*) FROM orders WHERE external_order_id = 'Q-8'",
                Integer.class)).isZero();
    }

    @Test
    void ordersWithoutAnIdAreRejectedAndTheOtherOrdersEventsAreStillMarkedPublished() throws Exception {
        // a burst, so that several events without an order id are published within one round of the event clearer
        for (int i = 0; i < 10; i++) {
            send(withCorrelation("{\"products\":[{\"option_id\":\"" + JP + "\",\"qty\":1}]}", "corr-no-id-" + i));
        }
        for (int i = 0; i < 10; i++) {
            JsonNode event = event("esim.orders.results", "corr-no-id-" + i);
            assertThat(event.path("event").asText()).isEqualTo("rejected");
            assertThat(event.has("external_order_id")).isFalse();
            assertThat(event.path("errors")).extracting(JsonNode::asText).containsExactly("external_order_id is blank");
        }

        send(withCorrelation(order("Q-60", KR, 1), "corr-Q-60"));

        assertThat(event("esim.orders.results", "corr-Q-60").path("event").asText()).isEqualTo("accepted");
        await().atMost(Duration.ofSeconds(5)).until(() -> !app.jdbc().queryForObject(
                "SELECT event_due FROM orders WHERE external_order_id = 'Q-60'", Boolean.class));
    }

    @Test
    void aRefusedMessageWithTheIdOfAnotherOrderLeavesThatOrdersOwedEventOwed() throws Exception {
        // a recorded queue order whose REJECTED event is still owed (its instance is about to publish it)
        app.jdbc().update("INSERT INTO orders (external_order_id, status, source_type, source_ref, correlation_id,"
                + " event_due) VALUES ('Q-70', 'REJECTED', 'QUEUE', 'ID:msg-70', 'corr-Q-70', TRUE)");

        send(withCorrelation("{\"external_order_id\":\"Q-70\",\"products\":[]}", "corr-Q-70-again"));

        assertThat(event("esim.orders.results", "corr-Q-70-again").path("event").asText()).isEqualTo("rejected");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> app.jdbc().queryForObject(
                "SELECT event_due FROM orders WHERE external_order_id = 'Q-70'", Boolean.class));
    }

    @Test
    void whatTheDatabaseCouldNotKeepIsRejectedAtOnceWithTheReason() throws Exception {
        // PostgreSQL refuses NUL in text; the columns keep 200 and 500 characters: redelivery would never help
        send(withCorrelation("{\"external_order_id\":\"Q-71\",\"products\":[{\"option_id\":\"" + JP + "\",\"qty\":1}],"
                + "\"customer\":{\"email\":\"ann@example.com\",\"name\":\"Ann\\u0000Smith\"}}", "corr-Q-71"));
        String longCorrelationId = "c".repeat(201);
        send(withCorrelation(order("Q-72", JP, 1), longCorrelationId));
        TextMessage longReplyTo = session.createTextMessage(order("Q-73", JP, 1));
        longReplyTo.setJMSCorrelationID("corr-Q-73");
        longReplyTo.setJMSReplyTo(session.createQueue("r".repeat(501)));
        send(longReplyTo);

        assertThat(event("esim.orders.results", "corr-Q-71").path("errors")).extracting(JsonNode::asText)
                .containsExactly("customer name contains a NUL character");
        assertThat(event("esim.orders.results", longCorrelationId).path("errors")).extracting(JsonNode::asText)
                .containsExactly("JMSCorrelationID is longer than 200 characters");
        assertThat(event("r".repeat(501), "corr-Q-73").path("errors")).extracting(JsonNode::asText)
                .containsExactly("JMSReplyTo is longer than 500 characters");
        assertThat(app.jdbc().queryForObject("SELECT COUNT(*) FROM orders WHERE external_order_id IN"
                + " ('Q-71', 'Q-72', 'Q-73')", Integer.class)).isZero();
    }

    @Test
    void anOrderOfMoreUnitsThanTheLimitIsRejectedAndNotSent() throws Exception {
        send(withCorrelation(order("Q-12", JP, 1000), "corr-Q-12"));

        JsonNode event = event("esim.orders.results", "corr-Q-12");
        assertThat(event.path("event").asText()).isEqualTo("rejected");
        assertThat(event.path("errors")).extracting(JsonNode::asText)
                .containsExactly("order has 1000 units, more than esim.order.max-units=100");
        // refused here: not recorded, so never sent
        assertThat(app.jdbc().queryForObject("SELECT COUNT(*) FROM orders WHERE external_order_id = 'Q-12'",
                Integer.class)).isZero();
    }

    @Test
    void inboundPropertiesChangeNothing() throws Exception {
        TextMessage message = session.createTextMessage(order("Q-9", JP, 1));
        message.setJMSCorrelationID("corr-Q-9");
        message.setStringProperty("CamelHttpUri", trap.url() + "/trap");
        message.setStringProperty("CamelHttpPath", "/trap");
        message.setStringProperty("To", "attacker@example.com");
        message.setStringProperty("Bcc", "attacker@example.com");
        // Camel maps this JMS property to the header X-Esim-Story-Access-Key: the sandbox would refuse it (401)
        message.setStringProperty("X_HYPHEN_Esim_HYPHEN_Story_HYPHEN_Access_HYPHEN_Key", "forged");
        send(message);

        JsonNode event = event("esim.orders.results", "corr-Q-9");
        assertThat(event.path("event").asText()).isEqualTo("accepted");
        assertThat(trap.requests).isEmpty();
        assertThat(app.jdbc().queryForObject("SELECT customer_email FROM orders WHERE external_order_id = 'Q-9'",
                String.class)).isNull();
        // the eSIM's email (the order has no customer email: to the operations address) names nobody else
        Path outbox = app.dataDir.resolve("outbox");
        await().atMost(Duration.ofSeconds(30)).until(() -> emlFor("Q-9", outbox) != null);
        String eml = emlFor("Q-9", outbox);
        assertThat(eml).contains("ops@localhost").doesNotContainIgnoringCase("attacker");
    }

    private static String emlFor(String orderId, Path outbox) throws IOException {
        String topupId = app.jdbc().queryForList("SELECT topup_id FROM esim_items WHERE external_order_id = ?",
                String.class, orderId).stream().findFirst().orElse(null);
        if (topupId == null || !Files.isDirectory(outbox)) {
            return null;
        }
        try (Stream<Path> files = Files.list(outbox)) {
            // an email still being written has the file component's temp prefix (esim.mail.outbox-dir, .writing-)
            for (Path file : files.filter(f -> f.toString().endsWith(".eml")
                    && !f.getFileName().toString().startsWith(".writing-")).toList()) {
                String text = Files.readString(file);
                if (text.contains(topupId)) {
                    return text;
                }
            }
        }
        return null;
    }

    @Test
    void anOrderThatCannotBeRecordedIsRedeliveredThenSentToTheDlq() throws Exception {
        app.jdbc().execute("ALTER TABLE order_history RENAME TO order_history_offline");
        try {
            send(withCorrelation(order("Q-10", JP, 1), "corr-Q-10"));
            Message dead = receive("esim.orders.dlq", "corr-Q-10");
            assertThat(dead.getStringProperty("esimError")).startsWith("not recorded after 3 deliveries: ");
            assertThat(((TextMessage) dead).getText()).isEqualTo(order("Q-10", JP, 1));
        } finally {
            app.jdbc().execute("ALTER TABLE order_history_offline RENAME TO order_history");
        }
        assertThat(app.jdbc().queryForObject("SELECT COUNT(*) FROM sandbox_orders WHERE external_order_id = 'Q-10'",
                Integer.class)).isZero();
    }

    @Test
    void publishOrderEventLooksUpQueueOrdersAndIgnoresOthers() throws Exception {
        TextMessage message = session.createTextMessage(order("Q-11", KR, 1));
        message.setJMSReplyTo(session.createQueue("client.replies"));
        message.setJMSCorrelationID("corr-Q-11");
        send(message);
        receive("client.replies", "corr-Q-11");

        // as the webhook stage does when every eSIM of the order has arrived
        app.template().sendBody("direct:publish-order-event",
                new OrderOutcome("Q-11", OrderStatus.COMPLETED, false, List.of("1"), List.of()));
        JsonNode completed = event("client.replies", "corr-Q-11");
        assertThat(completed.path("event").asText()).isEqualTo("completed");

        // a file order gets no event
        app.template().requestBody("direct:submit-order", new Order("F-EVENT-1", List.of(new Order.OrderProduct(JP, 1)),
                null, Order.OrderSource.file("test.csv", "2")));
        app.template().sendBody("direct:publish-order-event",
                new OrderOutcome("F-EVENT-1", OrderStatus.COMPLETED, false, List.of(), List.of()));
        try (MessageConsumer consumer = session.createConsumer(session.createQueue("esim.orders.results"),
                "externalOrderId = 'F-EVENT-1'")) {
            assertThat(consumer.receive(1000)).isNull();
        }
    }

    @Test
    void theExampleMessageIsSentWithTheSendOrderTool() throws Exception {
        String event = SendOrder.send("tcp://localhost:" + app.property("esim.broker.embedded-port"), "esim.orders",
                "esim.orders.results", Path.of("examples/order-message.json"), 20_000);

        assertThat(Json.MAPPER.readTree(event).path("external_order_id").asText()).isEqualTo("EX-MSG-1");
        assertThat(Json.MAPPER.readTree(event).path("event").asText()).isEqualTo("accepted");
    }

    public static String order(String id, String optionId, int qty) {
        return "{\"external_order_id\":\"" + id + "\",\"products\":[{\"option_id\":\"" + optionId + "\",\"qty\":" + qty
                + "}],\"customer\":{\"name\":\"Queue Customer\"}}";
    }

    @Test
    void aMessageIsAcknowledgedOnceItsOrderIsRecordedSoAProviderOutageHoldsNoConsumer() throws Exception {
        SandboxFaults sandbox = app.context().getRegistry().lookupByNameAndType("sandboxFaults", SandboxFaults.class);
        List<String> ids = List.of("Q-30", "Q-31", "Q-32", "Q-33", "Q-34", "Q-35");
        int takenBefore = sandbox.ordersTaken();
        sandbox.setRate(SandboxFaults.Fault.UNAVAILABLE, 1.0);
        try {
            // three times as many messages as JMS consumers: each consumer goes on once its order is recorded
            for (String id : ids) {
                send(withCorrelation(order(id, JP, 1), "corr-" + id));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> app.jdbc().queryForObject(
                    "SELECT COUNT(*) FROM orders WHERE external_order_id IN ('Q-30','Q-31','Q-32','Q-33','Q-34','Q-35')"
                            + " AND status IN ('RECEIVED', 'SENDING')", Integer.class) == ids.size());
            assertThat(sandbox.ordersTaken()).as("the provider is down").isEqualTo(takenBefore);
        } finally {
            sandbox.setRate(SandboxFaults.Fault.UNAVAILABLE, 0);
        }

        // the senders retry, and each outcome is still published
        for (String id : ids) {
            JsonNode event = event("esim.orders.results", "corr-" + id);
            assertThat(event.path("event").asText()).isEqualTo("accepted");
            assertThat(event.path("external_order_id").asText()).isEqualTo(id);
        }
        // marked as no longer owed within a round of the event clearer
        await().atMost(Duration.ofSeconds(5)).until(() -> app.jdbc().queryForObject("SELECT COUNT(*) FROM orders"
                + " WHERE external_order_id IN ('Q-30','Q-31','Q-32','Q-33','Q-34','Q-35') AND event_due = FALSE",
                Integer.class) == 6);
    }

    @Test
    void anOutcomeEventThatAStoppedInstanceOwedIsPublishedByRecovery() throws Exception {
        // what a crash right after the order's final state and before its event leaves behind
        app.jdbc().update("INSERT INTO orders (external_order_id, status, source_type, source_ref, correlation_id,"
                + " event_due, updated_at) VALUES ('Q-40', 'REJECTED', 'QUEUE', 'ID:msg-40', 'corr-Q-40', TRUE,"
                + " CURRENT_TIMESTAMP - INTERVAL '5' MINUTE)");

        JsonNode event = event("esim.orders.results", "corr-Q-40");

        assertThat(event.path("event").asText()).isEqualTo("rejected");
        assertThat(event.path("external_order_id").asText()).isEqualTo("Q-40");
        await().atMost(Duration.ofSeconds(5)).until(() -> !app.jdbc().queryForObject(
                "SELECT event_due FROM orders WHERE external_order_id = 'Q-40'", Boolean.class));
        assertThat(receiveOrNull("esim.orders.results", "corr-Q-40", 3000)).as("published once").isNull();
    }

    private static TextMessage withCorrelation(String text, String correlationId) throws JMSException {
        TextMessage message = session.createTextMessage(text);
        message.setJMSCorrelationID(correlationId);
        return message;
    }

    private static void send(Message message) throws JMSException {
        try (var producer = session.createProducer(session.createQueue("esim.orders"))) {
            producer.send(message);
        }
    }

    /** The JSON of the event on {@code queue} with that JMSCorrelationID. */
    private static JsonNode event(String queue, String correlationId) throws Exception {
        return Json.MAPPER.readTree(((TextMessage) receive(queue, correlationId)).getText());
    }

    private static Message receive(String queue, String correlationId) throws JMSException {
        Message message = receiveOrNull(queue, correlationId, 20_000);
        assertThat(message).as("a message on %s with JMSCorrelationID %s", queue, correlationId).isNotNull();
        return message;
    }

    private static Message receiveOrNull(String queue, String correlationId, long timeoutMs) throws JMSException {
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue),
                "JMSCorrelationID = '" + correlationId + "'")) {
            return consumer.receive(timeoutMs);
        }
    }
}
