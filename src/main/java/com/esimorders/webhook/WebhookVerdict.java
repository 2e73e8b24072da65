package com.esimorders.webhook;

/**
 * What a webhook is, decided under its order's lock by {@link WebhookClassifier}: the typed result store-webhook
 * leaves in exchange property {@code verdict}.
 *
 * @param outcome   what store-webhook does with it
 * @param reason    why it is quarantined; null otherwise
 * @param recipient who gets its eSIM's email: the order's customer, else the operations address; null when it is
 *                  not applied
 */
public record WebhookVerdict(Outcome outcome, String reason, String recipient) {

    public enum Outcome {
        /** The eSIM of an item we ordered, which waited for it: store-webhook has just written it. */
        APPLY_ORDERED,
        /** The webhook came before the order's response: the order and option are ours and still lack an eSIM. */
        APPLY_NEW,
        /** The eSIM is stored already, with the same data. */
        DUPLICATE,
        /** The eSIM is stored already, with different data: kept for review, not applied. */
        CONFLICT,
        /** Anything else: kept raw in webhook_quarantine ({@code reason} says why). */
        QUARANTINE
    }

    static WebhookVerdict toQuarantine(String reason) {
        return new WebhookVerdict(Outcome.QUARANTINE, reason, null);
    }

    /** The eSIM was written: it gets an email and moves its order on. */
    public boolean applied() {
        return outcome == Outcome.APPLY_ORDERED || outcome == Outcome.APPLY_NEW;
    }

    public boolean quarantined() {
        return outcome == Outcome.QUARANTINE;
    }

    /** The webhook_events outcome (APPLIED, DUPLICATE, CONFLICT); null for a quarantined webhook, which has none. */
    public String event() {
        return applied() ? "APPLIED" : quarantined() ? null : outcome.name();
    }
}
