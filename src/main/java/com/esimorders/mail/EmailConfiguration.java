package com.esimorders.mail;

import com.esimorders.PlanCatalogue;
import com.esimorders.Settings;
import com.esimorders.StopWithCamel;
import com.esimorders.db.Instances;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.util.TimeUtils;

/** The eSIM emails: composing them, the mail outbox's rules and timings, and the SMTP connection. */
public class EmailConfiguration implements CamelConfiguration {

    @BindToRegistry
    public EsimEmail esimEmail(PlanCatalogue planCatalogue,
            @PropertyInject("esim.mail.templates-dir") String templatesDir,
            @PropertyInject("esim.mail.locale") String locale,
            @PropertyInject("esim.mail.from") String from) {
        return new EsimEmail(templatesDir.trim(), locale.trim(), from.trim(), planCatalogue);
    }

    @BindToRegistry
    public MailRetryPolicy mailRetryPolicy(@PropertyInject("esim.mail.claim-for") String claimFor,
            @PropertyInject("esim.mail.retry-initial-delay") String initialDelay,
            @PropertyInject("esim.mail.retry-max-delay") String maxDelay,
            @PropertyInject("esim.mail.give-up-after") String giveUpAfter) {
        return new MailRetryPolicy(claimFor.trim(), initialDelay.trim(), maxDelay.trim(), giveUpAfter.trim());
    }

    @BindToRegistry
    public MailOutbox mailOutbox(DataSource dataSource, Instances instances, MailRetryPolicy mailRetryPolicy,
            @PropertyInject("esim.db.outage-patience-ms") int outagePatienceMs,
            @PropertyInject("esim.mail.poll-interval") String pollInterval) {
        return new MailOutbox(dataSource, instances, mailRetryPolicy, Duration.ofMillis(outagePatienceMs),
                Duration.ofMillis(TimeUtils.toMilliSeconds(pollInterval.trim())));
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        SmtpConnections connections = SmtpSettings.apply(context, context.getRegistry().findSingleByType(Settings.class));
        // every 10 s: an idle connection is closed within 40 s; Camel shuts the executor down with the context
        long check = SmtpSettings.MAX_IDLE.toMillis() / 3;
        context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "smtp-idle-connections")
                .scheduleWithFixedDelay(connections::closeIdle, check, check, TimeUnit.MILLISECONDS);
        context.addService(new StopWithCamel(connections::closeAll), true, true);
    }
}
