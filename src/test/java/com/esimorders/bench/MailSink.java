package com.esimorders.bench;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmarks' SMTP server: a minimal one on a free loopback port, a thread per connection, no authentication.
 * It reads each message whole (DATA up to the lone dot) and records when it was accepted, by topup_id from
 * {@code Message-ID: <esim-{topup_id}@esim-orders>}, before it answers 250; it keeps nothing else. GreenMail, which
 * the tests use, parses and stores every message: about 1.8 ms of CPU per email, on the same 2 cores as the
 * application, while the application's drain took about 2.2 ms.
 */
final class MailSink implements AutoCloseable {

    private static final Pattern MESSAGE_ID = Pattern.compile("<esim-([0-9]{1,26})@esim-orders>");

    final int port;
    private final ServerSocket server;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger received = new AtomicInteger();
    /** topup_id -> epoch milliseconds of its first receipt */
    final Map<String, Long> receivedAt = new ConcurrentHashMap<>();
    private volatile long lastNanos;

    MailSink() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        port = server.getLocalPort();
        Thread acceptor = new Thread(this::acceptConnections, "smtp-sink-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptConnections() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.add(socket);
                Thread conversation = new Thread(() -> converse(socket), "smtp-sink-" + socket.getPort());
                conversation.setDaemon(true);
                conversation.start();
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void converse(Socket socket) {
        try (socket; InputStream in = new BufferedInputStream(socket.getInputStream(), 16384);
                OutputStream out = new BufferedOutputStream(socket.getOutputStream())) {
            reply(out, "220 esim-orders benchmark SMTP sink");
            String line;
            while ((line = readLine(in)) != null) {
                String verb = line.length() < 4 ? line : line.substring(0, 4).toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO" -> reply(out, "250-esim-orders benchmark\r\n250 8BITMIME");
                    case "DATA" -> {
                        reply(out, "354 end with <CRLF>.<CRLF>");
                        if (!receiveMessage(in)) {
                            return;
                        }
                        reply(out, "250 accepted");
                    }
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "250 ok"); // HELO, MAIL, RCPT, RSET, NOOP
                }
            }
        } catch (IOException e) {
            // the client went away
        } finally {
            connections.remove(socket);
        }
    }

    /** Reads one message up to its lone dot; false when the connection ended first. */
    private boolean receiveMessage(InputStream in) throws IOException {
        String topupId = null;
        boolean inHeaders = true;
        String line;
        while ((line = readLine(in)) != null) {
            if (line.equals(".")) {
                long now = System.currentTimeMillis();
                lastNanos = System.nanoTime();
                received.incrementAndGet();
                if (topupId != null) {
                    receivedAt.putIfAbsent(topupId, now);
                }
                return true;
            }
            if (inHeaders) {
                if (line.isEmpty()) {
                    inHeaders = false;
                } else if (line.regionMatches(true, 0, "Message-ID:", 0, 11)) {
                    Matcher id = MESSAGE_ID.matcher(line);
                    if (id.find()) {
                        topupId = id.group(1);
                    }
                }
            }
        }
        return false;
    }

    /** A line without its CRLF, or null at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(80);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            line.append((char) b);
        }
        return line.length() == 0 ? null : line.toString();
    }

    private static void reply(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
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
    public void close() throws IOException {
        server.close();
        for (Socket connection : connections) {
            connection.close();
        }
    }
}
