package com.esimorders.webhook;

import com.esimorders.webhook.WebhookVerdict.Outcome;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a parsed webhook is ({@link WebhookVerdict}), from the rows the store-webhook route read under the
 * order's lock (headers {@code order}, {@code item}, {@code units}), unless the route already applied it to an item
 * we ordered ({@link #orderedItemApplied}).
 * <p>
 * The verdict goes into exchange property {@code verdict}, its two tests into the plain booleans {@code
 * webhookApplied} and {@code webhookQuarantined}, and its SQL values into the webhook's parameter map (the body:
 * {@code event}, {@code recipient}, {@code reason}). The routes test those instead of calling the verdict's methods:
 * every such call in a simple expression is a bean invocation on a copy of the exchange (docs/benchmarks.md,
 * "webhooks" in the limits section, has what that saved and did not).
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
    public void orderedItemApplied(@Body Map<String, Object> webhook, @Header("order") Map<String, Object> order,
            Exchange exchange) {
        decided(exchange, webhook, new WebhookVerdict(Outcome.APPLY_ORDERED, null, recipient(order)));
    }

    /** Any other webhook: a repeat of a stored eSIM, one that came before its order's response, or neither. */
    public void classify(@Body Map<String, Object> webhook, @Header("order") Map<String, Object> order,
            @Header("item") Map<String, Object> item, @Header("units") Map<String, Object> units, Exchange exchange) {
        decided(exchange, webhook, verdict(webhook, order, item, units));
    }

    /** A webhook that cannot be read (malformed JSON, a missing field): quarantined as it came. */
    public void unreadable(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) InvalidWebhookException problem,
            Exchange exchange) {
        decided(exchange, null, WebhookVerdict.toQuarantine(problem.getMessage()));
    }

    private static void decided(Exchange exchange, Map<String, Object> webhook, WebhookVerdict verdict) {
        exchange.setProperty("verdict", verdict);
        exchange.setProperty("webhookApplied", verdict.applied());
        exchange.setProperty("webhookQuarantined", verdict.quarantined());
        if (webhook != null) {
            webhook.put("event", verdict.event());
            webhook.put("recipient", verdict.recipient());
            webhook.put("reason", verdict.reason());
        }
    }

    private WebhookVerdict verdict(Map<String, Object> webhook, Map<String, Object> order, Map<String, Object> item,
            Map<String, Object> units) {
        String topupId = (String) webhook.get("topup_id");
        if (item != null) {
            if (!Objects.equals(item.get("external_order_id"), webhook.get("external_order_id"))
                    || !Objects.equals(item.get("option_id"), webhook.get("option_id"))) {
                return WebhookVerdict.toQuarantine("topup_id is ours but was ordered for another order or option_id");
            }
            List<String> changed = changedFields(webhook, item);
            if (!changed.isEmpty()) {
                LOG.warn("webhook for topup_id {} differs from the stored eSIM in {}: kept for review, not applied",
                        topupId, changed);
            }
            return new WebhookVerdict(changed.isEmpty() ? Outcome.DUPLICATE : Outcome.CONFLICT, null, null);
        }
        if (order == null) {
            return WebhookVerdict.toQuarantine(UNKNOWN_ORDER);
        }
        if (number(units, "ordered") == 0) {
            return WebhookVerdict.toQuarantine("unknown topup_id and option_id is not part of the order");
        }
        if (number(units, "received") >= number(units, "ordered")) {
            return WebhookVerdict.toQuarantine("unknown topup_id and the order already has all "
                    + number(units, "ordered") + " eSIMs of this option_id");
        }
        return new WebhookVerdict(Outcome.APPLY_NEW, null, recipient(order));
    }

    private String recipient(Map<String, Object> order) {
        Object email = order.get("customer_email");
        return email == null || email.toString().isBlank() ? opsRecipient : email.toString();
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
