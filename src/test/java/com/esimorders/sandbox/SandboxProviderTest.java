package com.esimorders.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.esimorders.Json;
import com.esimorders.PlanCatalogue;
import com.esimorders.TestApp;
import com.esimorders.sandbox.SandboxFaults.Fault;
import com.esimorders.signing.RequestSigner;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The simulated partner API over real HTTP, signed as our client signs, with every documented error and fault. */
@Tag("database")
class SandboxProviderTest {

    private static final String PATH = "/sandbox/api/v1/api_partner/orders";
    private static final String VECTOR_KEY = "test_access_key";
    private static final String VECTOR_SECRET = "dGVzdC1zZWNyZXQtYnl0ZXM=";
    private static final List<String> OPTION_IDS = List.copyOf(PlanCatalogue.load("").all().keySet());
    private static final String PLAN = OPTION_IDS.get(0);

    private static WebhookReceiver receiver;
    private static TestApp app;
    private static SandboxFaults faults;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final RequestSigner signer = new RequestSigner(VECTOR_KEY, VECTOR_SECRET);

    @BeforeAll
    static void start() throws IOException {
        receiver = new WebhookReceiver();
        app = TestApp.start(Map.of(
                "esim.sandbox.access-key", VECTOR_KEY,
                "esim.sandbox.secret-key", VECTOR_SECRET,
                "esim.sandbox.webhook-url", receiver.url(),
                "esim.sandbox.webhook-delay-ms", "20",
                "esim.sandbox.webhook-retry-delay-ms", "50",
                "esim.sandbox.webhook-max-attempts", "4"));
        faults = app.context().getRegistry().lookupByNameAndType("sandboxFaults", SandboxFaults.class);
    }

    @AfterAll
    static void stop() {
        app.close();
        receiver.close();
    }

    @BeforeEach
    void resetFaults() {
        faults.reset();
    }

    // --- authentication ---

    @Test
    void acceptsARequestSignedAsTheDocumentedVector() throws Exception {
        assertThat(signer.sign("POST", "/api/v1/api_partner/orders", 1738200000L))
                .isEqualTo("7c16eea1d8430d3a9e492a84d559ea990c0d4378e83d338a9376abad2f7818c2");

        HttpResponse<String> response = post(order(newId(), PLAN, 1));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(response.body()).path("products").get(0).path("option_id").asText())
                .isEqualTo(PLAN);
    }

    @Test
    void refusesAPathSignedWithoutApi() throws Exception {
        long now = Instant.now().getEpochSecond();
        HttpResponse<String> response = send(auth(VECTOR_KEY, signer.sign("POST", "/sandbox/v1/api_partner/orders", now),
                String.valueOf(now)), order(newId(), PLAN, 1));

        assertUnauthorized(response, "Invalid signature.");
    }

    @Test
    void refusesATimestampOutsideTheFiveMinuteWindow() throws Exception {
        long sixMinutesAgo = Instant.now().getEpochSecond() - 360;
        assertUnauthorized(sendSignedAt(sixMinutesAgo, order(newId(), PLAN, 1)), "Request timestamp is too old or invalid.");

        long sixMinutesAhead = Instant.now().getEpochSecond() + 360;
        assertUnauthorized(sendSignedAt(sixMinutesAhead, order(newId(), PLAN, 1)), "Request timestamp is too old or invalid.");

        assertUnauthorized(send(auth(VECTOR_KEY, signer.sign("POST", PATH, 0), "yesterday"), order(newId(), PLAN, 1)),
                "Request timestamp is too old or invalid.");

        long fourMinutesAgo = Instant.now().getEpochSecond() - 240;
        assertThat(sendSignedAt(fourMinutesAgo, order(newId(), PLAN, 1)).statusCode()).isEqualTo(200);
    }

    @Test
    void refusesMissingHeaders() throws Exception {
        long now = Instant.now().getEpochSecond();
        String signature = signer.sign("POST", PATH, now);
        for (Map<String, String> headers : List.of(auth(null, signature, String.valueOf(now)),
                auth(VECTOR_KEY, null, String.valueOf(now)), auth(VECTOR_KEY, signature, null), auth(null, null, null))) {
            assertUnauthorized(send(headers, order(newId(), PLAN, 1)), "Missing required authentication headers.");
        }
    }

    @Test
    void refusesAnUnknownAccessKey() throws Exception {
        long now = Instant.now().getEpochSecond();
        RequestSigner stranger = new RequestSigner("someone_else", VECTOR_SECRET);
        HttpResponse<String> response = send(auth("someone_else", stranger.sign("POST", PATH, now), String.valueOf(now)),
                order(newId(), PLAN, 1));

        assertUnauthorized(response,
                "Invalid or missing access key. Please provide a valid X-Esim-Story-Access-Key header.");
    }

    @Test
    void refusesASignatureMadeWithAnotherSecret() throws Exception {
        long now = Instant.now().getEpochSecond();
        RequestSigner wrongSecret = new RequestSigner(VECTOR_KEY, "b3RoZXItc2VjcmV0");
        assertUnauthorized(send(auth(VECTOR_KEY, wrongSecret.sign("POST", PATH, now), String.valueOf(now)),
                order(newId(), PLAN, 1)), "Invalid signature.");
    }

    @Test
    void answersMissingSecretWhenThePartnerRecordHasNone() throws Exception {
        try (TestApp noSecret = TestApp.start(Map.of("esim.sandbox.access-key", VECTOR_KEY,
                "esim.sandbox.secret-key", ""))) {
            assertUnauthorized(sendTo(noSecret, signedHeaders(Instant.now().getEpochSecond()), order(newId(), PLAN, 1)),
                    "Missing secret key in partner record.");
        }
    }

    // --- JSON and validation ---

    @Test
    void refusesInvalidJson() throws Exception {
        for (String body : List.of("{\"external_order_id\": ", "not json", "[]", "")) {
            HttpResponse<String> response = post(body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(response.body()).isEqualTo("{\"error\":\"Invalid JSON format\"}");
        }
    }

    @Test
    void refusesEachInvalidOrderWithTheDocumentedText() throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"products\":[{\"option_id\":\"" + PLAN + "\",\"qty\":1}]}", "External order id can't be blank");
        cases.put(order("   ", PLAN, 1), "External order id can't be blank");
        cases.put(order("x".repeat(101), PLAN, 1), "External order id is too long (maximum is 100 characters)");
        cases.put("{\"external_order_id\":\"" + newId() + "\"}", "Products can't be blank");
        cases.put("{\"external_order_id\":\"" + newId() + "\",\"products\":[]}", "Products can't be blank");
        cases.put("{\"external_order_id\":\"" + newId() + "\",\"products\":\"" + PLAN + "\"}", "Products is invalid");
        cases.put("{\"external_order_id\":\"" + newId() + "\",\"products\":[\"" + PLAN + "\"]}", "Products is invalid");
        cases.put("{\"external_order_id\":\"" + newId() + "\",\"products\":[{\"qty\":1}]}", "Option id can't be blank");
        cases.put("{\"external_order_id\":\"" + newId() + "\",\"products\":[{\"option_id\":\"" + PLAN + "\"}]}",
                "Qty can't be blank");
        for (String qty : List.of("0", "-1", "1.5", "\"2\"", "true")) {
            cases.put("{\"external_order_id\":\"" + newId() + "\",\"products\":[{\"option_id\":\"" + PLAN + "\",\"qty\":"
                    + qty + "}]}", "Qty must be a positive integer");
        }
        cases.put(order(newId(), PLAN, 101), "Qty must be less than or equal to 100");
        cases.put(order(newId(), "00000000-0000-4000-8000-000000000000", 1), "Product with option_id not found");

        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> response = post(c.getKey());
            assertThat(response.statusCode()).as(c.getKey()).isEqualTo(422);
            assertThat(response.body()).as(c.getKey()).isEqualTo("{\"errors\":[\"" + c.getValue() + "\"]}");
        }
        assertThat(faults.ordersTaken()).isZero();
    }

    @Test
    void listsEveryErrorOfAnOrder() throws Exception {
        HttpResponse<String> response = post("{\"external_order_id\":\"\",\"products\":[{\"option_id\":\"nope\",\"qty\":0}]}");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(Json.MAPPER.readTree(response.body()).path("errors")).extracting(JsonNode::asText).containsExactly(
                "External order id can't be blank", "Product with option_id not found", "Qty must be a positive integer");
    }

    // --- success, duplicates, persistence ---

    @Test
    void answersOneDistinctTopupIdPerUnitAsStrings() throws Exception {
        String id = newId();
        String second = OPTION_IDS.get(1);
        HttpResponse<String> response = post("{\"external_order_id\":\"" + id + "\",\"products\":[{\"option_id\":\""
                + PLAN + "\",\"qty\":2},{\"option_id\":\"" + second + "\",\"qty\":1}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(response.headers().firstValue(SandboxProvider.SIGNATURE_HEADER)).isEmpty();
        JsonNode products = Json.MAPPER.readTree(response.body()).path("products");
        assertThat(products).hasSize(3);
        assertThat(products).extracting(p -> p.path("option_id").asText()).containsExactly(PLAN, PLAN, second);
        assertThat(products).allSatisfy(p -> {
            assertThat(p.path("topup_id").isTextual()).isTrue();
            assertThat(p.path("topup_id").asText()).matches("\\d{26}");
        });
        assertThat(products).extracting(p -> p.path("topup_id").asText()).doesNotHaveDuplicates();
        assertThat(app.jdbc().queryForObject("SELECT COUNT(*) FROM sandbox_orders WHERE external_order_id = ?",
                Integer.class, id)).isEqualTo(1);
    }

    @Test
    void refusesADuplicateOrderId() throws Exception {
        String id = newId();
        assertThat(post(order(id, PLAN, 1)).statusCode()).isEqualTo(200);

        HttpResponse<String> again = post(order(id, PLAN, 1));

        assertThat(again.statusCode()).isEqualTo(422);
        assertThat(again.body()).isEqualTo("{\"errors\":[\"External order id has already been taken\"]}");
        assertThat(faults.ordersTaken()).isEqualTo(1);
    }

    @Test
    void takesAnOrderIdOnceUnderConcurrentRequests() throws Exception {
        String id = newId();
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            responses.add(http.sendAsync(request(signedHeaders(Instant.now().getEpochSecond()), order(id, PLAN, 1)),
                    HttpResponse.BodyHandlers.ofString()));
        }

        List<Integer> statuses = responses.stream().map(f -> f.join().statusCode()).toList();

        assertThat(statuses).containsOnly(200, 422).containsOnlyOnce(200);
    }

    @Test
    void refusesADuplicateAfterARestartOnTheSameDatabaseWithTheDevCredentials() throws Exception {
        String id = newId();
        assertThat(post(order(id, PLAN, 1)).statusCode()).isEqualTo(200);

        try (TestApp restarted = TestApp.start(Map.of("esim.db.url", app.property("esim.db.url"),
                "esim.db.user", app.property("esim.db.user"), "esim.db.password", app.property("esim.db.password")))) {
            // the dev profile's sandbox accepts what our own client signs: esim.access-key / esim.secret-key
            assertThat(restarted.property("esim.sandbox.webhook-url"))
                    .isEqualTo("http://localhost:" + restarted.httpPort + "/webhooks/esim/dev-webhook-token");
            RequestSigner devSigner = restarted.context().getRegistry().lookupByNameAndType("requestSigner",
                    RequestSigner.class);
            long now = Instant.now().getEpochSecond();
            Map<String, String> headers = auth(devSigner.accessKey(), devSigner.sign("POST", PATH, now),
                    String.valueOf(now));

            HttpResponse<String> again = sendTo(restarted, headers, order(id, PLAN, 1));
            assertThat(again.statusCode()).isEqualTo(422);
            assertThat(again.body()).isEqualTo("{\"errors\":[\"External order id has already been taken\"]}");
            assertThat(sendTo(restarted, headers, order(newId(), PLAN, 1)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void isNotServedWhenDisabled() throws Exception {
        try (TestApp disabled = TestApp.start(Map.of("esim.sandbox.enabled", "false"))) {
            assertThat(disabled.context().getRoute("sandbox-provider")).isNull();
            assertThat(disabled.context().getRegistry().lookupByName("sandboxFaults")).isNull();
            assertThat(sendTo(disabled, signedHeaders(Instant.now().getEpochSecond()), order(newId(), PLAN, 1))
                    .statusCode()).isEqualTo(404);
        }
    }

    // --- webhooks ---

    @Test
    void deliversOneWebhookPerUnitWithEveryField() throws Exception {
        String id = newId();
        List<String> topupIds = topupIds(post(order(id, PLAN, 2)));

        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.forOrder(id).size() == 2);

        List<WebhookReceiver.Delivery> deliveries = receiver.forOrder(id);
        assertThat(deliveries).extracting(d -> d.body().path("topup_id").asText()).containsExactlyElementsOf(topupIds);
        for (WebhookReceiver.Delivery delivery : deliveries) {
            JsonNode body = delivery.body();
            assertThat(delivery.contentType()).isEqualTo("application/json");
            assertThat(body.size()).isEqualTo(9);
            assertThat(body.path("topup_id").isTextual()).isTrue();
            assertThat(body.path("option_id").asText()).isEqualTo(PLAN);
            assertThat(body.path("external_order_id").asText()).isEqualTo(id);
            assertThat(body.path("iccid").asText()).matches("89\\d{17,18}");
            assertThat(body.path("smdp").asText()).isNotBlank();
            assertThat(body.path("activate_code").asText()).isNotBlank();
            assertThat(body.path("download_link").asText())
                    .isEqualTo("LPA:1$" + body.path("smdp").asText() + "$" + body.path("activate_code").asText());
            assertThat(body.path("qrcode_img_url").asText()).startsWith("https://");
            assertThat(body.path("expired_date").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
        }
        assertThat(deliveries.get(0).body().path("iccid").asText())
                .isNotEqualTo(deliveries.get(1).body().path("iccid").asText());
    }

    @Test
    void retriesAWebhookUntilItIsAnswered200() throws Exception {
        String id = newId();
        receiver.failNext(id, 2);
        String topupId = topupIds(post(order(id, PLAN, 1))).get(0);

        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.forOrder(id).size() == 3);
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> receiver.forOrder(id).size() == 3);

        assertThat(receiver.forOrder(id)).extracting(WebhookReceiver.Delivery::answered).containsExactly(500, 500, 200);
        assertThat(receiver.forOrder(id)).extracting(d -> d.body().path("topup_id").asText()).containsOnly(topupId);
    }

    @Test
    void givesUpOnAWebhookAfterTheConfiguredAttempts() throws Exception {
        String id = newId();
        receiver.failNext(id, 100);
        post(order(id, PLAN, 1));

        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.forOrder(id).size() == 4);
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).until(() -> receiver.forOrder(id).size() == 4);
    }

    // --- faults ---

    @Test
    void addsLatency() throws Exception {
        faults.setLatencyMs(400);
        long started = System.nanoTime();

        HttpResponse<String> response = post(order(newId(), PLAN, 1));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void answersServerErrorsWithoutTakingTheOrder() throws Exception {
        faults.failNext(Fault.SERVER_ERROR, 2);
        faults.failNext(Fault.UNAVAILABLE, 1);
        String id = newId();

        HttpResponse<String> first = post(order(id, PLAN, 1));
        HttpResponse<String> second = post(order(id, PLAN, 1));
        HttpResponse<String> third = post(order(id, PLAN, 1));
        HttpResponse<String> fourth = post(order(id, PLAN, 1));

        assertThat(first.statusCode()).isEqualTo(500);
        assertThat(first.body()).isEqualTo("{\"error\":\"Internal server error\"}");
        assertThat(second.statusCode()).isEqualTo(500);
        assertThat(third.statusCode()).isEqualTo(503);
        assertThat(third.body()).isEqualTo("{\"error\":\"Service unavailable\"}");
        assertThat(fourth.statusCode()).isEqualTo(200);
        assertThat(faults.requestCount()).isEqualTo(4);
        assertThat(faults.ordersTaken()).isEqualTo(1);
    }

    @Test
    void answersServerErrorsAtTheConfiguredRate() throws Exception {
        faults.setRate(Fault.SERVER_ERROR, 1.0);
        assertThat(post(order(newId(), PLAN, 1)).statusCode()).isEqualTo(500);
        assertThat(post(order(newId(), PLAN, 1)).statusCode()).isEqualTo(500);

        faults.setRate(Fault.SERVER_ERROR, 0.0);
        faults.setRate(Fault.UNAVAILABLE, 1.0);
        assertThat(post(order(newId(), PLAN, 1)).statusCode()).isEqualTo(503);
        assertThat(faults.ordersTaken()).isZero();
    }

    @Test
    void answers429WithRetryAfter() throws Exception {
        faults.setRetryAfterSeconds(7);
        faults.failNext(Fault.RATE_LIMITED, 1);
        String id = newId();

        HttpResponse<String> limited = post(order(id, PLAN, 1));

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(post(order(id, PLAN, 1)).statusCode()).isEqualTo(200);
    }

    @Test
    void dropsTheConnectionAfterTakingTheOrder() throws Exception {
        faults.failNext(Fault.DROP_AFTER_ORDER, 1);
        String id = newId();

        assertThatThrownBy(() -> post(order(id, PLAN, 1))).isInstanceOf(IOException.class);

        assertThat(faults.ordersTaken()).isEqualTo(1);
        HttpResponse<String> resend = post(order(id, PLAN, 1));
        assertThat(resend.statusCode()).isEqualTo(422);
        assertThat(resend.body()).isEqualTo("{\"errors\":[\"External order id has already been taken\"]}");
        // the topup ids of the lost response arrive with the webhooks
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.forOrder(id).size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> app.context().getInflightRepository().size() == 0);
    }

    @Test
    void answersEsimRequestFailedWithoutTakingTheOrder() throws Exception {
        faults.failNext(Fault.ESIM_REQUEST_FAILED, 1);
        String id = newId();

        HttpResponse<String> failed = post(order(id, PLAN, 1));

        assertThat(failed.statusCode()).isEqualTo(422);
        assertThat(Json.MAPPER.readTree(failed.body()).path("errors").get(0).asText())
                .matches("eSIM Request failed - Status: \\d{3}, Message: .+");
        assertThat(post(order(id, PLAN, 1)).statusCode()).isEqualTo(200);
    }

    @Test
    void deliversEveryWebhookTwiceWhenAsked() throws Exception {
        faults.setDuplicateWebhooks(true);
        String id = newId();
        String topupId = topupIds(post(order(id, PLAN, 1))).get(0);

        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.forOrder(id).size() == 2);

        List<WebhookReceiver.Delivery> deliveries = receiver.forOrder(id);
        assertThat(deliveries.get(0).body()).isEqualTo(deliveries.get(1).body());
        assertThat(deliveries.get(0).body().path("topup_id").asText()).isEqualTo(topupId);
    }

    @Test
    void deliversWebhooksInOrderOrReversedWhenAsked() throws Exception {
        String inOrder = newId();
        List<String> inOrderTopups = topupIds(post(order(inOrder, PLAN, 3)));
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.forOrder(inOrder).size() == 3);
        assertThat(receiver.forOrder(inOrder)).extracting(d -> d.body().path("topup_id").asText())
                .containsExactlyElementsOf(inOrderTopups);

        faults.setReverseWebhookOrder(true);
        String reversed = newId();
        List<String> reversedTopups = new ArrayList<>(topupIds(post(order(reversed, PLAN, 3))));
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.forOrder(reversed).size() == 3);

        java.util.Collections.reverse(reversedTopups);
        assertThat(receiver.forOrder(reversed)).extracting(d -> d.body().path("topup_id").asText())
                .containsExactlyElementsOf(reversedTopups);
    }

    // --- helpers ---

    private static String newId() {
        return "sbx-" + UUID.randomUUID();
    }

    private static String order(String externalOrderId, String optionId, int qty) {
        return "{\"external_order_id\":\"" + externalOrderId + "\",\"products\":[{\"option_id\":\"" + optionId
                + "\",\"qty\":" + qty + "}]}";
    }

    private static List<String> topupIds(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        Json.MAPPER.readTree(response.body()).path("products").forEach(p -> ids.add(p.path("topup_id").asText()));
        return ids;
    }

    private static Map<String, String> auth(String key, String signature, String timestamp) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (key != null) {
            headers.put("X-Esim-Story-Access-Key", key);
        }
        if (signature != null) {
            headers.put("X-Esim-Story-Signature", signature);
        }
        if (timestamp != null) {
            headers.put("X-Esim-Story-Timestamp", timestamp);
        }
        return headers;
    }

    private Map<String, String> signedHeaders(long unixSeconds) {
        return auth(VECTOR_KEY, signer.sign("POST", PATH, unixSeconds), String.valueOf(unixSeconds));
    }

    private HttpResponse<String> post(String body) throws Exception {
        return sendSignedAt(Instant.now().getEpochSecond(), body);
    }

    private HttpResponse<String> sendSignedAt(long unixSeconds, String body) throws Exception {
        return send(signedHeaders(unixSeconds), body);
    }

    private HttpResponse<String> send(Map<String, String> headers, String body) throws Exception {
        return sendTo(app, headers, body);
    }

    private HttpResponse<String> sendTo(TestApp target, Map<String, String> headers, String body) throws Exception {
        return http.send(request(target, headers, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(Map<String, String> headers, String body) {
        return request(app, headers, body);
    }

    private static HttpRequest request(TestApp target, Map<String, String> headers, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(target.baseUrl() + PATH))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(builder::header);
        return builder.build();
    }

    private static void assertUnauthorized(HttpResponse<String> response, String message) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body())
                .isEqualTo("{\"error\":{\"code\":\"unauthorized\",\"message\":\"" + message + "\"}}");
    }
}
