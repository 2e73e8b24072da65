package com.esimorders.ops;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * The read side of the operator API and of the business gauges: plain SQL that runs unchanged on H2 and PostgreSQL.
 * Nothing here selects an activation code, a download link or a webhook payload.
 */
public class OpsQueries {

    /** One order as the operator sees it. Times are ISO-8601 instants (UTC). */
    public record OrderView(String externalOrderId, String status, String sourceType, String sourceRef, int attempts,
            String lastError, String createdAt, String updatedAt, List<Line> lines, List<HistoryRow> history,
            List<Item> items) {
    }

    public record Line(String optionId, int qty) {
    }

    public record HistoryRow(String time, String from, String to, int attempt, String detail) {
    }

    /** An eSIM of the order and its email; the email fields are null while the eSIM has not arrived. */
    public record Item(String topupId, String optionId, String esimStatus, String esimReceivedAt, String emailStatus,
            String recipient, Integer attempts, String sentAt, String lastError, String nextAttemptAt) {
    }

    public record OrderSummary(String externalOrderId, String status, String sourceType, String sourceRef,
            int attempts, String lastError, String updatedAt) {
    }

    public record OrderPage(List<OrderSummary> orders, String nextCursor) {
    }

    public record Quarantined(long id, String reason, String topupId, String externalOrderId, String receivedAt,
            String appliedAt) {
    }

    public record Overdue(String externalOrderId, String acceptedAt, int esimsOrdered, int esimsReceived,
            List<String> topupIds) {
    }

    public record Email(String topupId, String externalOrderId, String status, String recipient, int attempts,
            String sentAt, String lastError, String nextAttemptAt) {
    }

    /** Where the previous page ended: the last row's updated_at and external_order_id. */
    public record Cursor(OffsetDateTime updatedAt, String externalOrderId) {

        String encode() {
            String text = updatedAt.toInstant() + "|" + externalOrderId;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int bar = text.indexOf('|');
                return new Cursor(Instant.parse(text.substring(0, bar)).atOffset(ZoneOffset.UTC), text.substring(bar + 1));
            } catch (RuntimeException e) {
                throw new OpsProblem.BadRequest("cursor is not one this API handed out");
            }
        }
    }

    /** ACCEPTED orders accepted longer ago than the parameter (ms): a table of the columns {@link #overdue} reads */
    private static final String OVERDUE = "(SELECT external_order_id, accepted_at, ordered, received FROM ("
            + " SELECT o.external_order_id,"
            + " (SELECT MAX(h.changed_at) FROM order_history h WHERE h.external_order_id = o.external_order_id"
            + " AND h.to_status = 'ACCEPTED') AS accepted_at,"
            + " (SELECT COALESCE(SUM(l.qty), 0) FROM order_lines l WHERE l.external_order_id = o.external_order_id) AS ordered,"
            + " (SELECT COUNT(*) FROM esim_items e WHERE e.external_order_id = o.external_order_id"
            + " AND e.status = 'DELIVERED') AS received"
            + " FROM orders o WHERE o.status = 'ACCEPTED') accepted"
            + " WHERE accepted_at < CURRENT_TIMESTAMP - CAST(? AS BIGINT) * INTERVAL '0.001' SECOND) overdue";

    private final JdbcTemplate jdbc;
    private final long overdueAfterMs;

    public OpsQueries(DataSource dataSource, long overdueAfterMs) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.overdueAfterMs = overdueAfterMs;
    }

    /** The order, its lines, every state change and its eSIMs with their emails; null when unknown. */
    public OrderView order(String externalOrderId) {
        List<OrderView> found = jdbc.query("SELECT external_order_id, status, source_type, source_ref, attempts,"
                + " last_error, created_at, updated_at FROM orders WHERE external_order_id = ?", (rs, i) -> new OrderView(
                rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5), rs.getString(6),
                time(rs, 7), time(rs, 8), null, null, null), externalOrderId);
        if (found.isEmpty()) {
            return null;
        }
        OrderView order = found.get(0);
        List<Line> lines = jdbc.query("SELECT option_id, qty FROM order_lines WHERE external_order_id = ?"
                + " ORDER BY line_no", (rs, i) -> new Line(rs.getString(1), rs.getInt(2)), externalOrderId);
        List<HistoryRow> history = jdbc.query("SELECT changed_at, from_status, to_status, attempt, detail"
                + " FROM order_history WHERE external_order_id = ? ORDER BY changed_at, id", (rs, i) -> new HistoryRow(time(rs, 1),
                rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5)), externalOrderId);
        List<Item> items = jdbc.query("SELECT e.topup_id, e.option_id, e.status, m.created_at, m.status, m.recipient,"
                + " m.attempts, m.sent_at, m.last_error, m.next_attempt_at FROM esim_items e"
                + " LEFT JOIN mail_outbox m ON m.topup_id = e.topup_id WHERE e.external_order_id = ?"
                + " ORDER BY e.created_at, e.topup_id", (rs, i) -> new Item(rs.getString(1), rs.getString(2),
                rs.getString(3), time(rs, 4), rs.getString(5), rs.getString(6), rs.getObject(7, Integer.class),
                time(rs, 8), rs.getString(9), time(rs, 10)), externalOrderId);
        return new OrderView(order.externalOrderId(), order.status(), order.sourceType(), order.sourceRef(),
                order.attempts(), order.lastError(), order.createdAt(), order.updatedAt(), lines, history, items);
    }

    /** The order's status and last error, or null when unknown. */
    public Map<String, Object> orderState(String externalOrderId) {
        List<Map<String, Object>> rows = jdbc.query("SELECT status, last_error FROM orders WHERE external_order_id = ?",
                (rs, i) -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("status", rs.getString(1));
                    row.put("last_error", rs.getString(2));
                    return row;
                }, externalOrderId);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** Newest first (updated_at, then external_order_id), {@code limit} at most, after the cursor when given. */
    public OrderPage orders(String status, OffsetDateTime since, int limit, Cursor after) {
        StringBuilder sql = new StringBuilder("SELECT external_order_id, status, source_type, source_ref, attempts,"
                + " last_error, updated_at FROM orders WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status);
        }
        if (since != null) {
            sql.append(" AND updated_at >= ?");
            args.add(since);
        }
        if (after != null) {
            sql.append(" AND (updated_at < ? OR (updated_at = ? AND external_order_id < ?))");
            args.add(after.updatedAt());
            args.add(after.updatedAt());
            args.add(after.externalOrderId());
        }
        sql.append(" ORDER BY updated_at DESC, external_order_id DESC LIMIT ?");
        args.add(limit + 1);
        List<OffsetDateTime> updated = new ArrayList<>();
        List<OrderSummary> orders = jdbc.query(sql.toString(), (rs, i) -> {
            updated.add(rs.getObject(7, OffsetDateTime.class));
            return new OrderSummary(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                    rs.getString(6), time(rs, 7));
        }, args.toArray());
        if (orders.size() <= limit) {
            return new OrderPage(orders, null);
        }
        OrderSummary last = orders.get(limit - 1);
        return new OrderPage(orders.subList(0, limit),
                new Cursor(updated.get(limit - 1), last.externalOrderId()).encode());
    }

    /** Quarantined webhooks, newest first; only those not applied yet unless {@code all}. Never the payload. */
    public List<Quarantined> quarantine(boolean all, int limit) {
        return jdbc.query("SELECT id, reason, topup_id, external_order_id, received_at, applied_at"
                + " FROM webhook_quarantine" + (all ? "" : " WHERE applied_at IS NULL") + " ORDER BY received_at DESC, id DESC"
                + " LIMIT ?",
                (rs, i) -> new Quarantined(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        time(rs, 5), time(rs, 6)), limit);
    }

    /** One quarantined webhook (without its payload), or null. */
    public Quarantined quarantined(long id) {
        List<Quarantined> rows = jdbc.query("SELECT id, reason, topup_id, external_order_id, received_at, applied_at"
                + " FROM webhook_quarantine WHERE id = ?", (rs, i) -> new Quarantined(rs.getLong(1), rs.getString(2),
                rs.getString(3), rs.getString(4), time(rs, 5), time(rs, 6)), id);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /**
     * ACCEPTED orders whose eSIMs have not all arrived {@code esim.webhook.overdue-after} after they were accepted
     * (by the database clock), oldest first, {@code limit} at most: the list for the provider's support.
     */
    public List<Overdue> overdue(int limit) {
        List<Overdue> orders = jdbc.query("SELECT external_order_id, accepted_at, ordered, received FROM "
                + OVERDUE + " ORDER BY accepted_at, external_order_id LIMIT ?",
                (rs, i) -> new Overdue(rs.getString(1), time(rs, 2), rs.getInt(3), rs.getInt(4), null), overdueAfterMs,
                limit);
        if (orders.isEmpty()) {
            return orders;
        }
        Map<String, List<String>> topupIds = new HashMap<>();
        List<String> ids = orders.stream().map(Overdue::externalOrderId).toList();
        jdbc.query("SELECT external_order_id, topup_id FROM esim_items WHERE external_order_id IN ("
                + String.join(",", Collections.nCopies(ids.size(), "?")) + ") ORDER BY topup_id",
                (RowCallbackHandler) rs -> topupIds.computeIfAbsent(rs.getString(1), id -> new ArrayList<>())
                        .add(rs.getString(2)), ids.toArray());
        return orders.stream().map(o -> new Overdue(o.externalOrderId(), o.acceptedAt(), o.esimsOrdered(),
                o.esimsReceived(), topupIds.getOrDefault(o.externalOrderId(), List.of()))).toList();
    }

    /**
     * How many orders {@link #overdue} would list, and how many eSIMs they miss, in one query: the business gauges
     * need no list (during a webhook outage of hours it holds every order of those hours).
     */
    public long[] overdueCounts() {
        return jdbc.queryForObject("SELECT COUNT(*), COALESCE(SUM(CASE WHEN ordered > received THEN ordered - received"
                + " ELSE 0 END), 0) FROM " + OVERDUE, (rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)},
                overdueAfterMs);
    }

    /** The email of one eSIM, or null when the eSIM has not arrived (or the topup_id is unknown). */
    public Email email(String topupId) {
        List<Email> rows = jdbc.query("SELECT m.topup_id, e.external_order_id, m.status, m.recipient, m.attempts,"
                + " m.sent_at, m.last_error, m.next_attempt_at FROM mail_outbox m"
                + " JOIN esim_items e ON e.topup_id = m.topup_id WHERE m.topup_id = ?", (rs, i) -> new Email(
                rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5), time(rs, 6),
                rs.getString(7), time(rs, 8)), topupId);
        return rows.isEmpty() ? null : rows.get(0);
    }

    public boolean esimKnown(String topupId) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM esim_items WHERE topup_id = ?", Integer.class, topupId) > 0;
    }

    // --- counts for the business gauges (BusinessGauges) ---

    public Map<String, Long> countByStatus(String table) {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.query("SELECT status, COUNT(*) FROM " + table + " GROUP BY status",
                rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    /** Emails waiting for another attempt after a failed one. */
    public long failingEmails() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM mail_outbox WHERE status = 'PENDING' AND last_error IS NOT NULL",
                Long.class);
    }

    /** Seconds since the oldest pending email's eSIM arrived, by the database clock; 0 when none is pending. */
    public double oldestPendingEmailAgeSeconds() {
        return jdbc.query("SELECT CURRENT_TIMESTAMP, MIN(created_at) FROM mail_outbox WHERE status = 'PENDING'", rs -> {
            rs.next();
            OffsetDateTime now = rs.getObject(1, OffsetDateTime.class);
            OffsetDateTime oldest = rs.getObject(2, OffsetDateTime.class);
            return oldest == null ? 0.0 : Math.max(0, Duration.between(oldest, now).toMillis() / 1000.0);
        });
    }

    public long openQuarantine() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM webhook_quarantine WHERE applied_at IS NULL", Long.class);
    }

    /** Drop-folder files being read right now, by any instance (their read locks). */
    public long filesInProgress() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM file_read_locks", Long.class);
    }

    private static String time(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant().toString();
    }
}
