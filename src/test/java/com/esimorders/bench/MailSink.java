package com.esimorders.bench;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.user.UserException;
import com.icegreen.greenmail.user.UserManager;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * GreenMail on a free loopback port, no authentication, recording when each email was accepted (the delivery
 * handler runs before GreenMail answers 250), by topup_id from {@code Message-ID: <esim-{topup_id}@esim-orders>}.
 * Stored messages are purged every second so that tens of thousands of emails do not fill the harness's heap.
 */
final class MailSink implements AutoCloseable {

    private static final Pattern MESSAGE_ID = Pattern.compile("<esim-([0-9]{1,26})@esim-orders>");

    final int port = AppProcess.freePort();
    private final GreenMail greenMail;
    private final AtomicInteger received = new AtomicInteger();
    /** topup_id -> epoch milliseconds of its first receipt */
    final Map<String, Long> receivedAt = new ConcurrentHashMap<>();
    private final ScheduledExecutorService purger = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "mail-purge");
        thread.setDaemon(true);
        return thread;
    });
    private volatile long lastNanos;

    MailSink() {
        Configurator.setLevel("com.icegreen.greenmail", Level.WARN);
        greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        greenMail.start();
        UserManager users = greenMail.getUserManager();
        GreenMailUser sink = createSinkUser(users);
        users.setMessageDeliveryHandler((message, recipient) -> {
            long now = System.currentTimeMillis();
            lastNanos = System.nanoTime();
            received.incrementAndGet();
            Matcher id = MESSAGE_ID.matcher(String.valueOf(message.getMessage().getMessageID()));
            if (id.find()) {
                receivedAt.putIfAbsent(id.group(1), now);
            }
            return sink;
        });
        purger.scheduleWithFixedDelay(() -> {
            try {
                greenMail.purgeEmailFromAllMailboxes();
            } catch (Exception e) {
                // next time
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Every email goes to one mailbox: GreenMail's own handler creates a user and an IMAP mailbox for each new
     * recipient, every eSIM's customer is a new recipient, and its cost per email grew with their number (the
     * harness's JVM took a core while the application drained 20,000 emails, and the rate fell from 330 to 150/s).
     */
    private static GreenMailUser createSinkUser(UserManager users) {
        try {
            return users.createUser("sink@localhost", "sink", "sink");
        } catch (UserException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends {@code emails} emails of about the application's size to this server over one connection, then forgets
     * them: a run then meets a server whose code the harness's JVM has compiled already, as later runs do.
     */
    void warmUp(int emails) throws MessagingException {
        Properties settings = new Properties();
        settings.put("mail.smtp.host", "127.0.0.1");
        settings.put("mail.smtp.port", String.valueOf(port));
        Session session = Session.getInstance(settings);
        String body = "warm-up ".repeat(500);
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            for (int i = 0; i < emails; i++) {
                MimeMessage message = new MimeMessage(session);
                message.setFrom("warm-up@localhost");
                message.setRecipients(Message.RecipientType.TO, "warm-up@localhost");
                message.setSubject("warm-up " + i);
                message.setText(body);
                transport.sendMessage(message, message.getAllRecipients());
            }
        }
        received.set(0);
        receivedAt.clear();
        lastNanos = 0;
    }

    int received() {
        return received.get();
    }

    /** System.nanoTime() of the latest receipt (0: none). */
    long lastNanos() {
        return lastNanos;
    }

    /** Waits until {@code count} emails arrived or nothing arrived for {@code quietMs}; answers the count. */
    int awaitCount(int count, long quietMs, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        long lastChange = System.nanoTime();
        int seen = received();
        while (received() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
            if (received() != seen) {
                seen = received();
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > quietMs * 1_000_000) {
                break;
            }
        }
        return received();
    }

    @Override
    public void close() {
        purger.shutdownNow();
        greenMail.stop();
    }
}
