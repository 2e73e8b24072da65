package com.esimorders.webhook;

import com.esimorders.PlanCatalogue;
import com.esimorders.Settings;
import com.esimorders.mail.EsimEmail;
import com.esimorders.mail.MailOutbox;
import com.esimorders.mail.MailRetryPolicy;
import com.esimorders.db.Instances;
import java.time.Duration;
import javax.sql.DataSource;
import com.esimorders.mail.SmtpSettings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/** Binds the beans of the webhook and mail routes (#webhookToken, #esimEmail, ...) and configures SMTP. */
public class WebhookConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        Settings settings = new Settings(context);
        Registry registry = context.getRegistry();
        registry.bind("webhookToken", new WebhookToken(settings.get("esim.webhook.token")));
        registry.bind("webhookParser", new WebhookParser());
        registry.bind("webhookClassifier", new WebhookClassifier(settings.get("esim.mail.ops.to")));
        registry.bind("webhookAnswers", new WebhookAnswers());
        registry.bind("esimEmail", new EsimEmail(settings.get("esim.mail.templates-dir"),
                settings.get("esim.mail.locale"), settings.get("esim.mail.from"),
                registry.lookupByNameAndType("planCatalogue", PlanCatalogue.class)));
        MailRetryPolicy mailRetryPolicy = new MailRetryPolicy(settings.get("esim.mail.claim-for"),
                settings.get("esim.mail.retry-initial-delay"), settings.get("esim.mail.retry-max-delay"),
                settings.get("esim.mail.give-up-after"));
        registry.bind("mailRetryPolicy", mailRetryPolicy);
        registry.bind("mailOutbox", new MailOutbox(registry.lookupByNameAndType("dataSource", DataSource.class),
                registry.lookupByNameAndType("instances", Instances.class), mailRetryPolicy,
                Duration.ofMillis(settings.getInt("esim.db.outage-patience-ms"))));
        SmtpSettings.apply(context, settings);
    }
}
