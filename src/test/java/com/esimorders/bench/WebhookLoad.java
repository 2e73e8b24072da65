package com.esimorders.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop webhook load: {@code threads} senders, each on its own keep-alive HTTP/1.1 connection (plain sockets,
 * to keep the generator's own CPU small on a 2-core machine), sending one POST after the other until the duration is
 * over or every body has been sent once. Each body is sent once (a distinct eSIM). Records every request's latency.
 */
final class WebhookLoad {

    /** What a load run measured. */
    record Result(int sent, int ok, int applied, int failed, double seconds, long[] sortedLatencyNanos, String firstError) {
        double okPerSecond() {
            return ok / seconds;
        }

        double p(double percentile) {
            return Bench.percentile(sortedLatencyNanos, percentile) / 1e6;
        }
    }

    private WebhookLoad() {
    }

    static Result run(int port, String path, List<String> bodies, int threads, long durationMs) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger applied = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong endNanos = new AtomicLong();
        String[] firstError = new String[1];
        long[][] latencies = new long[threads][];
        int[] counts = new int[threads];
        long start = System.nanoTime();
        long deadline = start + durationMs * 1_000_000;
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int me = t;
            workers[t] = new Thread(() -> {
                long[] mine = new long[4096];
                int n = 0;
                Conn socket = null;
                try {
                    while (System.nanoTime() < deadline) {
                        int index = next.getAndIncrement();
                        if (index >= bodies.size()) {
                            break;
                        }
                        byte[] request = request(port, path, bodies.get(index));
                        long sent = System.nanoTime();
                        String response;
                        try {
                            if (socket == null) {
                                socket = connect(port);
                            }
                            response = exchange(socket, request);
                        } catch (IOException e) {
                            // the server may close an idle keep-alive connection: once more on a new one
                            close(socket);
                            socket = connect(port);
                            response = exchange(socket, request);
                        }
                        long took = System.nanoTime() - sent;
                        endNanos.accumulateAndGet(System.nanoTime(), Math::max);
                        if (n == mine.length) {
                            mine = Arrays.copyOf(mine, n * 2);
                        }
                        mine[n++] = took;
                        if (response.startsWith("HTTP/1.1 200")) {
                            ok.incrementAndGet();
                            if (response.contains("\"applied\"")) {
                                applied.incrementAndGet();
                            }
                        } else {
                            failed.incrementAndGet();
                            synchronized (firstError) {
                                if (firstError[0] == null) {
                                    firstError[0] = response.lines().findFirst().orElse("") + " "
                                            + response.substring(Math.max(0, response.indexOf("\r\n\r\n")));
                                }
                            }
                        }
                    }
                } catch (IOException e) {
                    failed.incrementAndGet();
                    synchronized (firstError) {
                        if (firstError[0] == null) {
                            firstError[0] = e.toString();
                        }
                    }
                } finally {
                    close(socket);
                    latencies[me] = mine;
                    counts[me] = n;
                }
            }, "webhook-sender-" + t);
            workers[t].start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        int total = 0;
        for (int count : counts) {
            total += count;
        }
        long[] all = new long[total];
        int at = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(latencies[t], 0, all, at, counts[t]);
            at += counts[t];
        }
        Arrays.sort(all);
        double seconds = (Math.max(endNanos.get(), start + 1) - start) / 1e9;
        return new Result(total, ok.get(), applied.get(), failed.get(), seconds, all, firstError[0]);
    }

    private static byte[] request(int port, String path, String body) {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: " + content.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(head, head.length + content.length);
        System.arraycopy(content, 0, request, head.length, content.length);
        return request;
    }

    /** One keep-alive connection with its buffered input (one response is read before the next request). */
    private record Conn(Socket socket, InputStream in, OutputStream out) {
    }

    private static Conn connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout(30_000);
        return new Conn(socket, new BufferedInputStream(socket.getInputStream(), 8192), socket.getOutputStream());
    }

    private static void close(Conn conn) {
        try {
            if (conn != null) {
                conn.socket().close();
            }
        } catch (IOException e) {
            // closing
        }
    }

    /** Writes the request and reads one response (Content-Length or chunked); answers it as text. */
    private static String exchange(Conn conn, byte[] request) throws IOException {
        conn.out().write(request);
        conn.out().flush();
        InputStream in = conn.in();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed");
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        String lower = headers.toLowerCase();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int lengthAt = lower.indexOf("content-length:");
        if (lengthAt >= 0) {
            int length = Integer.parseInt(lower.substring(lengthAt + 15, lower.indexOf('\r', lengthAt)).trim());
            body.write(in.readNBytes(length));
        } else if (lower.contains("transfer-encoding: chunked")) {
            while (true) {
                String size = line(in);
                int chunk = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (chunk == 0) {
                    line(in);
                    break;
                }
                body.write(in.readNBytes(chunk));
                line(in);
            }
        }
        if (lower.contains("connection: close")) {
            conn.socket().close();
        }
        return headers + body.toString(StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
