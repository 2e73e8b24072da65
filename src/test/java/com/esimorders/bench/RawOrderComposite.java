package com.esimorders.bench;

import com.esimorders.Json;
import com.esimorders.signing.RequestSigner;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Base64;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The raw side of the batch-overhead figure: what one order costs in plain Java, per order on one of N threads:
 * insert the order and its line (commit), sign the request (HMAC-SHA256, {@link RequestSigner}), POST it to a stand-in
 * provider, then mark the order ACCEPTED and store its item (commit). The stand-in (JDK HttpServer, N threads)
 * checks the signature, records the order id in {@code sandbox_orders} (commit), as the built-in sandbox does, and
 * answers one topup_id.
 */
final class RawOrderComposite implements AutoCloseable {

    static final String ACCESS_KEY = "bench_access_key";
    static final String SECRET = Base64.getEncoder().encodeToString("bench-secret-key".getBytes(StandardCharsets.UTF_8));
    static final String PATH = "/api/v1/api_partner/orders";

    private final RawJdbc.Db db;
    private final HttpServer server;
    private final ExecutorService serverThreads;
    private final BlockingQueue<Connection> serverConnections;
    private final AtomicLong topups = new AtomicLong(10_000_000_000_000L);

    RawOrderComposite(RawJdbc.Db db, int threads) throws IOException, SQLException {
        this.db = db;
        serverConnections = new ArrayBlockingQueue<>(threads);
        for (int i = 0; i < threads; i++) {
            Connection c = db.connect();
            c.setAutoCommit(true);
            serverConnections.add(c);
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        serverThreads = Executors.newFixedThreadPool(threads);
        server.setExecutor(serverThreads);
        server.createContext(PATH, this::answer);
        server.start();
    }

    private void answer(HttpExchange exchange) throws IOException {
        int status;
        String body;
        try {
            long timestamp = Long.parseLong(exchange.getRequestHeaders().getFirst("X-Esim-Story-Timestamp"));
            String expected = RequestSigner.signature(Base64.getDecoder().decode(SECRET), "POST",
                    exchange.getRequestURI().getPath(), timestamp, ACCESS_KEY);
            JsonNode order = Json.MAPPER.readTree(exchange.getRequestBody());
            if (!expected.equals(exchange.getRequestHeaders().getFirst("X-Esim-Story-Signature"))) {
                status = 401;
                body = "{\"error\":{\"code\":\"unauthorized\",\"message\":\"Invalid signature.\"}}";
            } else {
                Connection c = serverConnections.take();
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO sandbox_orders (external_order_id) VALUES (?)")) {
                    insert.setString(1, order.get("external_order_id").asText());
                    insert.executeUpdate();
                } finally {
                    serverConnections.add(c);
                }
                status = 200;
                body = "{\"products\":[{\"topup_id\":\"" + String.format("%026d", topups.incrementAndGet())
                        + "\",\"option_id\":\"" + order.get("products").get(0).get("option_id").asText() + "\"}]}";
            }
        } catch (Exception e) {
            status = 500;
            body = "{\"error\":\"Internal server error\"}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** Sends {@code count} orders (ids PREFIX-1...) on {@code threads} threads; answers orders per second. */
    double run(String prefix, int count, int threads) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
        RequestSigner signer = new RequestSigner(ACCESS_KEY, SECRET);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        return RawJdbc.rate(db, threads, Long.MAX_VALUE / 2_000_000, connection -> {
            PreparedStatement insertOrder = connection.prepareStatement("INSERT INTO orders (external_order_id, status,"
                    + " customer_email, customer_name, source_type, source_ref) VALUES (?, 'RECEIVED', ?, ?, 'FILE', ?)");
            PreparedStatement insertLine = connection.prepareStatement("INSERT INTO order_lines (external_order_id,"
                    + " line_no, option_id, qty) VALUES (?, 1, ?, 1)");
            PreparedStatement accept = connection.prepareStatement("UPDATE orders SET status = 'ACCEPTED',"
                    + " attempts = 1, updated_at = CURRENT_TIMESTAMP WHERE external_order_id = ? AND status = 'RECEIVED'");
            PreparedStatement insertItem = connection.prepareStatement("INSERT INTO esim_items (topup_id,"
                    + " external_order_id, option_id, status) VALUES (?, ?, ?, 'ORDERED')");
            return (c, thread, n) -> {
                int i = next.incrementAndGet();
                if (i > count) {
                    return false;
                }
                String id = prefix + "-" + i;
                String option = AppProcess.PLANS[i % AppProcess.PLANS.length];
                insertOrder.setString(1, id);
                insertOrder.setString(2, "c" + i + "@example.com");
                insertOrder.setString(3, "Customer " + i);
                insertOrder.setString(4, "raw.csv line " + i);
                insertOrder.executeUpdate();
                insertLine.setString(1, id);
                insertLine.setString(2, option);
                insertLine.executeUpdate();
                c.commit();
                long now = System.currentTimeMillis() / 1000;
                HttpRequest request = HttpRequest.newBuilder(uri)
                        .header("Content-Type", "application/json")
                        .header("X-Esim-Story-Access-Key", ACCESS_KEY)
                        .header("X-Esim-Story-Timestamp", String.valueOf(now))
                        .header("X-Esim-Story-Signature", signer.sign("POST", PATH, now))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"external_order_id\":\"" + id
                                + "\",\"products\":[{\"option_id\":\"" + option + "\",\"qty\":1}]}"))
                        .build();
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("stand-in answered " + response.statusCode() + " " + response.body());
                }
                JsonNode product = Json.MAPPER.readTree(response.body()).get("products").get(0);
                accept.setString(1, id);
                accept.executeUpdate();
                insertItem.setString(1, product.get("topup_id").asText());
                insertItem.setString(2, id);
                insertItem.setString(3, product.get("option_id").asText());
                insertItem.executeUpdate();
                c.commit();
                return true;
            };
        });
    }

    /**
     * One raw side of the batch-overhead figure in a JVM of its own, as cold as the application's at its start:
     * args DIR WARMUP COUNT THREADS. Runs WARMUP orders (as the application's first file), then COUNT measured ones
     * on a fresh H2 file in DIR, and prints "RAW rate cpuMsPerOrder": the CPU of this JVM over the measured orders,
     * the stand-in provider's included.
     */
    public static void main(String[] args) throws Exception {
        // as in Bench: the JDK HttpServer otherwise waits for a delayed ACK on every answer (about 40 ms)
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Path dir = Path.of(args[0]);
        int threads = Integer.parseInt(args[3]);
        try (RawOrderComposite warmUp = new RawOrderComposite(migrated(dir, "raw-warm-up"), threads)) {
            warmUp.run("RAWW", Integer.parseInt(args[1]), threads);
        }
        try (RawOrderComposite composite = new RawOrderComposite(migrated(dir, "raw-orders"), threads)) {
            int count = Integer.parseInt(args[2]);
            long pid = ProcessHandle.current().pid();
            double cpuBefore = AppProcess.cpuSeconds(pid);
            double rate = composite.run("RAW", count, threads);
            System.out.printf(java.util.Locale.ROOT, "RAW %.3f %.4f%n", rate,
                    1000 * (AppProcess.cpuSeconds(pid) - cpuBefore) / count);
        }
    }

    private static RawJdbc.Db migrated(Path dir, String name) {
        RawJdbc.Db db = RawJdbc.h2(dir, name);
        RawJdbc.migrate(db);
        return db;
    }

    @Override
    public void close() {
        server.stop(0);
        serverThreads.shutdownNow();
        for (Connection c : serverConnections) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing
            }
        }
    }
}
