package com.esimorders.tools;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Sends a file's content as one order message and prints the outcome event:
 * {@code java -cp target/esim-orders.jar com.esimorders.tools.SendOrder examples/order-message.json}.
 * Uses ESIM_BROKER_URL (default the dev broker, tcp://localhost:61616), ESIM_ORDERS_QUEUE and ESIM_RESULTS_QUEUE.
 */
public final class SendOrder {

    private SendOrder() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: SendOrder <order.json>");
            System.exit(2);
        }
        Map<String, String> env = System.getenv();
        String event = send(env.getOrDefault("ESIM_BROKER_URL", "tcp://localhost:61616"),
                env.getOrDefault("ESIM_ORDERS_QUEUE", "esim.orders"),
                env.getOrDefault("ESIM_RESULTS_QUEUE", "esim.orders.results"), Path.of(args[0]), 30_000);
        System.out.println(event == null ? "no event within 30 s" : event);
    }

    /** Sends the order and waits up to {@code waitMs} for its event; returns the event's JSON, or null. */
    public static String send(String brokerUrl, String ordersQueue, String resultsQueue, Path file, long waitMs)
            throws JMSException, IOException {
        String order = Files.readString(file, StandardCharsets.UTF_8);
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(brokerUrl);
                Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage message = session.createTextMessage(order);
            try (MessageProducer producer = session.createProducer(session.createQueue(ordersQueue))) {
                producer.send(message);
            }
            System.out.println("sent " + file + " as " + message.getJMSMessageID() + " to " + ordersQueue);
            // the event is correlated by our JMSMessageID, as the message has no JMSCorrelationID
            try (MessageConsumer consumer = session.createConsumer(session.createQueue(resultsQueue),
                    "JMSCorrelationID = '" + message.getJMSMessageID() + "'")) {
                Message event = consumer.receive(waitMs);
                return event == null ? null : ((TextMessage) event).getText();
            }
        }
    }
}
