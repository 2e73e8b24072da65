package com.esimorders.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MailSettingsTest {

    @Test
    void starttlsIsRequiredNotOpportunistic() {
        assertThat(SmtpSettings.javaMailProperties("starttls", true, "1000"))
                .containsEntry("mail.smtp.starttls.enable", "true").containsEntry("mail.smtp.starttls.required", "true")
                .containsEntry("mail.smtp.auth", "true").doesNotContainKey("mail.smtp.ssl.enable");
    }

    @Test
    void sslAndNoneAndUnknownSecurity() {
        assertThat(SmtpSettings.javaMailProperties("ssl", false, "1000"))
                .containsEntry("mail.smtp.ssl.enable", "true").containsEntry("mail.smtp.auth", "false");
        assertThat(SmtpSettings.javaMailProperties("none", false, "1000"))
                .doesNotContainKeys("mail.smtp.ssl.enable", "mail.smtp.starttls.enable");
        assertThatThrownBy(() -> SmtpSettings.javaMailProperties("tls", false, "1000"))
                .hasMessageContaining("ESIM_SMTP_SECURITY");
    }

    @Test
    void backoffDoublesUpToTheMaximum() {
        MailRetryPolicy policy = new MailRetryPolicy("5m", "30s", "5m", "3d");
        assertThat(policy.delayMs(1)).isEqualTo(30_000);
        assertThat(policy.delayMs(2)).isEqualTo(60_000);
        assertThat(policy.delayMs(4)).isEqualTo(240_000);
        assertThat(policy.delayMs(5)).isEqualTo(300_000);
        assertThat(policy.delayMs(500)).isEqualTo(300_000);
        assertThat(policy.giveUpAfterMs()).isEqualTo(259_200_000L);
    }
}
