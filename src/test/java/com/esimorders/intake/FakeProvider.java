package com.esimorders.intake;

import com.esimorders.Json;
import com.esimorders.PlanCatalogue;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The provider's order endpoint over real HTTP on loopback, as documented: 200 with one topup_id per unit, 422
 * for an unknown option_id or an external_order_id already taken. Records what it received. Any other path
 * answers 404 and is recorded too (a request that went somewhere it should not).
 */
final class FakeProvider implements AutoCloseable {

    record Request(String path, Map<String, List<String>> headers, String body) {
    }

    private final HttpServer server;
    private final Set<String> optionIds = PlanCatalogue.load(null).all().keySet();
    private final Set<String> taken = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextTopup = new AtomicLong(10_000_000_000L);
    final Queue<Request> requests = new ConcurrentLinkedQueue<>();

    FakeProvider() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api";
    }

    /** The external_order_ids of the orders received on the right path, once per request. */
    List<String> orderIds() {
        List<String> ids = new ArrayList<>();
        for (Request request : requests) {
            if (request.path().equals("/api/v1/api_partner/orders")) {
                try {
                    ids.add(Json.MAPPER.readTree(request.body()).path("external_order_id").asText());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return ids;
    }

    private void handle(HttpExchange http) throws IOException {
        String body = new String(http.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = http.getRequestURI().getPath();
        requests.add(new Request(path, Map.copyOf(http.getRequestHeaders()), body));
        if (!path.equals("/api/v1/api_partner/orders") || http.getRequestHeaders().getFirst("X-Esim-Story-Signature") == null) {
            answer(http, 404, "{\"error\":\"not found\"}");
            return;
        }
        JsonNode order = Json.MAPPER.readTree(body);
        StringBuilder products = new StringBuilder();
        for (JsonNode product : order.path("products")) {
            if (!optionIds.contains(product.path("option_id").asText())) {
                answer(http, 422, "{\"errors\":[\"Product with option_id not found\"]}");
                return;
            }
            for (int i = 0; i < product.path("qty").asInt(); i++) {
                products.append(products.length() == 0 ? "" : ",").append("{\"topup_id\":\"")
                        .append(String.format("%026d", nextTopup.incrementAndGet())).append("\",\"option_id\":\"")
                        .append(product.path("option_id").asText()).append("\"}");
            }
        }
        if (!taken.add(order.path("external_order_id").asText())) {
            answer(http, 422, "{\"errors\":[\"External order id has already been taken\"]}");
            return;
        }
        answer(http, 200, "{\"products\":[" + products + "]}");
    }

    private static void answer(HttpExchange http, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        http.getResponseHeaders().add("Content-Type", "application/json");
        http.sendResponseHeaders(status, bytes.length);
        http.getResponseBody().write(bytes);
        http.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
