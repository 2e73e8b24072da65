package com.esimorders.crash;

import com.esimorders.TestApp;
import com.esimorders.queue.EmbeddedBroker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A crash between a queue message's acknowledgement and its order's send: 300 order messages on {@code esim.orders}
 * (each with its own JMSCorrelationID, no JMSReplyTo) through the packaged jar (prod profile, a child JVM) against an
 * external Artemis broker run in this JVM, the provider stand-in and GreenMail.
 * <p>
 * The stand-in answers each order request only after 2 s ({@code -Desim.crash.queue-latency-ms}), so the application
 * records and acknowledges the messages much faster than it can send their orders. Once every order is recorded (the
 * application's own gauge {@code esim_orders}, summed over the statuses) and the broker holds no message of
 * {@code esim.orders} (neither waiting nor being delivered: all acknowledged) while the provider has taken fewer than
 * all, the application is SIGKILLed: the orders it held in memory for its senders are gone, the messages too. The
 * database is read while it is dead, the stand-in made fast again, and the application restarted on the same
 * database; recovery must send what the dead instance left RECEIVED or SENDING, and publish the events it owed.
 * <p>
 * What is checked at the end, counting what the provider, the database and the broker saw: every order taken by the
 * provider exactly once; every order {@code ACCEPTED} or {@code COMPLETED}; every eSIM the provider issued stored;
 * at least one outcome event per order on {@code esim.orders.results}, under the order message's JMSCorrelationID
 * (events are at least once: repeats are counted and reported, not failed); nothing left on {@code esim.orders},
 * nothing on {@code esim.orders.dlq}. A one-line summary goes to {@code target/crash/summary.txt}.
 * <p>
 * H2 file database by default; PostgreSQL with {@code -Desim.test.postgres.url=...} as for {@link CrashIT}.
 * {@code -Desim.crash.queue-orders=N} sets the load.
 */
@Tag("database")
@Tag("crash")
@Tag("kill")
class QueueCrashIT {

    private static final String NAME = "QueueCrashIT";
    private static final int ORDERS = Integer.getInteger("esim.crash.queue-orders", 300);
    private static final Duration LATENCY = Duration.ofMillis(Integer.getInteger("esim.crash.queue-latency-ms", 2_000));
    private static final String ORDERS_QUEUE = "esim.orders";
    private static final String RESULTS_QUEUE = "esim.orders.results";
    private static final String DLQ = "esim.orders.dlq";
    private static final Duration TRIGGER_WITHIN = Duration.ofMinutes(2);
    /** After the restart: every order final, taken, its eSIMs stored and its event published within this. */
    private static final Duration FINISH_WITHIN = Duration.ofMinutes(3);
    private static final Set<String> FINAL_OK = Set.of("ACCEPTED", "COMPLETED");
    private static final Pattern ORDERS_GAUGE = Pattern.compile("^esim_orders\\{[^}]*status=\"([A-Z_]+)\"[^}]*} (\\S+)$",
            Pattern.MULTILINE);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anOrderAcknowledgedButNotYetSentIsSentOnceAfterAKillAndItsEventPublished() throws Exception {
        int brokerPort = TestApp.freePort();
        try (Broker broker = Broker.start(brokerPort);
                CrashScenario scenario = CrashScenario.start(NAME, ORDERS, Map.of(
                        "ESIM_BROKER_URL", broker.url(),
                        // a killed instance's claims are free after 5 s instead of 20 s (heartbeat at most half)
                        "ESIM_INSTANCE_HEARTBEAT_MS", "1000",
                        "ESIM_INSTANCE_DEAD_AFTER_MS", "5000",
                        // the gauge esim_orders is how this test sees the recorded orders while H2 is held by the app
                        "ESIM_METRICS_REFRESH_INTERVAL", "1s"));
                Events events = new Events(broker.url())) {
            Run run = new Run(scenario, broker, events);
            run.go();
        }
    }

    /** One run: the load, the kill, the restart, the wait, the checks. */
    private static final class Run {
        private final CrashScenario scenario;
        private final Broker broker;
        private final Events events;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        /** JMSCorrelationID -> external_order_id, as sent */
        private final Map<String, String> sent = new LinkedHashMap<>();
        private final List<String> failures = new ArrayList<>();
        private final Map<String, String> summary = new LinkedHashMap<>();
        private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "queue-crash-progress");
            thread.setDaemon(true);
            return thread;
        });
        private volatile Map<String, Long> lastGauge = Map.of();

        Run(CrashScenario scenario, Broker broker, Events events) {
            this.scenario = scenario;
            this.broker = broker;
            this.events = events;
        }

        void go() throws Exception {
            ProviderStandIn provider = scenario.provider();
            AppProcess app = scenario.app();
            provider.latency(LATENCY);
            sendOrders();
            Instant handedOver = Instant.now();
            scenario.loadHandedOver("sent " + ORDERS + " order messages to " + ORDERS_QUEUE + " (provider latency "
                    + LATENCY.toMillis() + " ms per request)");
            ticker.scheduleWithFixedDelay(() -> scenario.log(progress()), 5, 5, TimeUnit.SECONDS);
            try {
                // --- the kill: everything recorded and acknowledged, not everything sent ---
                boolean reached = CrashScenario.waitUntil(TRIGGER_WITHIN, Duration.ofMillis(100), () -> !app.isAlive()
                        || provider.ordersTaken() >= ORDERS
                        || recorded() >= ORDERS && broker.count(ORDERS_QUEUE) == 0);
                int takenAtKill = provider.ordersTaken();
                long queueAtKill = broker.count(ORDERS_QUEUE);
                long recordedAtKill = recorded();
                if (!app.isAlive()) {
                    throw new AssertionError("the application exited by itself (exit code " + app.exitCode()
                            + ") before the kill: " + progress() + "; see " + app.currentLog());
                }
                if (!reached || takenAtKill >= ORDERS) {
                    throw new AssertionError("kill point never reached (all " + ORDERS + " recorded and acknowledged"
                            + " while fewer were taken) within " + TRIGGER_WITHIN + ": " + progress());
                }
                String at = "+" + CrashScenario.seconds(Duration.between(handedOver, Instant.now())).replace(" ", "");
                String progressAtKill = progress();
                app.kill();
                Map<String, AppDatabase.QueueOrderRow> atKill = scenario.database().queueOrders();
                Map<String, Long> byStatusAtKill = byStatus(atKill);
                provider.latency(Duration.ZERO);
                scenario.log("killed (all recorded and acknowledged, not all sent) at " + at + ": " + progressAtKill
                        + "; the database holds " + atKill.size() + " orders " + byStatusAtKill + ", event_due on "
                        + atKill.values().stream().filter(AppDatabase.QueueOrderRow::eventDue).count());
                Duration startup = app.start();
                Instant restarted = Instant.now();
                scenario.log("restarted (provider latency 0), healthy in " + CrashScenario.seconds(startup));

                summary.put("scenario", NAME);
                summary.put("db", scenario.isH2() ? "H2" : "PostgreSQL");
                summary.put("orders", String.valueOf(ORDERS));
                summary.put("providerLatency", LATENCY.toMillis() + "ms");
                summary.put("kill", at);
                summary.put("atKill", "taken=" + takenAtKill + ",recorded=" + atKill.size() + ",gauge="
                        + recordedAtKill + ",ordersQueue=" + queueAtKill + ",byStatus="
                        + byStatusAtKill.toString().replace(" ", ""));
                summary.put("healthyAgainIn", CrashScenario.seconds(startup).replace(" ", ""));
                checkAtKill(atKill, takenAtKill);

                // --- the wait: every order final, taken, its eSIMs in, its event out ---
                boolean finished = CrashScenario.waitUntil(FINISH_WITHIN, Duration.ofSeconds(1),
                        () -> !app.isAlive() || done());
                finished = finished && app.isAlive() && done();
                boolean exitedByItself = !app.isAlive();
                Duration waited = Duration.between(restarted, Instant.now());
                scenario.log((finished ? "finished " : "NOT finished ") + CrashScenario.seconds(waited)
                        + " after the restart was healthy: " + progress());
                summary.put("finished", finished ? "yes" : "no");
                summary.put("finishedAfterRestart", CrashScenario.seconds(waited).replace(" ", ""));
                expect(!exitedByItself, "the application exited during the final wait (exit code %d); see %s",
                        app.exitCode(), app.currentLog());
                expect(finished, "not finished within %s after the restart: %s", FINISH_WITHIN, progress());
            } finally {
                ticker.shutdownNow();
            }
            app.stop();
            // events published up to the stop: let the listener take what the broker still has
            CrashScenario.waitUntil(Duration.ofSeconds(10), Duration.ofMillis(200), () -> broker.count(RESULTS_QUEUE) == 0);
            checkEnd();
            CrashScenario.writeSummary(summary.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(" ")));
            if (!failures.isEmpty()) {
                StringBuilder message = new StringBuilder(NAME + ": " + failures.size() + " checks failed (logs under "
                        + CrashScenario.CRASH_DIR + "):");
                failures.forEach(failure -> message.append(System.lineSeparator()).append(" - ").append(failure));
                throw new AssertionError(message.toString());
            }
        }

        private void sendOrders() throws JMSException {
            try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(broker.url());
                    Connection connection = factory.createConnection()) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                try (MessageProducer producer = session.createProducer(session.createQueue(ORDERS_QUEUE))) {
                    producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                    int n = 0;
                    for (OrderFile.Line line : scenario.orders().lines()) {
                        n++;
                        ObjectNode order = JSON.createObjectNode().put("external_order_id", line.externalOrderId());
                        order.putArray("products").addObject()
                                .put("option_id", line.optionId()).put("qty", 1);
                        order.putObject("customer").put("email", "customer" + n + "@example.com")
                                .put("name", "Customer " + n);
                        TextMessage message = session.createTextMessage(order.toString());
                        String correlationId = "qc-" + n + "-" + line.externalOrderId();
                        message.setJMSCorrelationID(correlationId);
                        producer.send(message);
                        sent.put(correlationId, line.externalOrderId());
                    }
                }
            }
        }

        /** Every order final (gauge), taken, its webhooks answered, its event seen, the order queue empty. */
        private boolean done() {
            ProviderStandIn provider = scenario.provider();
            WebhookSender webhooks = scenario.webhooks();
            Map<String, Long> gauge = gauge();
            long total = gauge.values().stream().mapToLong(Long::longValue).sum();
            long open = gauge.getOrDefault("RECEIVED", 0L) + gauge.getOrDefault("SENDING", 0L);
            return total >= ORDERS && open == 0
                    && provider.ordersTaken() >= ORDERS
                    && webhooks.answeredCount() + webhooks.gaveUp().size() >= provider.issuedTopupIds().size()
                    && events.correlationIds().containsAll(sent.keySet())
                    && broker.count(ORDERS_QUEUE) == 0;
        }

        private void checkAtKill(Map<String, AppDatabase.QueueOrderRow> atKill, int takenAtKill) {
            Set<String> missing = new java.util.TreeSet<>(sent.values());
            missing.removeAll(atKill.keySet());
            expect(missing.isEmpty(), "at the kill, %d acknowledged orders were not in the database, e.g. %s",
                    missing.size(), missing.stream().limit(5).toList());
            long open = atKill.values().stream().filter(row -> Set.of("RECEIVED", "SENDING").contains(row.status()))
                    .count();
            expect(open > 0, "at the kill no order was RECEIVED or SENDING (taken %d): the kill missed the window",
                    takenAtKill);
        }

        private void checkEnd() throws InterruptedException {
            ProviderStandIn provider = scenario.provider();
            expect(provider.standInErrors() == 0, "harness: the provider stand-in failed %d requests",
                    provider.standInErrors());
            expect(scenario.webhooks().senderErrors() == 0, "harness: the webhook sender failed %d times",
                    scenario.webhooks().senderErrors());

            // the provider
            Set<String> ids = Set.copyOf(sent.values());
            Set<String> taken = provider.takenOrderIds();
            Map<String, Integer> refused = provider.refusedAsTaken();
            summary.put("taken", taken.stream().filter(ids::contains).count() + "/" + ORDERS);
            summary.put("providerRequests", String.valueOf(provider.requests()));
            summary.put("providerAnswers", provider.answersByStatus().replace(" ", ""));
            summary.put("refusedAsAlreadyTaken", String.valueOf(refused.values().stream().mapToInt(i -> i).sum()));
            List<String> notOnce = ids.stream().filter(id -> provider.timesTaken(id) != 1).sorted()
                    .map(id -> id + " x" + provider.timesTaken(id)).toList();
            expect(notOnce.isEmpty(), "orders not taken by the provider exactly once: %d, e.g. %s", notOnce.size(),
                    notOnce.stream().limit(5).toList());
            List<String> foreign = taken.stream().filter(id -> !ids.contains(id)).toList();
            expect(foreign.isEmpty(), "orders taken that were never sent: %s", foreign);

            // the database
            AppDatabase.Snapshot end = scenario.database().snapshot();
            Map<String, AppDatabase.QueueOrderRow> rows = scenario.database().queueOrders();
            Map<String, Long> byStatus = byStatus(rows);
            summary.put("ordersByStatus", byStatus.toString().replace(" ", ""));
            summary.put("sentMoreThanOnce", String.valueOf(rows.values().stream().filter(r -> r.attempts() > 1).count()));
            List<String> notFinal = new ArrayList<>();
            List<String> wrongRow = new ArrayList<>();
            sent.forEach((correlationId, id) -> {
                AppDatabase.QueueOrderRow row = rows.get(id);
                if (row == null || !FINAL_OK.contains(row.status())) {
                    AppDatabase.OrderRow order = end.orders().get(id);
                    notFinal.add(id + " " + (row == null ? "missing" : row.status() + " (" + order.lastError() + ")"));
                } else if (!"QUEUE".equals(row.sourceType()) || !correlationId.equals(row.correlationId())) {
                    wrongRow.add(id + " source " + row.sourceType() + " correlation " + row.correlationId());
                }
            });
            expect(notFinal.isEmpty(), "orders not ACCEPTED or COMPLETED: %d, e.g. %s", notFinal.size(),
                    notFinal.stream().limit(5).toList());
            expect(wrongRow.isEmpty(), "orders recorded without their source QUEUE or correlation id: %d, e.g. %s",
                    wrongRow.size(), wrongRow.stream().limit(5).toList());
            long eventDue = rows.values().stream().filter(AppDatabase.QueueOrderRow::eventDue).count();
            summary.put("eventDueLeft", String.valueOf(eventDue));

            Map<String, String> issued = provider.issuedTopupIds();
            List<String> notStored = issued.entrySet().stream()
                    .filter(e -> !end.esimItems().containsKey(e.getKey())
                            || !e.getValue().equals(end.esimItems().get(e.getKey()).externalOrderId()))
                    .map(Map.Entry::getKey).toList();
            summary.put("esimsStored", (issued.size() - notStored.size()) + "/" + issued.size());
            expect(notStored.isEmpty(), "eSIMs issued by the provider not stored (or under another order): %d, e.g. %s",
                    notStored.size(), notStored.stream().limit(5).toList());
            summary.put("webhooksAnswered200", scenario.webhooks().answeredCount() + "/"
                    + scenario.webhooks().scheduledCount());
            summary.put("emails", String.valueOf(scenario.mail().messages()));

            // the broker
            List<Events.Event> all = events.all();
            Map<String, Long> byType = new TreeMap<>(all.stream().collect(
                    Collectors.groupingBy(Events.Event::type, Collectors.counting())));
            Map<String, Long> perCorrelationAndType = all.stream().collect(
                    Collectors.groupingBy(e -> e.correlationId() + "/" + e.type(), Collectors.counting()));
            long repeats = perCorrelationAndType.values().stream().mapToLong(count -> count - 1).sum();
            Set<String> correlations = events.correlationIds();
            List<String> withoutEvent = sent.keySet().stream().filter(c -> !correlations.contains(c)).toList();
            List<String> unknown = correlations.stream().filter(c -> !sent.containsKey(c)).toList();
            List<String> mismatched = all.stream().filter(e -> sent.containsKey(e.correlationId())
                    && !sent.get(e.correlationId()).equals(e.externalOrderId()))
                    .map(e -> e.correlationId() + " -> " + e.externalOrderId()).toList();
            List<String> bad = all.stream().filter(e -> Set.of("rejected", "failed").contains(e.type()))
                    .map(e -> e.externalOrderId() + " " + e.type()).toList();
            summary.put("events", String.valueOf(all.size()));
            summary.put("eventCorrelations", (ORDERS - withoutEvent.size()) + "/" + ORDERS);
            summary.put("eventsByType", byType.toString().replace(" ", ""));
            summary.put("repeatedEvents", String.valueOf(repeats));
            long ordersLeft = broker.count(ORDERS_QUEUE);
            long dlq = broker.count(DLQ);
            summary.put("ordersQueueLeft", String.valueOf(ordersLeft));
            summary.put("resultsQueueLeft", String.valueOf(broker.count(RESULTS_QUEUE)));
            summary.put("dlq", String.valueOf(dlq));
            expect(withoutEvent.isEmpty(), "order messages without an outcome event on %s: %d, e.g. %s", RESULTS_QUEUE,
                    withoutEvent.size(), withoutEvent.stream().limit(5).map(sent::get).toList());
            expect(unknown.isEmpty(), "events under a JMSCorrelationID never sent: %s", unknown);
            expect(mismatched.isEmpty(), "events whose external_order_id is not their message's: %s", mismatched);
            expect(bad.isEmpty(), "rejected or failed events: %d, e.g. %s", bad.size(),
                    bad.stream().limit(5).toList());
            expect(ordersLeft == 0, "%d messages left on %s", ordersLeft, ORDERS_QUEUE);
            expect(dlq == 0, "%d messages on %s", dlq, DLQ);
            expect(events.errors() == 0, "harness: %d events could not be read", events.errors());
            summary.put("appCpu", CrashScenario.seconds(scenario.app().cpuTime()).replace(" ", ""));
            summary.put("failedChecks", String.valueOf(failures.size()));
        }

        private String progress() {
            Map<String, Long> gauge = lastGauge;
            return "recorded " + gauge.values().stream().mapToLong(Long::longValue).sum() + " " + gauge
                    + ", " + ORDERS_QUEUE + " holds " + broker.count(ORDERS_QUEUE) + ", taken "
                    + scenario.provider().ordersTaken() + "/" + ORDERS + ", webhooks answered 200 "
                    + scenario.webhooks().answeredCount() + "/" + scenario.webhooks().scheduledCount()
                    + ", events " + events.all().size() + " (orders with an event "
                    + events.correlationIds().stream().filter(sent::containsKey).count() + ")";
        }

        /** Orders in the database, by the application's gauge (sum over the statuses). */
        private long recorded() {
            return gauge().values().stream().mapToLong(Long::longValue).sum();
        }

        /** The gauge esim_orders by status from /observe/metrics (refreshed every second), or the last one read. */
        private Map<String, Long> gauge() {
            try {
                HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + scenario.httpPort() + "/observe/metrics"))
                        .timeout(Duration.ofSeconds(5)).GET().build();
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    Map<String, Long> gauge = new TreeMap<>();
                    Matcher matcher = ORDERS_GAUGE.matcher(response.body());
                    while (matcher.find()) {
                        long value = (long) Double.parseDouble(matcher.group(2));
                        if (value > 0) {
                            gauge.put(matcher.group(1), value);
                        }
                    }
                    lastGauge = gauge;
                }
            } catch (IOException e) {
                // the application is down or restarting: the last reading stands
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return lastGauge;
        }

        private void expect(boolean condition, String format, Object... args) {
            if (!condition) {
                failures.add(String.format(format, args));
            }
        }

        private static Map<String, Long> byStatus(Map<String, AppDatabase.QueueOrderRow> rows) {
            return new TreeMap<>(rows.values().stream().collect(
                    Collectors.groupingBy(AppDatabase.QueueOrderRow::status, Collectors.counting())));
        }
    }

    /** Artemis in this JVM, as the external broker of the prod profile: not persistent (it does not die here). */
    private static final class Broker implements AutoCloseable {
        private final EmbeddedActiveMQ server;
        private final int port;

        private Broker(EmbeddedActiveMQ server, int port) {
            this.server = server;
            this.port = port;
        }

        static Broker start(int port) throws Exception {
            Path dir = CrashScenario.CRASH_DIR.resolve(NAME + "-broker").toAbsolutePath();
            ConfigurationImpl config = EmbeddedBroker.configuration("queue-crash-broker", dir, port, DLQ);
            config.setPersistenceEnabled(false);
            // what application.properties asks of an external broker for the order queue (as EmbeddedBroker sets)
            config.addAddressSetting(ORDERS_QUEUE, new AddressSettings()
                    .setDeadLetterAddress(SimpleString.of(DLQ))
                    .setMaxDeliveryAttempts(31)
                    .setRedeliveryDelay(1000)
                    .setRedeliveryMultiplier(2)
                    .setMaxRedeliveryDelay(60000)
                    .setAutoCreateQueues(true)
                    .setAutoCreateAddresses(true));
            for (String queue : List.of(ORDERS_QUEUE, RESULTS_QUEUE, DLQ)) {
                config.addQueueConfiguration(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST));
            }
            EmbeddedActiveMQ server = new EmbeddedActiveMQ();
            server.setConfiguration(config);
            server.start();
            return new Broker(server, port);
        }

        String url() {
            return "tcp://127.0.0.1:" + port;
        }

        /** Messages on the queue, waiting or being delivered (not yet acknowledged); 0 when it does not exist. */
        long count(String queueName) {
            Queue queue = server.getActiveMQServer().locateQueue(SimpleString.of(queueName));
            return queue == null ? 0 : queue.getMessageCount() + queue.getDeliveringCount();
        }

        @Override
        public void close() throws Exception {
            server.stop();
        }
    }

    /** Consumes esim.orders.results from the start and keeps every event. */
    private static final class Events implements AutoCloseable {

        record Event(String correlationId, String type, String externalOrderId) {
        }

        private final ActiveMQConnectionFactory factory;
        private final Connection connection;
        private final List<Event> events = new CopyOnWriteArrayList<>();
        private final Set<String> correlationIds = ConcurrentHashMap.newKeySet();
        private final AtomicInteger errors = new AtomicInteger();

        Events(String brokerUrl) throws JMSException {
            factory = new ActiveMQConnectionFactory(brokerUrl);
            connection = factory.createConnection();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createConsumer(session.createQueue(RESULTS_QUEUE)).setMessageListener(this::onMessage);
            connection.start();
        }

        private void onMessage(Message message) {
            try {
                JsonNode event = JSON.readTree(((TextMessage) message).getText());
                String correlationId = message.getJMSCorrelationID();
                events.add(new Event(correlationId, event.path("event").asText(),
                        event.path("external_order_id").asText()));
                if (correlationId != null) {
                    correlationIds.add(correlationId);
                }
            } catch (JMSException | IOException | RuntimeException e) {
                errors.incrementAndGet();
                System.err.println("event not readable: " + e);
            }
        }

        List<Event> all() {
            return List.copyOf(events);
        }

        Set<String> correlationIds() {
            return Set.copyOf(correlationIds);
        }

        int errors() {
            return errors.get();
        }

        @Override
        public void close() throws JMSException {
            try {
                connection.close();
            } finally {
                factory.close();
            }
        }
    }
}
