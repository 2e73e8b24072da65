package com.esimorders.mail;

import com.esimorders.Backoff;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.util.TimeUtils;

/**
 * Timings of the mail outbox, from durations such as {@code 30s}, {@code 5m}, {@code 3d}: how long a sender holds a
 * claimed row, the exponential backoff between attempts, and when to give up (the row is kept as GAVE_UP).
 */
public final class MailRetryPolicy {

    private static final int MAX_ERROR_LENGTH = 2000;

    private final long claimMs;
    private final long initialDelayMs;
    private final long maxDelayMs;
    private final long giveUpAfterMs;

    public MailRetryPolicy(String claimFor, String initialDelay, String maxDelay, String giveUpAfter) {
        this.claimMs = TimeUtils.toMilliSeconds(claimFor);
        this.initialDelayMs = TimeUtils.toMilliSeconds(initialDelay);
        this.maxDelayMs = TimeUtils.toMilliSeconds(maxDelay);
        this.giveUpAfterMs = TimeUtils.toMilliSeconds(giveUpAfter);
    }

    public long claimMs() {
        return claimMs;
    }

    public long giveUpAfterMs() {
        return giveUpAfterMs;
    }

    /** Delay after the given number of attempts (1 = the first failed; property attempts of send-mail): initial, 2x, 4x, ... up to the maximum. */
    public long delayMs(@ExchangeProperty("attempts") Integer attempts) {
        return Backoff.exponential(initialDelayMs, 2, attempts == null ? 1 : attempts, maxDelayMs);
    }

    /** The error kept in mail_outbox.last_error: exception class and message, bounded to the column. */
    public String describe(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable error) {
        String text = error.getClass().getSimpleName() + ": " + error.getMessage();
        return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text;
    }
}
