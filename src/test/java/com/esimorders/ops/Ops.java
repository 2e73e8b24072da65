package com.esimorders.ops;

import com.esimorders.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.JdbcTemplate;

/** HTTP calls to the operator API and test data for the ops tests. */
final class Ops {

    static final String JAPAN = "3f6c2a9e-8b1d-4c7a-9e2f-1a5b6c7d8e01";
    static final String KOREA = "7b2e4d1c-5a6f-4e8b-b3c9-2d4e6f8a0b12";
    private static final AtomicLong SEQUENCE = new AtomicLong(System.nanoTime() % 1_000_000_000L);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Ops() {
    }

    static String orderId(String prefix) {
        return prefix + "-" + SEQUENCE.incrementAndGet();
    }

    static String topupId() {
        return String.format("%026d", SEQUENCE.incrementAndGet());
    }

    static HttpResponse<String> get(String url, String authorization) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET(), authorization);
    }

    static HttpResponse<String> post(String url, String authorization, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return send(request, authorization);
    }

    static HttpResponse<String> send(HttpRequest.Builder request, String authorization) {
        request.timeout(Duration.ofSeconds(60));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + response.body(), e);
        }
    }

    /** An order as the submission code records it, in the given status, with its history row. */
    static void order(JdbcTemplate jdbc, String id, String status, String email, String optionId, int qty) {
        jdbc.update("INSERT INTO orders (external_order_id, status, customer_email, customer_name, source_type,"
                + " source_ref, attempts, last_error) VALUES (?, ?, ?, 'Ana', 'FILE', 'ops.csv:2', 1, ?)", id, status,
                email, "REJECTED".equals(status) ? "Product with option_id not found" : null);
        jdbc.update("INSERT INTO order_lines (external_order_id, line_no, option_id, qty) VALUES (?, 1, ?, ?)", id,
                optionId, qty);
        jdbc.update("INSERT INTO order_history (external_order_id, from_status, to_status, attempt, detail)"
                + " VALUES (?, 'SENDING', ?, 1, 'test')", id, status);
    }

    /** The provider's webhook body for one eSIM. */
    static String webhook(String topupId, String orderId, String optionId) {
        return """
                {"topup_id":"%s","option_id":"%s","iccid":"8982%s","smdp":"smdp.example.com","activate_code":"ACT-%s",\
                "download_link":"LPA:1$smdp.example.com$ACT-%s","qrcode_img_url":"https://cdn.example.com/qr.png",\
                "expired_date":"2031-12-31","external_order_id":"%s"}""".formatted(topupId, optionId,
                topupId.substring(10), topupId, topupId, orderId);
    }
}
