package com.esimorders.order;

import com.esimorders.db.Instances;
import com.esimorders.db.RowCheck;
import com.esimorders.order.Order.Customer;
import com.esimorders.order.Order.OrderProduct;
import com.esimorders.order.Order.OrderSource;
import com.esimorders.submit.ProviderResponse;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The durable order state: orders, their lines, their eSIM items and the history of every status change.
 * <p>
 * State moves forward only. An order is sent by the one sender that holds it: the holder's token is the order's
 * {@code attempts} count when it took the order, and every write of a sender says which state it expects and which
 * token it holds, and changes nothing otherwise. So a sender whose claim ran out (it waited, or its instance was
 * thought dead) can never overwrite what another sender wrote, and ACCEPTED and COMPLETED never go back.
 * A status change and its history row are written in one transaction; each is logged at INFO.
 */
public class OrderStore {

    /** The order still waits (RECEIVED or SENDING) at the attempt the caller holds. */
    private static final String WAITING_AT_ATTEMPT = RowCheck.of("attempts = ? AND status IN ('RECEIVED', 'SENDING')");

    private static final int MAX_TEXT = 4000;
    private static final Logger LOG = LoggerFactory.getLogger(OrderStore.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final Duration claim;
    private final Instances instances;
    /** orders this instance is sending right now: its other claims are free for itself to take again */
    private final Set<String> sending = ConcurrentHashMap.newKeySet();

    public OrderStore(DataSource dataSource, Clock clock, Duration claim, Instances instances) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.clock = clock;
        this.claim = claim;
        this.instances = instances;
    }

    /**
     * What {@link #record} found: a new order, held by the caller with token {@code token} (1 when its first attempt
     * was recorded with it, else 0), or the order already recorded (its source: the caller tells its own input
     * from another's).
     */
    public record Recorded(boolean isNew, int token, OrderSource source) {
    }

    /**
     * Records a new order as RECEIVED, held by the caller (token 0) for sending. When its external_order_id is
     * already known, nothing is written and the existing order's source is answered.
     * {@code firstAttempt}: the caller sends the order at once, so its first attempt (SENDING, token 1, as
     * {@link #startAttempt} writes it) is recorded in the same transaction, one commit fewer per order; not when
     * webhooks for the order wait in quarantine (they may show the provider has it already).
     */
    public Recorded record(Order order, boolean firstAttempt) {
        OrderSource source = order.source();
        String id = order.externalOrderId();
        // held from before it exists: recovery must not take a new order between its commit and its first attempt
        boolean held = sending.add(id);
        try {
            int token = transaction.execute(status -> {
                boolean attempt = firstAttempt && quarantinedWebhooks(id).isEmpty();
                Customer customer = order.customer() == null ? new Customer(null, null) : order.customer();
                jdbc.update("INSERT INTO orders (external_order_id, status, attempts, customer_email, customer_name,"
                                + " source_type, source_ref, reply_to, correlation_id, claimed_by, claimed_until, event_due)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        id, (attempt ? OrderStatus.SENDING : OrderStatus.RECEIVED).name(), attempt ? 1 : 0,
                        customer.email(), customer.name(), source.type(), truncate(source.ref(), 1000),
                        source.replyTo(), source.correlationId(), instances.id(), claimUntil(),
                        OrderEvents.OWED_BY_SOURCE.equals(source.type()));
                int lineNo = 1;
                for (OrderProduct product : order.products()) {
                    jdbc.update("INSERT INTO order_lines (external_order_id, line_no, option_id, qty) VALUES (?, ?, ?, ?)",
                            id, lineNo++, product.optionId(), product.qty());
                }
                String from = truncate("from " + source.type() + " " + source.ref(), MAX_TEXT);
                if (attempt) {
                    jdbc.update("INSERT INTO order_history (external_order_id, from_status, to_status, attempt, detail)"
                            + " VALUES (?, NULL, 'RECEIVED', 0, ?), (?, 'RECEIVED', 'SENDING', 1, 'sending')", id, from, id);
                } else {
                    historyRow(id, null, OrderStatus.RECEIVED, 0, from);
                }
                LOG.info("Order {} new -> {} (attempt {}): {}", id, attempt ? OrderStatus.SENDING : OrderStatus.RECEIVED,
                        attempt ? 1 : 0, from);
                return attempt ? 1 : 0;
            });
            return new Recorded(true, token, source);
        } catch (RuntimeException e) {
            if (held) {
                sending.remove(id);
            }
            if (!(e instanceof DuplicateKeyException)) {
                throw e;
            }
            Map<String, Object> row = jdbc.queryForMap("SELECT source_type, source_ref FROM orders"
                    + " WHERE external_order_id = ?", id);
            return new Recorded(false, 0,
                    new OrderSource(text(row, "source_type"), text(row, "source_ref"), null, null));
        }
    }

    /** Loads a recorded order, to send it again (recovery, replay, an input read again). */
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

    public OrderStatus status(String externalOrderId) {
        return OrderStatus.valueOf(jdbc.queryForObject("SELECT status FROM orders WHERE external_order_id = ?",
                String.class, externalOrderId));
    }

    /**
     * Takes an order in RECEIVED or SENDING whose claim is free: nobody holds it, it ran out, its instance is dead,
     * or it is this instance's and no sender here is working on it (a send that failed halfway, e.g. in a database
     * outage). Answers the token to send it with, or empty when a live sender holds it or it no longer waits.
     * The caller sends it and then {@link #release releases} it.
     */
    public OptionalInt claim(String externalOrderId) {
        Timestamp now = now();
        return holding(externalOrderId, () -> transaction.execute(status -> {
            List<Integer> held = jdbc.queryForList("SELECT attempts FROM orders WHERE external_order_id = ? AND "
                    + RowCheck.of("status IN ('RECEIVED', 'SENDING') AND (claimed_by = ? OR "
                    + instances.claimIsFree("?") + ")"), Integer.class, externalOrderId, instances.id(), now);
            if (held.isEmpty()) {
                return OptionalInt.empty();
            }
            int attempts = held.get(0);
            int claimed = jdbc.update("UPDATE orders SET claimed_by = ?, claimed_until = ? WHERE external_order_id = ?"
                    + " AND " + WAITING_AT_ATTEMPT, instances.id(), claimUntil(), externalOrderId, attempts);
            return claimed == 1 ? OptionalInt.of(attempts) : OptionalInt.empty();
        }));
    }

    /**
     * Runs {@code take} with the order marked as being sent by this instance (so that no other sender here takes
     * it meanwhile), and gives it back unless {@code take} answered a token.
     */
    private OptionalInt holding(String externalOrderId, Supplier<OptionalInt> take) {
        if (!sending.add(externalOrderId)) {
            return OptionalInt.empty();
        }
        OptionalInt token;
        try {
            token = take.get();
        } catch (RuntimeException e) {
            sending.remove(externalOrderId);
            throw e;
        }
        if (token.isEmpty()) {
            sending.remove(externalOrderId);
        }
        return token;
    }

    /** The sender is done with the order (whatever the outcome): this instance may take it again if it waits. */
    public void release(@ExchangeProperty("esimOrder") Order order) {
        giveBack(order.externalOrderId());
    }

    /** The same as {@link #release}, by id: for a taken order that could not be handed to its sender. */
    public void giveBack(String externalOrderId) {
        sending.remove(externalOrderId);
    }

    /**
     * Up to {@code limit} orders left in RECEIVED or SENDING that nobody is working on (their instance stopped, or
     * a send of this instance failed halfway), oldest first: for recovery, which takes each with {@link #claim}.
     */
    public List<String> abandoned(int limit) {
        return jdbc.queryForList("SELECT external_order_id FROM orders WHERE status IN ('RECEIVED', 'SENDING') AND"
                        + " (claimed_by = ? OR " + instances.claimIsFree("?") + ") ORDER BY updated_at FETCH FIRST "
                        + (limit + sending.size()) + " ROWS ONLY", String.class, instances.id(), now()).stream()
                .filter(id -> !sending.contains(id)).limit(limit).toList();
    }

    /**
     * Starts an attempt with the token held: SENDING, attempts + 1 (the new token), claimed again. The attempt is
     * durable before the request leaves, so "already taken" later can be told from someone else's order.
     * {@code previousMayHaveReached}: the attempt before this one may have reached the provider unanswered (for
     * the first attempt of a send, an attempt left open by a stopped sender counts as such).
     * Answers empty when the token is no longer valid: another sender took over, or the order moved on.
     */
    public OptionalInt startAttempt(String externalOrderId, int token, boolean previousMayHaveReached, String detail) {
        return transaction.execute(status -> {
            // a plain read, then an update only from exactly that state: H2 writes a locking read like an update
            OrderStatus from = status(externalOrderId);
            if (from != OrderStatus.RECEIVED && from != OrderStatus.SENDING) {
                return OptionalInt.empty();
            }
            int updated = jdbc.update("UPDATE orders SET status = 'SENDING', attempts = attempts + 1,"
                            + " uncertain = CASE WHEN status = 'SENDING' AND ? THEN TRUE ELSE uncertain END,"
                            + " claimed_by = ?, claimed_until = ?, updated_at = CURRENT_TIMESTAMP"
                            + " WHERE external_order_id = ? AND " + RowCheck.of("attempts = ? AND status = ?"),
                    previousMayHaveReached, instances.id(), claimUntil(), externalOrderId, token, from.name());
            if (updated == 0) {
                return OptionalInt.empty();
            }
            history(externalOrderId, from, OrderStatus.SENDING, token + 1, detail);
            return OptionalInt.of(token + 1);
        });
    }

    /** Ids of the webhooks for this order still in quarantine (not applied), oldest first. */
    public List<Long> quarantinedWebhooks(String externalOrderId) {
        return jdbc.queryForList("SELECT id FROM webhook_quarantine WHERE external_order_id = ? AND applied_at IS NULL"
                + " ORDER BY received_at, id", Long.class, externalOrderId);
    }

    /** {@link #quarantinedWebhooks} of an order (the split of direct:apply-quarantined-webhooks). */
    public List<Long> quarantinedWebhooksOf(Order order) {
        return quarantinedWebhooks(order.externalOrderId());
    }

    /** True when an attempt of this order before the current one may have reached the provider unanswered. */
    public boolean mayHaveReachedProvider(String externalOrderId) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT uncertain FROM orders WHERE external_order_id = ?", Boolean.class, externalOrderId));
    }

    /**
     * The provider took the order (attempt {@code token}): one ORDERED item per topup_id (its webhook may have
     * stored it already), under the order's lock, and ACCEPTED unless the order moved on meanwhile (its webhooks
     * completed it, or another sender took over). Answers whether this sender's write took effect.
     */
    public boolean accept(String externalOrderId, int token, List<ProviderResponse.Item> items, String detail) {
        return Boolean.TRUE.equals(transaction.execute(status -> {
            // the move comes first: it locks the order row (as webhooks do) before the items are written
            boolean moved = move(externalOrderId, token, OrderStatus.ACCEPTED, detail, null);
            if (!moved) {
                leftAsItIs(externalOrderId, token, OrderStatus.ACCEPTED, lockedStatus(externalOrderId));
            }
            for (ProviderResponse.Item item : items) {
                jdbc.update("INSERT INTO esim_items (topup_id, external_order_id, option_id, status)"
                                + " SELECT ?, ?, ?, 'ORDERED' WHERE NOT EXISTS (SELECT 1 FROM esim_items WHERE topup_id = ?)",
                        item.topupId(), externalOrderId, item.optionId(), item.topupId());
            }
            return moved;
        }));
    }

    /**
     * Ends attempt {@code token} in {@code to} (ACCEPTED, REJECTED or FAILED), unless the order moved on meanwhile.
     * {@code mayHaveReached}: this last attempt may have reached the provider unanswered. {@code errors} become
     * last_error (one per line). Answers whether the write took effect.
     */
    public boolean finish(String externalOrderId, int token, OrderStatus to, boolean mayHaveReached, String detail,
            List<String> errors) {
        return Boolean.TRUE.equals(transaction.execute(status -> {
            boolean moved = move(externalOrderId, token, to, detail, errors);
            if (!moved) {
                leftAsItIs(externalOrderId, token, to, status(externalOrderId));
            } else if (mayHaveReached) {
                // a replay must know that the provider may hold this order already
                jdbc.update("UPDATE orders SET uncertain = TRUE WHERE external_order_id = ?", externalOrderId);
            }
            return moved;
        }));
    }

    /**
     * A webhook's eSIM was just written, in the caller's transaction, which read {@code lockedOrder} (the order
     * row: external_order_id, status, attempts, source_type) FOR UPDATE. The order becomes COMPLETED once all its
     * eSIMs are in, else ACCEPTED if it was not already: the webhook proves that the provider took it, whatever
     * our last attempt concluded. Answers true when a queue order became COMPLETED: its sender is then owed the
     * outcome event (see OrderEvents).
     */
    public boolean webhookApplied(@Header("order") Map<String, Object> lockedOrder) {
        String id = text(lockedOrder, "external_order_id");
        OrderStatus from = OrderStatus.valueOf(text(lockedOrder, "status"));
        int attempts = ((Number) lockedOrder.get("attempts")).intValue();
        boolean provedTaken = from != OrderStatus.ACCEPTED;
        int completed = jdbc.update("UPDATE orders SET status = 'COMPLETED', claimed_by = NULL, claimed_until = NULL,"
                + " updated_at = CURRENT_TIMESTAMP WHERE external_order_id = ? AND status <> 'COMPLETED'"
                + " AND (SELECT COUNT(*) FROM esim_items WHERE external_order_id = ? AND status = 'DELIVERED')"
                + " >= (SELECT COALESCE(SUM(qty), 0) FROM order_lines WHERE external_order_id = ?)", id, id, id);
        if (completed == 1) {
            history(id, from, OrderStatus.COMPLETED, attempts,
                    "every eSIM of the order has arrived" + (provedTaken ? "; the provider took the order" : ""));
            return OrderEvents.OWED_BY_SOURCE.equals(text(lockedOrder, "source_type"));
        }
        if (provedTaken && jdbc.update("UPDATE orders SET status = 'ACCEPTED', last_error = NULL, claimed_by = NULL,"
                + " claimed_until = NULL, updated_at = CURRENT_TIMESTAMP WHERE external_order_id = ?"
                + " AND status IN ('RECEIVED', 'SENDING', 'REJECTED', 'FAILED')", id) == 1) {
            history(id, from, OrderStatus.ACCEPTED, attempts, "a webhook shows the provider took the order");
        }
        return false;
    }

    /**
     * Replay: a FAILED order (or a REJECTED one, when {@code allowRejected}) becomes RECEIVED again, held by the
     * caller. Answers the token, or empty when the order is in another state.
     */
    public OptionalInt reopen(String externalOrderId, boolean allowRejected, String detail) {
        return holding(externalOrderId, () -> transaction.execute(status -> {
            OrderStatus from = lockedStatus(externalOrderId);
            if (from != OrderStatus.FAILED && !(allowRejected && from == OrderStatus.REJECTED)) {
                return OptionalInt.empty();
            }
            int attempts = jdbc.queryForObject("SELECT attempts FROM orders WHERE external_order_id = ?",
                    Integer.class, externalOrderId);
            jdbc.update("UPDATE orders SET status = 'RECEIVED', claimed_by = ?, claimed_until = ?,"
                    + " updated_at = CURRENT_TIMESTAMP WHERE external_order_id = ?", instances.id(), claimUntil(),
                    externalOrderId);
            history(externalOrderId, from, OrderStatus.RECEIVED, attempts, detail);
            return OptionalInt.of(attempts);
        }));
    }

    /**
     * Conditional move of a held order: only from SENDING and only with the token of the current attempt, with its
     * history row. Answers whether it took effect (the row is then locked until the transaction ends).
     */
    private boolean move(String externalOrderId, int token, OrderStatus to, String detail, List<String> errors) {
        int updated = jdbc.update("UPDATE orders SET status = ?, last_error = ?, claimed_by = NULL, claimed_until = NULL,"
                        + " updated_at = CURRENT_TIMESTAMP WHERE external_order_id = ? AND "
                        + RowCheck.of("status = 'SENDING' AND attempts = ?"), to.name(),
                errors == null || errors.isEmpty() ? null : truncate(String.join("\n", errors), MAX_TEXT),
                externalOrderId, token);
        if (updated == 0) {
            return false;
        }
        history(externalOrderId, OrderStatus.SENDING, to, token, detail);
        return true;
    }

    private static void leftAsItIs(String externalOrderId, int token, OrderStatus to, OrderStatus now) {
        LOG.info("Order {}: attempt {} ended {} but the order is {} now: left as it is", externalOrderId, token, to, now);
    }

    /** Reads the status and locks the order row until the transaction ends (webhooks lock it too). */
    private OrderStatus lockedStatus(String externalOrderId) {
        return OrderStatus.valueOf(jdbc.queryForObject(
                "SELECT status FROM orders WHERE external_order_id = ? FOR UPDATE", String.class, externalOrderId));
    }

    private void history(String externalOrderId, OrderStatus from, OrderStatus to, int attempt, String detail) {
        historyRow(externalOrderId, from, to, attempt, detail);
        LOG.info("Order {} {} -> {} (attempt {}): {}", externalOrderId, from == null ? "new" : from, to, attempt, detail);
    }

    private void historyRow(String externalOrderId, OrderStatus from, OrderStatus to, int attempt, String detail) {
        jdbc.update("INSERT INTO order_history (external_order_id, from_status, to_status, attempt, detail)"
                        + " VALUES (?, ?, ?, ?, ?)", externalOrderId, from == null ? null : from.name(), to.name(),
                attempt, truncate(detail, MAX_TEXT));
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }

    private Timestamp claimUntil() {
        return Timestamp.from(clock.instant().plus(claim));
    }

    /** Column labels are upper case on H2 and lower case on PostgreSQL. */
    private static String text(Map<String, Object> row, String column) {
        Object value = row.containsKey(column) ? row.get(column) : row.get(column.toUpperCase(java.util.Locale.ROOT));
        return Objects.toString(value, null);
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
