package com.esimorders.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.Deque;
import java.util.List;
import org.apache.camel.component.mail.DefaultJavaMailSender;

/**
 * The smtp component's sender, keeping open SMTP connections for the next emails instead of camel-mail's connection
 * per message: a connection costs several round trips (greeting, EHLO, STARTTLS and its handshake, AUTH, QUIT),
 * which made an email about 48 ms against a local server where sending it on an open connection takes about 2 ms.
 * <p>
 * A connection belongs to no thread: each email borrows the most recently used idle one (or opens one) and gives it
 * back when sent, so consecutive emails share a connection and the pool holds no more connections than were in use
 * at once. A connection is checked (NOOP) when borrowed and replaced when the server has dropped it; after a failed
 * send it is closed and never used again, so the outbox's retry always starts on a fresh connection. {@link
 * #closeIdle} closes the connections idle longer than the limit, {@link #closeAll} every idle one at shutdown (and
 * any given back after it).
 */
public class SmtpConnections extends DefaultJavaMailSender {

    private record Idle(Transport transport, long since) {
    }

    private final long maxIdleNanos;
    /** Most recently given back first; guarded by this. */
    private final Deque<Idle> idle = new ArrayDeque<>();
    private boolean closed;

    public SmtpConnections(Duration maxIdle) {
        this.maxIdleNanos = maxIdle.toNanos();
    }

    @Override
    public void send(MimeMessage message) throws MessagingException {
        Transport transport = borrow();
        if (message.getSentDate() == null) {
            message.setSentDate(new Date());
        }
        // as camel-mail's own sender: headers brought up to date, the message's own Message-ID kept
        String messageId = message.getMessageID();
        message.saveChanges();
        if (messageId != null) {
            message.setHeader("Message-ID", messageId);
        }
        try {
            transport.sendMessage(message, message.getAllRecipients());
        } catch (MessagingException | RuntimeException e) {
            close(transport);
            throw e;
        }
        giveBack(transport);
    }

    /** Closes (QUIT) the connections that have been idle longer than the limit. */
    public void closeIdle() {
        long now = System.nanoTime();
        List<Transport> expired = new ArrayList<>();
        synchronized (this) {
            while (!idle.isEmpty() && now - idle.peekLast().since() > maxIdleNanos) {
                expired.add(idle.pollLast().transport());
            }
        }
        expired.forEach(SmtpConnections::close);
    }

    /** Closes every idle connection, at shutdown; a connection given back afterwards is closed at once. */
    public void closeAll() {
        List<Transport> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.forEach(connection -> all.add(connection.transport()));
            idle.clear();
        }
        all.forEach(SmtpConnections::close);
    }

    private Transport borrow() throws MessagingException {
        Transport transport;
        while ((transport = takeIdle()) != null) {
            if (transport.isConnected()) { // NOOP
                return transport;
            }
            close(transport);
        }
        transport = getTransport(getSession());
        transport.connect(getHost(), getPort(), getUsername(), getPassword());
        return transport;
    }

    private synchronized Transport takeIdle() {
        Idle connection = idle.pollFirst();
        return connection == null ? null : connection.transport();
    }

    private void giveBack(Transport transport) {
        synchronized (this) {
            if (!closed) {
                idle.addFirst(new Idle(transport, System.nanoTime()));
                return;
            }
        }
        close(transport);
    }

    private static void close(Transport transport) {
        try {
            transport.close();
        } catch (MessagingException | RuntimeException ignored) {
            // already broken: nothing more to release
        }
    }
}
