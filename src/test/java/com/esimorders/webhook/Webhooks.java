package com.esimorders.webhook;

import com.esimorders.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.JdbcTemplate;

/** Test data and HTTP calls for the webhook tests: orders as the submission code writes them, provider webhooks. */
final class Webhooks {

    static final String JAPAN = "3f6c2a9e-8b1d-4c7a-9e2f-1a5b6c7d8e01";
    static final String JAPAN_NAME = "Japan 5 GB / 7 days";
    static final String EUROPE = "c1d9e8f7-2b3a-4c5d-8e6f-7a8b9c0d1e23";
    private static final AtomicLong SEQUENCE = new AtomicLong(System.nanoTime() % 1_000_000_000L);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Webhooks() {
    }

    /** A fresh 26-digit topup_id. */
    static String topupId() {
        return String.format("%026d", SEQUENCE.incrementAndGet());
    }

    static String orderId() {
        return "ORD-" + SEQUENCE.incrementAndGet();
    }

    /** An order with one line per {optionId, qty} pair, in the given status. */
    static void order(JdbcTemplate jdbc, String orderId, String status, String email, String sourceType,
            Object... optionQty) {
        jdbc.update("INSERT INTO orders (external_order_id, status, customer_email, customer_name, source_type, attempts)"
                + " VALUES (?, ?, ?, ?, ?, 1)", orderId, status, email, email == null ? null : "Ana Müller", sourceType);
        for (int i = 0; i < optionQty.length; i += 2) {
            jdbc.update("INSERT INTO order_lines (external_order_id, line_no, option_id, qty) VALUES (?, ?, ?, ?)",
                    orderId, i / 2 + 1, optionQty[i], optionQty[i + 1]);
        }
    }

    /** An item from the order's response, waiting for its eSIM. */
    static void orderedItem(JdbcTemplate jdbc, String topupId, String orderId, String optionId) {
        jdbc.update("INSERT INTO esim_items (topup_id, external_order_id, option_id, status) VALUES (?, ?, ?, 'ORDERED')",
                topupId, orderId, optionId);
    }

    /** An item whose eSIM has arrived (its email can be composed). */
    static void deliveredItem(JdbcTemplate jdbc, String topupId, String orderId, String optionId) {
        jdbc.update("INSERT INTO esim_items (topup_id, external_order_id, option_id, status, iccid, smdp,"
                + " activation_code, download_link) VALUES (?, ?, ?, 'DELIVERED', '8982000', 'smdp.example.com',"
                + " 'ACT', ?)", topupId, orderId, optionId, lpa(topupId));
    }

    static String lpa(String topupId) {
        return "LPA:1$smdp.example.com$ACT-" + topupId;
    }

    static String iccid(String topupId) {
        return "8982" + topupId.substring(10);
    }

    /** The provider's webhook body for one eSIM. */
    static String json(String topupId, String orderId, String optionId) {
        return json(topupId, orderId, optionId, iccid(topupId));
    }

    static String json(String topupId, String orderId, String optionId, String iccid) {
        return """
                {"topup_id":"%s","option_id":"%s","iccid":"%s","smdp":"smdp.example.com","activate_code":"ACT-%s",\
                "download_link":"%s","qrcode_img_url":"https://cdn.example.com/qr/%s.png","expired_date":"2031-12-31",\
                "external_order_id":"%s"}""".formatted(topupId, optionId, iccid, topupId, lpa(topupId), topupId, orderId);
    }

    static HttpResponse<String> post(TestApp app, String token, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.baseUrl() + "/webhooks/esim/" + token))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> get(TestApp app, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static int count(JdbcTemplate jdbc, String table, String topupId) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM " + table + " WHERE topup_id = ?", Integer.class, topupId);
    }
}
