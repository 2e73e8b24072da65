package com.esimorders.webhook;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a parsed webhook is, from the rows the store-webhook route read under the order's lock
 * (headers {@code order}, {@code item}, {@code units}), unless the route already applied it to an item we ordered
 * ({@link #appliedToOrderedItem}). Sets header {@code outcome} to
 * <ul>
 * <li>APPLY_ORDERED ({@link #appliedToOrderedItem} only): the topup_id is an item we ordered and it waited for its
 * eSIM, which the route has just written;</li>
 * <li>APPLY_NEW: the webhook came before the order's response: the order is ours, the option is one of its lines
 * and the option has fewer eSIMs than ordered;</li>
 * <li>DUPLICATE / CONFLICT: the eSIM is already stored, with the same / with different data;</li>
 * <li>QUARANTINE: anything else (header {@code reason} says why).</li>
 * </ul>
 * header {@code event}: the webhook_events outcome (APPLIED, DUPLICATE, CONFLICT), and header {@code recipient}: the
 * order's customer email, else the operations address.
 */
public final class WebhookClassifier {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookClassifier.class);

    /** The eSIM fields a repeated webhook must carry unchanged (qrcode_img_url is not used and may be re-signed). */
    private static final Map<String, String> COMPARED = Map.of(
            "iccid", "iccid", "smdp", "smdp", "activate_code", "activation_code", "download_link", "download_link");

    /** The quarantine reason that is applied automatically once the order is recorded. */
    public static final String UNKNOWN_ORDER = "unknown external_order_id: applied when the order is recorded";

    private final String opsRecipient;

    public WebhookClassifier(String opsRecipient) {
        this.opsRecipient = opsRecipient;
    }

    /** The usual case, already written: the eSIM of an item we ordered and that was waiting for it. */
    @SuppressWarnings("unchecked")
    public void appliedToOrderedItem(Exchange exchange) {
        Message message = exchange.getMessage();
        decided(message, message.getHeader("order", Map.class), "APPLY_ORDERED", null);
    }

    @SuppressWarnings("unchecked")
    public void classify(Exchange exchange) {
        Message message = exchange.getMessage();
        Map<String, Object> webhook = message.getBody(Map.class);
        Map<String, Object> order = message.getHeader("order", Map.class);
        Map<String, Object> item = message.getHeader("item", Map.class);
        Map<String, Object> units = message.getHeader("units", Map.class);
        String topupId = (String) webhook.get("topup_id");

        String outcome;
        String reason = null;
        if (item != null) {
            if (!Objects.equals(item.get("external_order_id"), webhook.get("external_order_id"))
                    || !Objects.equals(item.get("option_id"), webhook.get("option_id"))) {
                outcome = "QUARANTINE";
                reason = "topup_id is ours but was ordered for another order or option_id";
            } else {
                List<String> changed = changedFields(webhook, item);
                outcome = changed.isEmpty() ? "DUPLICATE" : "CONFLICT";
                if (!changed.isEmpty()) {
                    LOG.warn("webhook for topup_id {} differs from the stored eSIM in {}: kept for review, not applied",
                            topupId, changed);
                }
            }
        } else if (order == null) {
            outcome = "QUARANTINE";
            reason = UNKNOWN_ORDER;
        } else if (number(units, "ordered") == 0) {
            outcome = "QUARANTINE";
            reason = "unknown topup_id and option_id is not part of the order";
        } else if (number(units, "received") >= number(units, "ordered")) {
            outcome = "QUARANTINE";
            reason = "unknown topup_id and the order already has all " + number(units, "ordered")
                    + " eSIMs of this option_id";
        } else {
            outcome = "APPLY_NEW";
        }
        decided(message, order, outcome, reason);
    }

    private void decided(Message message, Map<String, Object> order, String outcome, String reason) {
        message.setHeader("outcome", outcome);
        message.setHeader("event", outcome.startsWith("APPLY") ? "APPLIED" : "QUARANTINE".equals(outcome) ? null : outcome);
        message.setHeader("reason", reason);
        if (order != null) {
            Object email = order.get("customer_email");
            message.setHeader("recipient", email == null || email.toString().isBlank() ? opsRecipient : email);
        }
    }

    /** The history detail of an order a webhook moved on (header orderMove: COMPLETED or ACCEPTED). */
    @SuppressWarnings("unchecked")
    public String moveDetail(Exchange exchange) {
        Message message = exchange.getMessage();
        Object from = message.getHeader("order", Map.class).get("status");
        boolean provedTaken = !"ACCEPTED".equals(from);
        if ("COMPLETED".equals(message.getHeader("orderMove"))) {
            return "every eSIM of the order has arrived" + (provedTaken ? "; the provider took the order" : "");
        }
        return "a webhook shows the provider took the order";
    }

    private static List<String> changedFields(Map<String, Object> webhook, Map<String, Object> item) {
        List<String> changed = new ArrayList<>();
        COMPARED.forEach((field, column) -> {
            if (!Objects.equals(webhook.get(field), item.get(column))) {
                changed.add(field);
            }
        });
        if (!Objects.equals(webhook.get("expired_date"), localDate(item.get("expired_date")))) {
            changed.add("expired_date");
        }
        changed.sort(null);
        return changed;
    }

    private static LocalDate localDate(Object value) {
        return value instanceof java.sql.Date date ? date.toLocalDate() : (LocalDate) value;
    }

    private static long number(Map<String, Object> row, String column) {
        Object value = row == null ? null : row.get(column);
        return value == null ? 0 : ((Number) value).longValue();
    }
}
