package com.esimorders.order;

import com.esimorders.Daemons;
import com.esimorders.Json;
import com.esimorders.db.RowCheck;
import com.esimorders.queue.OrderMessages;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.jms.JmsConstants;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes an order's outcome as a JSON event, for orders that came from the queue only, to the queue the order
 * message named in JMSReplyTo, else to the results queue, with JMSCorrelationID set to the order message's
 * JMSCorrelationID, or its JMSMessageID when it had none (the request-reply convention).
 * <p>
 * The destination and correlation id are the exchange properties {@code esimReplyTo} / {@code esimCorrelationId}
 * when the caller sets them (the queue intake answering the message in hand, also for a duplicate of an order that
 * came from elsewhere); otherwise they are looked up in {@code orders}, and other orders get no event.
 * The event is a new message: nothing of the caller's headers goes with it.
 * <p>
 * A queue order owes its event ({@code orders.event_due}) from when it is recorded until an event of its final
 * state is published; {@link #overdue} finds the ones a crash left owed, for recovery to publish. The events
 * published are marked as no longer owed together, every {@link #CLEAR_EVERY_MS} ms in one transaction, rather than
 * with a commit each: a crash in between has their events published again (events are at least once).
 */
public class OrderEvents extends ServiceSupport {

    /** The source type whose orders get events. */
    public static final String OWED_BY_SOURCE = "QUEUE";

    public record OrderEvent(String event, String externalOrderId, String status, List<String> topupIds,
            List<String> errors) {

        static OrderEvent of(OrderOutcome outcome) {
            String event = outcome.duplicate() ? "duplicate" : outcome.status().name().toLowerCase(Locale.ROOT);
            return new OrderEvent(event, outcome.externalOrderId(), outcome.status().name(),
                    outcome.topupIds() == null ? List.of() : outcome.topupIds(),
                    outcome.errors() == null ? List.of() : outcome.errors());
        }
    }

    /** Exchange property: the outcome is of a message refused before its order was recorded. */
    public static final String NOT_RECORDED = "esimNotRecorded";
    static final long CLEAR_EVERY_MS = 100;
    private static final String CLEAR_OWED = "UPDATE orders SET event_due = FALSE WHERE external_order_id = ? AND "
            + RowCheck.of("event_due = TRUE AND status = ? AND status NOT IN ('RECEIVED', 'SENDING')");
    private static final Logger LOG = LoggerFactory.getLogger(OrderEvents.class);

    private final CamelContext context;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    /** external_order_id and status of the events published and still marked owed */
    private final Queue<Object[]> published = new ConcurrentLinkedQueue<>();
    private ScheduledExecutorService clearer;
    private final String resultsQueue;
    private ProducerTemplate template;

    public OrderEvents(CamelContext context, DataSource dataSource, String resultsQueue) {
        this.context = context;
        this.jdbc = new JdbcTemplate(dataSource);
        this.transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.resultsQueue = resultsQueue;
    }

    public void publish(Exchange exchange) throws Exception {
        OrderOutcome outcome = exchange.getIn().getMandatoryBody(OrderOutcome.class);
        String replyTo = exchange.getProperty(OrderMessages.REPLY_TO, String.class);
        String correlationId = exchange.getProperty(OrderMessages.CORRELATION_ID, String.class);
        if (replyTo == null && correlationId == null) {
            List<Map<String, Object>> rows = jdbc.queryForList("SELECT source_type, reply_to, correlation_id"
                    + " FROM orders WHERE external_order_id = ?", outcome.externalOrderId());
            if (rows.isEmpty() || !"QUEUE".equals(value(rows.get(0), "source_type"))) {
                return;
            }
            replyTo = value(rows.get(0), "reply_to");
            correlationId = value(rows.get(0), "correlation_id");
        }
        String body = Json.MAPPER.writeValueAsString(OrderEvent.of(outcome));
        String destination = replyTo == null ? resultsQueue : replyTo;
        String correlation = correlationId;
        Exchange sent = producer().send("jms:queue:" + resultsQueue + "?exchangePattern=InOnly", event -> {
            event.getIn().setBody(body);
            event.getIn().setHeader(JmsConstants.JMS_DESTINATION_NAME, destination);
            event.getIn().setHeader("JMSCorrelationID", correlation);
            event.getIn().setHeader("externalOrderId", outcome.externalOrderId());
        });
        if (sent.getException() != null) {
            throw sent.getException();
        }
        // an order refused before it was recorded has no row to mark (and its id, if any, may be another order's)
        if (!outcome.duplicate() && !exchange.getProperty(NOT_RECORDED, false, Boolean.class)) {
            published.add(new Object[] {outcome.externalOrderId(), outcome.status().name()});
        }
    }

    /**
     * Marks the events published since the last round as no longer owed, in one transaction. Must not throw: an
     * exception would cancel every later round of the scheduler, silently.
     */
    void clearPublished() {
        List<Object[]> batch = new ArrayList<>();
        for (Object[] event = published.poll(); event != null; event = published.poll()) {
            batch.add(event);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            // rows locked in one order: another instance's round (recovery may publish the same order) cannot deadlock
            batch.sort(Comparator.comparing(event -> (String) event[0]));
            transaction.executeWithoutResult(status -> jdbc.batchUpdate(CLEAR_OWED, batch));
        } catch (RuntimeException e) {
            LOG.warn("{} outcome event(s) published but still marked owed (database unavailable?): recovery publishes"
                    + " them again: {}", batch.size(), e.getMessage());
        }
    }

    @Override
    protected void doStart() {
        clearer = Daemons.scheduler("esim-order-events");
        clearer.scheduleWithFixedDelay(this::clearPublished, CLEAR_EVERY_MS, CLEAR_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    /** After the routes have stopped (a service stops after them): the last events published are cleared too. */
    @Override
    protected void doStop() throws InterruptedException {
        if (clearer != null) {
            clearer.shutdown();
            clearer.awaitTermination(5, TimeUnit.SECONDS);
        }
        clearPublished();
    }

    /**
     * Up to {@code limit} queue orders in a final state whose event is still owed a while after they got there (the
     * instance that sent them died before publishing).
     */
    public List<String> overdue(int limit) {
        return jdbc.queryForList("SELECT external_order_id FROM orders WHERE event_due = TRUE"
                + " AND status NOT IN ('RECEIVED', 'SENDING') AND updated_at < CURRENT_TIMESTAMP - INTERVAL '30' SECOND"
                + " ORDER BY updated_at FETCH FIRST " + limit + " ROWS ONLY", String.class);
    }

    private synchronized ProducerTemplate producer() {
        if (template == null) {
            template = context.createProducerTemplate();
        }
        return template;
    }

    /** Column labels are upper case on H2 and lower case on PostgreSQL. */
    private static String value(Map<String, Object> row, String column) {
        Object value = row.containsKey(column) ? row.get(column) : row.get(column.toUpperCase(Locale.ROOT));
        return value == null ? null : value.toString();
    }
}
