package com.esimorders.submit;

import com.esimorders.order.Order;
import com.esimorders.order.Order.Customer;
import com.esimorders.order.Order.OrderProduct;
import com.esimorders.order.Order.OrderSource;
import com.esimorders.order.OrderOutcome;
import com.esimorders.order.OrderStatus;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The durable order state: orders, their lines, their eSIM items and the history of every status change.
 * A status change and its history row are written in one transaction.
 */
public class OrderStore {

    private static final int MAX_TEXT = 4000;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final Duration claim;

    public OrderStore(DataSource dataSource, Clock clock, Duration claim) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.clock = clock;
        this.claim = claim;
    }

    /**
     * Records a new order as RECEIVED, claimed by the caller for sending. Returns empty when it was recorded, or
     * the existing order's outcome (marked duplicate) when its external_order_id is already known.
     */
    public Optional<OrderOutcome> record(Order order) {
        try {
            transaction.executeWithoutResult(status -> {
                OrderSource source = order.source();
                Customer customer = order.customer() == null ? new Customer(null, null) : order.customer();
                jdbc.update("INSERT INTO orders (external_order_id, status, customer_email, customer_name, source_type,"
                                + " source_ref, reply_to, correlation_id, claimed_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        order.externalOrderId(), OrderStatus.RECEIVED.name(), customer.email(), customer.name(),
                        source.type(), truncate(source.ref(), 1000), source.replyTo(), source.correlationId(),
                        claimUntil());
                int lineNo = 1;
                for (OrderProduct product : order.products()) {
                    jdbc.update("INSERT INTO order_lines (external_order_id, line_no, option_id, qty) VALUES (?, ?, ?, ?)",
                            order.externalOrderId(), lineNo++, product.optionId(), product.qty());
                }
                history(order.externalOrderId(), null, OrderStatus.RECEIVED, 0, "from " + source.type() + " " + source.ref());
            });
            return Optional.empty();
        } catch (DuplicateKeyException e) {
            OrderOutcome existing = outcome(order.externalOrderId());
            return Optional.of(new OrderOutcome(existing.externalOrderId(), existing.status(), true,
                    existing.topupIds(), existing.errors()));
        }
    }

    /** Loads a recorded order, to send it again (recovery, replay). */
    public Order load(String externalOrderId) {
        List<OrderProduct> products = jdbc.query(
                "SELECT option_id, qty FROM order_lines WHERE external_order_id = ? ORDER BY line_no",
                (rs, i) -> new OrderProduct(rs.getString(1), rs.getInt(2)), externalOrderId);
        return jdbc.queryForObject("SELECT customer_email, customer_name, source_type, source_ref, reply_to,"
                        + " correlation_id FROM orders WHERE external_order_id = ?",
                (rs, i) -> new Order(externalOrderId, products, new Customer(rs.getString(1), rs.getString(2)),
                        new OrderSource(rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6))),
                externalOrderId);
    }

    public OrderOutcome outcome(String externalOrderId) {
        List<String> topupIds = jdbc.queryForList(
                "SELECT topup_id FROM esim_items WHERE external_order_id = ? ORDER BY topup_id", String.class,
                externalOrderId);
        return jdbc.queryForObject("SELECT status, last_error FROM orders WHERE external_order_id = ?",
                (rs, i) -> new OrderOutcome(externalOrderId, OrderStatus.valueOf(rs.getString(1)), false, topupIds,
                        rs.getString(2) == null ? List.of() : List.of(rs.getString(2).split("\n"))),
                externalOrderId);
    }

    /**
     * Starts an attempt: SENDING, attempts + 1, claimed for the retry budget. An order that its webhooks completed
     * meanwhile (an earlier attempt got through) stays COMPLETED. Returns the attempt number.
     */
    public int startAttempt(String externalOrderId, String detail) {
        return transaction.execute(status -> {
            OrderStatus from = currentStatus(externalOrderId);
            OrderStatus to = from == OrderStatus.COMPLETED ? OrderStatus.COMPLETED : OrderStatus.SENDING;
            jdbc.update("UPDATE orders SET status = ?, attempts = attempts + 1, claimed_until = ?,"
                            + " updated_at = CURRENT_TIMESTAMP WHERE external_order_id = ?",
                    to.name(), claimUntil(), externalOrderId);
            int attempt = jdbc.queryForObject("SELECT attempts FROM orders WHERE external_order_id = ?",
                    Integer.class, externalOrderId);
            history(externalOrderId, from, to, attempt, detail);
            return attempt;
        });
    }

    /** An attempt ended without an answer we can trust: the provider may have taken the order. */
    public void markUncertain(String externalOrderId) {
        jdbc.update("UPDATE orders SET uncertain = TRUE WHERE external_order_id = ?", externalOrderId);
    }

    public boolean isUncertain(String externalOrderId) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT uncertain FROM orders WHERE external_order_id = ?", Boolean.class, externalOrderId));
    }

    /** The provider took the order: one ORDERED item per topup_id (a webhook may have created it already). */
    public void accept(String externalOrderId, List<ProviderResponse.Item> items, String detail) {
        for (ProviderResponse.Item item : items) {
            try {
                jdbc.update("INSERT INTO esim_items (topup_id, external_order_id, option_id, status)"
                                + " SELECT ?, ?, ?, 'ORDERED' WHERE NOT EXISTS (SELECT 1 FROM esim_items WHERE topup_id = ?)",
                        item.topupId(), externalOrderId, item.optionId(), item.topupId());
            } catch (DuplicateKeyException raceWithWebhook) {
                // its webhook was stored between our check and insert: the item is there, which is all we need
            }
        }
        finish(externalOrderId, OrderStatus.ACCEPTED, detail, null);
    }

    /**
     * Ends the sending of an order in {@code to} (ACCEPTED, REJECTED or FAILED), unless a webhook completed it
     * meanwhile. {@code errors} become last_error (one per line).
     */
    public void finish(String externalOrderId, OrderStatus to, String detail, List<String> errors) {
        transaction.executeWithoutResult(status -> {
            OrderStatus from = currentStatus(externalOrderId);
            if (from == OrderStatus.COMPLETED) {
                return;
            }
            int attempt = jdbc.queryForObject("SELECT attempts FROM orders WHERE external_order_id = ?",
                    Integer.class, externalOrderId);
            jdbc.update("UPDATE orders SET status = ?, last_error = ?, claimed_until = NULL,"
                            + " updated_at = CURRENT_TIMESTAMP WHERE external_order_id = ?",
                    to.name(), errors == null || errors.isEmpty() ? null : truncate(String.join("\n", errors), MAX_TEXT),
                    externalOrderId);
            history(externalOrderId, from, to, attempt, detail);
        });
    }

    /** Replay: a FAILED order becomes RECEIVED again and is claimed by the caller. False if it was not FAILED. */
    public boolean reopenFailed(String externalOrderId) {
        return reopen(externalOrderId, false);
    }

    /**
     * Operator replay: a FAILED order (or, when {@code allowRejected}, a REJECTED one) becomes RECEIVED again and is
     * claimed by the caller. False, and nothing changes, when the order is in any other state.
     */
    public boolean reopen(String externalOrderId, boolean allowRejected) {
        String from = allowRejected ? "('FAILED', 'REJECTED')" : "('FAILED')";
        return Boolean.TRUE.equals(transaction.execute(status -> {
            List<String> current = jdbc.queryForList("SELECT status FROM orders WHERE external_order_id = ?"
                    + " AND status IN " + from + " FOR UPDATE", String.class, externalOrderId);
            if (current.isEmpty()) {
                return false;
            }
            jdbc.update("UPDATE orders SET status = 'RECEIVED', claimed_until = ?, updated_at = CURRENT_TIMESTAMP"
                    + " WHERE external_order_id = ? AND status IN " + from, claimUntil(), externalOrderId);
            int attempt = jdbc.queryForObject("SELECT attempts FROM orders WHERE external_order_id = ?",
                    Integer.class, externalOrderId);
            history(externalOrderId, OrderStatus.valueOf(current.get(0)), OrderStatus.RECEIVED, attempt,
                    "replay requested by operator");
            return true;
        }));
    }

    /**
     * Claims up to {@code limit} orders left in RECEIVED or SENDING whose claim has run out (the instance that
     * held them stopped), for sending again. Several instances may call this at once: each order goes to one.
     */
    public List<String> claimAbandoned(int limit) {
        Timestamp now = Timestamp.from(clock.instant());
        List<String> candidates = jdbc.queryForList("SELECT external_order_id FROM orders"
                        + " WHERE status IN ('RECEIVED', 'SENDING') AND (claimed_until IS NULL OR claimed_until < ?)"
                        + " ORDER BY updated_at", String.class, now);
        return candidates.stream().limit(limit).filter(id -> jdbc.update(
                "UPDATE orders SET claimed_until = ?, uncertain = CASE WHEN status = 'SENDING' THEN TRUE ELSE uncertain END"
                        + " WHERE external_order_id = ? AND status IN ('RECEIVED', 'SENDING')"
                        + " AND (claimed_until IS NULL OR claimed_until < ?)", claimUntil(), id, now) == 1)
                .toList();
    }

    /** Reads the status and locks the order row until the transaction ends (a webhook may complete it meanwhile). */
    private OrderStatus currentStatus(String externalOrderId) {
        return OrderStatus.valueOf(jdbc.queryForObject(
                "SELECT status FROM orders WHERE external_order_id = ? FOR UPDATE", String.class, externalOrderId));
    }

    private void history(String externalOrderId, OrderStatus from, OrderStatus to, int attempt, String detail) {
        jdbc.update("INSERT INTO order_history (external_order_id, from_status, to_status, attempt, detail)"
                        + " VALUES (?, ?, ?, ?, ?)", externalOrderId, from == null ? null : from.name(), to.name(),
                attempt, truncate(detail, MAX_TEXT));
    }

    private Timestamp claimUntil() {
        return Timestamp.from(clock.instant().plus(claim));
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
