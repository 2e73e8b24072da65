package com.esimorders.mail;

import com.esimorders.Settings;
import java.time.Duration;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.component.mail.MailComponent;
import org.apache.camel.component.mail.MailConfiguration;

/**
 * Puts the SMTP credentials, security and timeouts on the {@code smtp} component's sender, so that the endpoint URI
 * of the send-mail route carries only host and port and the password never appears in a URI or a log line.
 */
public final class SmtpSettings {

    private SmtpSettings() {
    }

    /**
     * How long an open SMTP connection may wait for its next email before it is closed (RFC 5321 lets a server drop an
     * idle client after 5 minutes, and many do much sooner).
     */
    public static final Duration MAX_IDLE = Duration.ofSeconds(30);

    /**
     * Gives the smtp component a sender of {@link SmtpConnections} (open connections reused by the next emails, up to
     * {@link #MAX_IDLE} idle) with the host, port, credentials, security and timeouts of the settings. Answers it, for
     * its idle connections to be closed while running and all at shutdown.
     */
    public static SmtpConnections apply(CamelContext context, Settings settings) {
        SmtpConnections sender = new SmtpConnections(MAX_IDLE);
        sender.setProtocol("smtp");
        sender.setHost(settings.get("esim.smtp.host"));
        sender.setPort(settings.getInt("esim.smtp.port"));
        if (settings.isSet("esim.smtp.user")) {
            sender.setUsername(settings.get("esim.smtp.user"));
            sender.setPassword(settings.get("esim.smtp.password"));
        }
        Properties properties = javaMailProperties(settings.get("esim.smtp.security"), settings.isSet("esim.smtp.user"),
                settings.get("esim.smtp.timeout-ms"));
        properties.setProperty("mail.smtp.connectiontimeout", settings.get("esim.smtp.timeout-ms"));
        properties.setProperty("mail.smtp.timeout", settings.get("esim.smtp.timeout-ms"));
        sender.setJavaMailProperties(properties);
        MailConfiguration smtp = context.getComponent("smtp", MailComponent.class).getConfiguration();
        smtp.setJavaMailSender(sender);
        return sender;
    }

    /** JavaMail properties for security {@code none}, {@code starttls} (required, not opportunistic) or {@code ssl}. */
    static Properties javaMailProperties(String security, boolean authenticate, String timeoutMs) {
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.auth", String.valueOf(authenticate));
        properties.setProperty("mail.smtp.writetimeout", timeoutMs);
        switch (security) {
            case "none" -> { }
            case "starttls" -> {
                properties.setProperty("mail.smtp.starttls.enable", "true");
                properties.setProperty("mail.smtp.starttls.required", "true");
                properties.setProperty("mail.smtp.ssl.checkserveridentity", "true");
            }
            case "ssl" -> {
                properties.setProperty("mail.smtp.ssl.enable", "true");
                properties.setProperty("mail.smtp.ssl.checkserveridentity", "true");
            }
            default -> throw new IllegalArgumentException(
                    "ESIM_SMTP_SECURITY (esim.smtp.security) must be none, starttls or ssl, not: " + security);
        }
        return properties;
    }
}
