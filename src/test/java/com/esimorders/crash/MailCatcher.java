package com.esimorders.crash;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.user.MessageDeliveryHandler;
import com.icegreen.greenmail.user.UserManager;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.net.SocketException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * An SMTP server (GreenMail, loopback, no authentication) that counts the customer emails per eSIM: each carries
 * {@code Message-ID: <esim-{topup_id}@esim-orders>}. A receipt is recorded while GreenMail takes the message, before
 * the sender gets its 250, so an email the application sent just before it was killed is counted.
 */
final class MailCatcher implements AutoCloseable {

    private static final Pattern MESSAGE_ID = Pattern.compile("<esim-([0-9]{26})@esim-orders>");

    private final GreenMail greenMail;
    /** topup_id -> when each copy was received */
    private final Map<String, List<Instant>> receipts = new ConcurrentHashMap<>();
    private final List<String> unrecognised = new CopyOnWriteArrayList<>();
    private final AtomicInteger messages = new AtomicInteger();
    private final int port;
    private volatile Instant lastReceipt;
    private final Thread.UncaughtExceptionHandler previousHandler = Thread.getDefaultUncaughtExceptionHandler();

    MailCatcher(int port) {
        this.port = port;
        quietAboutConnectionsOfAKilledSender();
        // GreenMail logs a line for every new recipient (one per order here)
        Configurator.setLevel("com.icegreen.greenmail", Level.WARN);
        greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        greenMail.start();
        UserManager users = greenMail.getUserManager();
        MessageDeliveryHandler store = users.getMessageDeliveryHandler();
        users.setMessageDeliveryHandler((message, recipient) -> {
            record(message.getMessage().getMessageID());
            return store.handle(message, recipient);
        });
    }

    private void record(String messageId) {
        Instant now = Instant.now();
        messages.incrementAndGet();
        Matcher matcher = MESSAGE_ID.matcher(messageId == null ? "" : messageId.trim());
        if (matcher.matches()) {
            receipts.computeIfAbsent(matcher.group(1), id -> new CopyOnWriteArrayList<>()).add(now);
        } else {
            unrecognised.add(String.valueOf(messageId));
        }
        lastReceipt = now;
    }

    int port() {
        return port;
    }

    /** Messages received, copies included. */
    int messages() {
        return messages.get();
    }

    /** Distinct topup_ids received at least once. */
    Set<String> receivedTopupIds() {
        return Set.copyOf(receipts.keySet());
    }

    int distinctTopupIds() {
        return receipts.size();
    }

    /** topup_id -> copies received, for those received more than once. */
    Map<String, Integer> duplicates() {
        Map<String, Integer> duplicates = new TreeMap<>();
        receipts.forEach((topupId, times) -> {
            if (times.size() > 1) {
                duplicates.put(topupId, times.size());
            }
        });
        return duplicates;
    }

    /** Message-IDs that do not name an eSIM. */
    List<String> unrecognised() {
        return new ArrayList<>(unrecognised);
    }

    Optional<Instant> lastReceipt() {
        return Optional.ofNullable(lastReceipt);
    }

    @Override
    public void close() {
        greenMail.stop();
        Thread.setDefaultUncaughtExceptionHandler(previousHandler);
    }

    /**
     * A SIGKILL in the middle of an SMTP conversation makes GreenMail's connection thread die with a stack trace: one
     * line says it instead. Everything else is printed as usual.
     */
    private void quietAboutConnectionsOfAKilledSender() {
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            Throwable cause = error;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (thread.getName().startsWith("smtp:")
                    && (cause instanceof SocketException || String.valueOf(cause.getMessage()).startsWith("Unexpected end"))) {
                String reason = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
                System.err.println("GreenMail: " + thread.getName() + " ended: "
                        + reason.substring(0, Math.min(reason.length(), 40))
                        + " (the application was killed mid-conversation)");
            } else {
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                error.printStackTrace();
            }
        });
    }
}
