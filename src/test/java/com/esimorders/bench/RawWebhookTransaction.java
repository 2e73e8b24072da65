package com.esimorders.bench;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;

/**
 * The statements {@code routes/webhook/02-store-webhook.camel.yaml} runs, in its order, for an APPLIED webhook of a
 * recorded one-unit order (its esim_items row ORDERED): lock the order, the usual case in one UPDATE of the ORDERED
 * item (then neither the item nor the units are read), the webhook_events row, the pending email, and the order
 * becomes COMPLETED with its order_history row. One instance per
 * connection (statements prepared once); {@link #apply} runs one webhook's transaction and commits.
 * <p>
 * Keep this in step with the route when it changes: it is the raw-JDBC side of the webhook figure's ratio.
 */
final class RawWebhookTransaction implements AutoCloseable {

    /** One eSIM of the seeded orders and the webhook that delivers it. */
    record Esim(String topupId, String orderId, String optionId, String email, String iccid, String code) {
        static final String SMDP = "smdp.bench.invalid";

        String downloadLink() {
            return "LPA:1$" + SMDP + "$" + code;
        }

        String qrUrl() {
            return "https://" + SMDP + "/qrcode/" + topupId + ".png";
        }

        static LocalDate expiry() {
            return LocalDate.now().plusDays(180);
        }

        /** The provider's webhook body for this eSIM. */
        String json() {
            return "{\"topup_id\":\"" + topupId + "\",\"option_id\":\"" + optionId + "\",\"iccid\":\"" + iccid
                    + "\",\"smdp\":\"" + SMDP + "\",\"activate_code\":\"" + code + "\",\"download_link\":\""
                    + downloadLink() + "\",\"qrcode_img_url\":\"" + qrUrl() + "\",\"expired_date\":\"" + expiry()
                    + "\",\"external_order_id\":\"" + orderId + "\"}";
        }
    }

    private final Connection connection;
    private final PreparedStatement lockOrder;
    private final PreparedStatement deliverItem;
    private final PreparedStatement insertEvent;
    private final PreparedStatement insertMail;
    private final PreparedStatement completeOrder;
    private final PreparedStatement acceptOrder;
    private final PreparedStatement insertHistory;

    RawWebhookTransaction(Connection connection) throws SQLException {
        this.connection = connection;
        connection.setAutoCommit(false);
        lockOrder = connection.prepareStatement("SELECT external_order_id, status, customer_email, attempts, source_type FROM orders"
                + " WHERE external_order_id = ? FOR UPDATE");
        deliverItem = connection.prepareStatement("UPDATE esim_items SET status = 'DELIVERED', iccid = ?, smdp = ?,"
                + " activation_code = ?, download_link = ?, qrcode_img_url = ?, expired_date = ?,"
                + " updated_at = CURRENT_TIMESTAMP WHERE topup_id = ? AND external_order_id = ? AND option_id = ?"
                + " AND status = 'ORDERED'");
        insertEvent = connection.prepareStatement("INSERT INTO webhook_events (topup_id, external_order_id, outcome,"
                + " payload) VALUES (?, ?, ?, ?)");
        insertMail = connection.prepareStatement("INSERT INTO mail_outbox (topup_id, recipient, status)"
                + " VALUES (?, ?, 'PENDING')");
        completeOrder = connection.prepareStatement("UPDATE orders SET status = 'COMPLETED', claimed_by = NULL,"
                + " claimed_until = NULL, updated_at = CURRENT_TIMESTAMP WHERE external_order_id = ?"
                + " AND status <> 'COMPLETED' AND (SELECT COUNT(*) FROM esim_items WHERE external_order_id = ?"
                + " AND status = 'DELIVERED') >= (SELECT COALESCE(SUM(qty), 0) FROM order_lines"
                + " WHERE external_order_id = ?)");
        acceptOrder = connection.prepareStatement("UPDATE orders SET status = 'ACCEPTED', last_error = NULL,"
                + " claimed_by = NULL, claimed_until = NULL, updated_at = CURRENT_TIMESTAMP WHERE external_order_id = ?"
                + " AND status IN ('RECEIVED', 'SENDING', 'REJECTED', 'FAILED')");
        insertHistory = connection.prepareStatement("INSERT INTO order_history (external_order_id, from_status,"
                + " to_status, attempt, detail) VALUES (?, ?, ?, ?, ?)");
    }

    /** One webhook, one transaction, committed. Throws unless it was applied as the route would apply it. */
    void apply(Esim esim) throws SQLException {
        try {
            String status;
            int attempts;
            String recipient;
            lockOrder.setString(1, esim.orderId());
            try (ResultSet order = lockOrder.executeQuery()) {
                if (!order.next()) {
                    throw new SQLException("order " + esim.orderId() + " not seeded");
                }
                status = order.getString("status");
                recipient = order.getString("customer_email");
                attempts = order.getInt("attempts");
            }
            // the usual case first: the eSIM of an item we ordered, still waiting for it (outcome APPLY_ORDERED)
            deliverItem.setString(1, esim.iccid());
            deliverItem.setString(2, Esim.SMDP);
            deliverItem.setString(3, esim.code());
            deliverItem.setString(4, esim.downloadLink());
            deliverItem.setString(5, esim.qrUrl());
            deliverItem.setDate(6, Date.valueOf(Esim.expiry()));
            deliverItem.setString(7, esim.topupId());
            deliverItem.setString(8, esim.orderId());
            deliverItem.setString(9, esim.optionId());
            if (deliverItem.executeUpdate() != 1) {
                throw new SQLException("item " + esim.topupId() + " is not ORDERED");
            }
            insertEvent.setString(1, esim.topupId());
            insertEvent.setString(2, esim.orderId());
            insertEvent.setString(3, "APPLIED");
            insertEvent.setString(4, esim.json());
            insertEvent.executeUpdate();
            insertMail.setString(1, esim.topupId());
            insertMail.setString(2, recipient);
            insertMail.executeUpdate();
            completeOrder.setString(1, esim.orderId());
            completeOrder.setString(2, esim.orderId());
            completeOrder.setString(3, esim.orderId());
            String move = null;
            if (completeOrder.executeUpdate() == 1) {
                move = "COMPLETED";
            } else if (!"ACCEPTED".equals(status)) { // the route's ACCEPTED branch: only for an order not ACCEPTED yet
                acceptOrder.setString(1, esim.orderId());
                move = acceptOrder.executeUpdate() == 1 ? "ACCEPTED" : null;
            }
            if (move != null) {
                insertHistory.setString(1, esim.orderId());
                insertHistory.setString(2, status);
                insertHistory.setString(3, move);
                insertHistory.setInt(4, attempts);
                insertHistory.setString(5, "every eSIM of the order has arrived");
                insertHistory.executeUpdate();
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
