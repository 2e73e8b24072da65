package com.esimorders.crash;

import com.esimorders.signing.RequestSigner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The eSIM Story partner API as DESIGN.md documents it, over loopback: {@code POST /api/v1/api_partner/orders}.
 * <ul>
 * <li>Authentication: the three headers, the access key, a timestamp within 5 minutes, and the HMAC-SHA256 signature
 * over {@code POST\n<path with /api>\n<timestamp>\n<access key>} keyed with the Base64-decoded secret (the
 * application's own {@link RequestSigner#signature}, which RequestSignerTest checks against the documented test
 * vector); 401 {@code {"error":{"code":"unauthorized","message":...}}} otherwise.</li>
 * <li>An external_order_id is taken once: a repeat gets 422 {@code {"errors":["External order id has already been
 * taken"]}}.</li>
 * <li>A taken order gets 201 {@code {"products":[{"topup_id":"<26 digits>","option_id":...}]}}, one entry per unit,
 * and one webhook per unit is handed to the {@link WebhookSender}.</li>
 * </ul>
 * It counts every request, the times each id was taken and refused as taken, and keeps the topup_ids it issued.
 */
final class ProviderStandIn implements AutoCloseable {

    static final String ORDERS_PATH = "/api/v1/api_partner/orders";
    static final String ALREADY_TAKEN = "External order id has already been taken";
    private static final long MAX_SKEW_SECONDS = 300;
    private static final String SMDP = "smdp.stand-in.invalid";
    private static final String CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String accessKey;
    private final byte[] secret;
    private final Set<String> optionIds;
    private final WebhookSender webhooks;
    private final HttpServer server;
    private final ThreadPoolExecutor handlers;
    private final SecureRandom random = new SecureRandom();
    /** 13 digits, then a 13-digit sequence: 26 digits, unique in a run */
    private final String topupPrefix = String.format("%013d", System.currentTimeMillis());
    private final AtomicLong topupSequence = new AtomicLong();

    /** external_order_id -> the topup_ids issued when it was taken */
    private final Map<String, List<String>> taken = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> timesTaken = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> refusedAsTaken = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> answersByStatus = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger standInErrors = new AtomicInteger();
    /** how long each request waits, once read, before it is answered (and its order taken); 0 by default */
    private volatile Duration latency = Duration.ZERO;

    ProviderStandIn(String accessKey, String base64Secret, Set<String> optionIds, WebhookSender webhooks)
            throws IOException {
        this.accessKey = accessKey;
        this.secret = Base64.getDecoder().decode(base64Secret);
        this.optionIds = Set.copyOf(optionIds);
        this.webhooks = webhooks;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        // bounded: 16 handlers (the application sends at most ESIM_PROVIDER_MAX_CONCURRENT=16 at once); when all are
        // busy and 256 wait, the accepting thread handles the request itself (back-pressure, no rejection)
        this.handlers = new ThreadPoolExecutor(16, 16, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256),
                new ThreadPoolExecutor.CallerRunsPolicy());
        server.setExecutor(handlers);
        server.createContext(ORDERS_PATH, this::handle);
        server.start();
    }

    /**
     * Makes every request read from now on wait this long before it is answered (and its order taken): a slow
     * provider. A request already waiting keeps its wait; an order it carries is taken even if the application is
     * gone by then (the provider got the request).
     */
    void latency(Duration latency) {
        this.latency = latency;
    }

    /** The base URL the application is configured with (ESIM_PROVIDER_URL), including {@code /api}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api";
    }

    int requests() {
        return requests.get();
    }

    int ordersTaken() {
        return taken.size();
    }

    Set<String> takenOrderIds() {
        return Set.copyOf(taken.keySet());
    }

    /** How many times the id was taken: 0 or 1, as the provider documents. */
    int timesTaken(String externalOrderId) {
        AtomicInteger count = timesTaken.get(externalOrderId);
        return count == null ? 0 : count.get();
    }

    /** external_order_id -> how often it was refused as already taken (the application sent it again). */
    Map<String, Integer> refusedAsTaken() {
        Map<String, Integer> copy = new TreeMap<>();
        refusedAsTaken.forEach((id, count) -> copy.put(id, count.get()));
        return copy;
    }

    /** Every topup_id issued, with its external_order_id. */
    Map<String, String> issuedTopupIds() {
        Map<String, String> issued = new TreeMap<>();
        taken.forEach((id, topups) -> topups.forEach(topup -> issued.put(topup, id)));
        return issued;
    }

    /** "201=1990 401=0 422=12" */
    String answersByStatus() {
        Map<Integer, Integer> copy = new TreeMap<>();
        answersByStatus.forEach((status, count) -> copy.put(status, count.get()));
        return copy.toString();
    }

    /** Requests the stand-in itself failed on (a harness bug): must stay 0. */
    int standInErrors() {
        return standInErrors.get();
    }

    private void handle(HttpExchange exchange) {
        requests.incrementAndGet();
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            long wait = latency.toMillis();
            if (wait > 0) {
                try {
                    Thread.sleep(wait); // the simulated provider latency, not a wait for a condition
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // closing: answer at once
                }
            }
            Answer answer;
            try {
                answer = answer(exchange, body);
            } catch (RuntimeException e) {
                standInErrors.incrementAndGet();
                System.err.println("provider stand-in failed: " + e.getClass().getName());
                answer = new Answer(500, "{\"error\":\"Internal server error\"}");
            }
            answersByStatus.computeIfAbsent(answer.status, s -> new AtomicInteger()).incrementAndGet();
            byte[] bytes = answer.json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            // the application went away mid-request (killed): an order taken stays taken, its webhooks still come
        } finally {
            exchange.close();
        }
    }

    private Answer answer(HttpExchange exchange, byte[] body) {
        if (!"POST".equals(exchange.getRequestMethod())) {
            return new Answer(405, "{\"error\":\"Method not allowed\"}");
        }
        Answer refusal = authenticate(exchange);
        if (refusal != null) {
            return refusal;
        }
        JsonNode order;
        try {
            order = JSON.readTree(body);
        } catch (IOException e) {
            order = null;
        }
        if (order == null || !order.isObject()) {
            return new Answer(400, "{\"error\":\"Invalid JSON format\"}");
        }
        String externalOrderId = order.path("external_order_id").asText("").trim();
        if (externalOrderId.isEmpty()) {
            return errors("External order id can't be blank");
        }
        JsonNode products = order.path("products");
        if (!products.isArray() || products.isEmpty()) {
            return errors("Products can't be blank");
        }
        List<String[]> units = new ArrayList<>(); // {topup_id, option_id}
        for (JsonNode product : products) {
            String optionId = product.path("option_id").asText("");
            JsonNode qty = product.path("qty");
            if (!optionIds.contains(optionId)) {
                return errors("Product with option_id not found");
            }
            if (!qty.canConvertToInt() || !qty.isIntegralNumber() || qty.asInt() < 1) {
                return errors("Qty must be a positive integer");
            }
            for (int unit = 0; unit < qty.asInt(); unit++) {
                units.add(new String[] {newTopupId(), optionId});
            }
        }
        List<String> topupIds = units.stream().map(unit -> unit[0]).toList();
        if (taken.putIfAbsent(externalOrderId, topupIds) != null) {
            refusedAsTaken.computeIfAbsent(externalOrderId, id -> new AtomicInteger()).incrementAndGet();
            return errors(ALREADY_TAKEN);
        }
        timesTaken.computeIfAbsent(externalOrderId, id -> new AtomicInteger()).incrementAndGet();
        ObjectNode response = JSON.createObjectNode();
        ArrayNode answered = response.putArray("products");
        for (String[] unit : units) {
            answered.addObject().put("topup_id", unit[0]).put("option_id", unit[1]);
            webhooks.schedule(unit[0], webhook(unit[0], unit[1], externalOrderId));
        }
        return new Answer(201, response.toString());
    }

    /** Null when the request is authentic, else the 401 the provider documents. */
    private Answer authenticate(HttpExchange exchange) {
        String key = exchange.getRequestHeaders().getFirst("X-Esim-Story-Access-Key");
        String signature = exchange.getRequestHeaders().getFirst("X-Esim-Story-Signature");
        String timestamp = exchange.getRequestHeaders().getFirst("X-Esim-Story-Timestamp");
        if (isBlank(key) || isBlank(signature) || isBlank(timestamp)) {
            return unauthorized("Missing required authentication headers.");
        }
        if (!MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8), accessKey.getBytes(StandardCharsets.UTF_8))) {
            return unauthorized("Invalid or missing access key. Please provide a valid X-Esim-Story-Access-Key header.");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return unauthorized("Request timestamp is too old or invalid.");
        }
        if (Math.abs(System.currentTimeMillis() / 1000 - seconds) > MAX_SKEW_SECONDS) {
            return unauthorized("Request timestamp is too old or invalid.");
        }
        // the exact path received, /api prefix included, without query or host
        String path = exchange.getRequestURI().getRawPath();
        String expected = RequestSigner.signature(secret, "POST", path, seconds, accessKey);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                signature.trim().getBytes(StandardCharsets.UTF_8))) {
            return unauthorized("Invalid signature.");
        }
        return null;
    }

    private String webhook(String topupId, String optionId, String externalOrderId) {
        String code = randomCode(24);
        ObjectNode json = JSON.createObjectNode()
                .put("topup_id", topupId)
                .put("option_id", optionId)
                .put("iccid", "8982" + randomDigits(15))
                .put("smdp", SMDP)
                .put("activate_code", code)
                .put("download_link", "LPA:1$" + SMDP + "$" + code)
                .put("qrcode_img_url", "https://" + SMDP + "/qrcode/" + topupId + ".png")
                .put("expired_date", LocalDate.now(ZoneOffset.UTC).plusDays(180).toString())
                .put("external_order_id", externalOrderId);
        return json.toString();
    }

    private String newTopupId() {
        return topupPrefix + String.format("%013d", topupSequence.incrementAndGet());
    }

    private String randomCode(int length) {
        StringBuilder code = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            code.append(CODE_ALPHABET.charAt(random.nextInt(CODE_ALPHABET.length())));
        }
        return code.toString();
    }

    private String randomDigits(int length) {
        StringBuilder digits = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            digits.append(random.nextInt(10));
        }
        return digits.toString();
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static Answer unauthorized(String message) {
        ObjectNode json = JSON.createObjectNode();
        json.putObject("error").put("code", "unauthorized").put("message", message);
        return new Answer(401, json.toString());
    }

    private static Answer errors(String... errors) {
        ObjectNode json = JSON.createObjectNode();
        ArrayNode list = json.putArray("errors");
        for (String error : errors) {
            list.add(error);
        }
        return new Answer(422, json.toString());
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }

    private record Answer(int status, String json) {
    }
}
