package com.esimorders.webhook;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;

/** The provider's webhooks: who may send them, reading them, deciding what each one is, and the answers. */
public class WebhookConfiguration implements CamelConfiguration {

    @BindToRegistry
    public WebhookToken webhookToken(@PropertyInject("esim.webhook.token") String token) {
        return new WebhookToken(token.trim());
    }

    @BindToRegistry
    public WebhookParser webhookParser() {
        return new WebhookParser();
    }

    /** A webhook's email goes to its order's customer, else to the operations address. */
    @BindToRegistry
    public WebhookClassifier webhookClassifier(@PropertyInject("esim.mail.ops.to") String opsRecipient) {
        return new WebhookClassifier(opsRecipient.trim());
    }

    @BindToRegistry
    public WebhookAnswers webhookAnswers() {
        return new WebhookAnswers();
    }
}
