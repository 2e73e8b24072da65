package com.esimorders.mail;

import com.esimorders.db.DatabaseOutage;
import com.esimorders.db.Instances;
import com.esimorders.db.RowCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The mail outbox's rules in one place: which emails are due, the claim a sender takes before sending one (held by
 * this instance: a killed instance's claims are free as soon as it is seen dead), the SENT mark right after the SMTP
 * server took the message, and the retry or give-up after a failure.
 */
public class MailOutbox {

    /** The row is still PENDING and at the attempt the caller holds. */
    private static final String PENDING_ATTEMPT = RowCheck.of("status = 'PENDING' AND attempts = ?");

    private static final Logger LOG = LoggerFactory.getLogger(MailOutbox.class);

    private final JdbcTemplate jdbc;
    private final Instances instances;
    private final MailRetryPolicy policy;
    private final Duration outagePatience;
    private final Duration pollInterval;
    /** emails this instance is sending right now: its other claims (a send that failed halfway) are its to retake */
    private final Set<String> sending = ConcurrentHashMap.newKeySet();
    /** emails the outbox poller handed to the senders' queue that no sender has taken yet */
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    /**
     * emails the SMTP server took whose SENT mark the database refused for longer than the outage patience, by
     * topup_id, with their attempt: kept in {@link #sending} (so that this instance does not send them again) until
     * the poller has marked them
     */
    private final Map<String, Integer> sentNotMarked = new ConcurrentHashMap<>();

    public MailOutbox(DataSource dataSource, Instances instances, MailRetryPolicy policy, Duration outagePatience,
            Duration pollInterval) {
        this.outagePatience = outagePatience;
        this.pollInterval = pollInterval;
        this.jdbc = new JdbcTemplate(dataSource);
        this.instances = instances;
        this.policy = policy;
    }

    /**
     * topup_ids of up to {@code limit} emails due now and not being sent by a live sender, for the outbox poller to
     * hand to the senders' queue. None it handed over before and no sender has taken yet (so that it can ask again
     * at once after a full batch, and a backlog drains at the senders' pace, not one batch per poll). It first waits,
     * at most one poll interval, until fewer than half a batch of those are still waiting; after that it answers
     * nothing, and the poller tries again at its next poll.
     */
    public List<String> due(int limit) throws InterruptedException {
        markSentLate();
        synchronized (queued) {
            long deadline = System.nanoTime() + pollInterval.toNanos();
            while (queued.size() >= Math.max(1, limit / 2)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return List.of();
                }
                TimeUnit.NANOSECONDS.timedWait(queued, left);
            }
        }
        List<String> due = new ArrayList<>(limit);
        for (String topupId : jdbc.queryForList("SELECT topup_id FROM mail_outbox WHERE status = 'PENDING'"
                + " AND next_attempt_at <= CURRENT_TIMESTAMP AND (claimed_by = ? OR "
                + instances.claimIsFree("CURRENT_TIMESTAMP") + ") ORDER BY next_attempt_at FETCH FIRST "
                + (limit + sending.size() + queued.size()) + " ROWS ONLY", String.class, instances.id())) {
            if (due.size() < limit && !sending.contains(topupId) && queued.add(topupId)) {
                due.add(topupId);
            }
        }
        return due;
    }

    /**
     * Takes the email of {@code topupId} for one attempt, when it is due and nobody live holds it. Answers the
     * attempt number (the claim's token), or 0 when it is not due, already sent, or held by another sender.
     */
    public int claim(@ExchangeProperty("topupId") String topupId) {
        // into sending before out of queued: an id in neither for a moment would be fetched by due() and not counted
        // in its FETCH size, so due() would answer less than a full batch and the poller would stop early
        boolean taken = sending.add(topupId);
        if (queued.remove(topupId)) {
            synchronized (queued) {
                queued.notifyAll();
            }
        }
        if (!taken) {
            return 0;
        }
        try {
            int claimed = jdbc.update("UPDATE mail_outbox SET claimed_by = ?, claimed_until = " + later()
                            + ", attempts = attempts + 1 WHERE topup_id = ? AND " + RowCheck.of("status = 'PENDING'"
                            + " AND next_attempt_at <= CURRENT_TIMESTAMP AND (claimed_by = ? OR "
                            + instances.claimIsFree("CURRENT_TIMESTAMP") + ")"),
                    instances.id(), policy.claimMs(), topupId, instances.id());
            if (claimed == 1) {
                return jdbc.queryForObject("SELECT attempts FROM mail_outbox WHERE topup_id = ?", Integer.class, topupId);
            }
        } catch (RuntimeException e) {
            sending.remove(topupId);
            throw e;
        }
        sending.remove(topupId);
        return 0;
    }

    /** The sender is done with the email, whatever happened: if it is still due, this instance may take it again. */
    public void release(@ExchangeProperty("topupId") String topupId) {
        if (!sentNotMarked.containsKey(topupId)) {
            sending.remove(topupId);
        }
    }

    /** The email, with its eSIM and order, to compose (columns as EsimEmail.compose reads them). */
    public Map<String, Object> content(@ExchangeProperty("topupId") String topupId) {
        return jdbc.queryForMap("SELECT m.topup_id, m.recipient, e.external_order_id, e.option_id, e.iccid, e.smdp,"
                + " e.activation_code, e.download_link, e.expired_date, o.customer_name FROM mail_outbox m"
                + " JOIN esim_items e ON e.topup_id = m.topup_id JOIN orders o ON o.external_order_id = e.external_order_id"
                + " WHERE m.topup_id = ?", topupId);
    }

    /**
     * The SMTP server took the message (attempt {@code attempt}): SENT, with nothing else in between. Kept trying
     * through a database outage: marking it later is better than sending the email again.
     */
    public void sent(@ExchangeProperty("topupId") String topupId, @ExchangeProperty("attempt") int attempt) {
        try {
            DatabaseOutage.retry("email for topup_id " + topupId + ": marking it SENT", outagePatience,
                    () -> markSent(topupId, attempt));
        } catch (RuntimeException e) {
            if (!DatabaseOutage.isOutage(e)) {
                throw e;
            }
            // not a failed attempt: the email went out, and must not go out again from here
            sentNotMarked.put(topupId, attempt);
            LOG.warn("email for topup_id {} was taken by the SMTP server but the database is unavailable: it is"
                    + " marked SENT when the database is back, and not sent again", topupId);
        }
    }

    /** The SENT marks the database refused before: each marked now, while the database answers. */
    private void markSentLate() {
        for (Map.Entry<String, Integer> email : sentNotMarked.entrySet()) {
            try {
                markSent(email.getKey(), email.getValue());
            } catch (RuntimeException e) {
                LOG.debug("SENT mark of email for topup_id {} still waits for the database", email.getKey(), e);
                return;
            }
            sentNotMarked.remove(email.getKey());
            sending.remove(email.getKey());
            LOG.info("email for topup_id {} marked SENT now that the database is back", email.getKey());
        }
    }

    private int markSent(String topupId, int attempt) {
        return jdbc.update("UPDATE mail_outbox SET status = 'SENT', sent_at = CURRENT_TIMESTAMP, claimed_by = NULL,"
                + " claimed_until = NULL, last_error = NULL WHERE topup_id = ? AND " + PENDING_ATTEMPT, topupId, attempt);
    }

    /**
     * Attempt {@code attempt} failed: due again after the backoff, or GAVE_UP (kept for an operator) once
     * esim.mail.give-up-after has passed since the eSIM arrived. Answers true when it gave up.
     */
    public boolean failed(@ExchangeProperty("topupId") String topupId, @ExchangeProperty("attempt") int attempt,
            @ExchangeProperty("error") String error) {
        int gaveUpNow = jdbc.update("UPDATE mail_outbox SET status = 'GAVE_UP', last_error = ?, claimed_by = NULL,"
                + " claimed_until = NULL WHERE topup_id = ? AND " + RowCheck.of("status = 'PENDING' AND attempts = ?"
                + " AND created_at < CURRENT_TIMESTAMP - CAST(? AS BIGINT) * INTERVAL '0.001' SECOND"),
                error, topupId, attempt, policy.giveUpAfterMs());
        if (gaveUpNow == 1) {
            LOG.error("email for topup_id {} GAVE_UP after {} attempts: {}", topupId, attempt, error);
            return true;
        }
        jdbc.update("UPDATE mail_outbox SET last_error = ?, claimed_by = NULL, claimed_until = NULL,"
                + " next_attempt_at = " + later() + " WHERE topup_id = ? AND " + PENDING_ATTEMPT, error,
                policy.delayMs(attempt), topupId, attempt);
        return false;
    }

    /** SQL: the database's clock plus a parameter in milliseconds (one clock for every instance). */
    private static String later() {
        return "CURRENT_TIMESTAMP + CAST(? AS BIGINT) * INTERVAL '0.001' SECOND";
    }
}
