package com.esimorders.sandbox;

import com.esimorders.Json;
import com.esimorders.TestApp;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A partner's webhook endpoint over real HTTP: records every delivery and answers 500 for an order while told to. */
final class WebhookReceiver implements AutoCloseable {

    record Delivery(JsonNode body, String contentType, int answered) {
    }

    private final HttpServer server;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> failuresToAnswer = new ConcurrentHashMap<>();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("localhost", TestApp.freePort()), 0);
        server.createContext("/webhooks", exchange -> {
            JsonNode body = Json.MAPPER.readTree(exchange.getRequestBody());
            int[] failuresLeft = {0};
            failuresToAnswer.computeIfPresent(body.path("external_order_id").asText(), (order, times) -> {
                failuresLeft[0] = times;
                return times > 1 ? times - 1 : null;
            });
            int status = failuresLeft[0] > 0 ? 500 : 200;
            deliveries.add(new Delivery(body, exchange.getRequestHeaders().getFirst("Content-Type"), status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://localhost:" + server.getAddress().getPort() + "/webhooks/esim/receiver-token";
    }

    /** Answers the next {@code times} deliveries of the order's webhooks with 500. */
    void failNext(String externalOrderId, int times) {
        failuresToAnswer.put(externalOrderId, times);
    }

    /** Deliveries of one order's webhooks, in the order they arrived. */
    List<Delivery> forOrder(String externalOrderId) {
        return deliveries.stream().filter(d -> externalOrderId.equals(d.body().path("external_order_id").asText()))
                .toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
