package com.esimorders.sandbox;

import static com.esimorders.sandbox.ProviderAnswers.*;

import com.esimorders.Json;
import com.esimorders.PlanCatalogue;
import com.esimorders.sandbox.ProviderAnswers.Answer;
import com.esimorders.sandbox.SandboxFaults.Fault;
import com.esimorders.signing.RequestSigner;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The simulated {@code POST /v1/api_partner/orders} of the eSIM Story partner API. Checks in the order a real API
 * gateway and application would: added latency, rate limit (429), authentication (401), server faults (500/503),
 * JSON (400), validation (422), supplier failure (422 eSIM Request failed), then takes the order id (422 when it is
 * already taken), answers one topup per unit and schedules one webhook per unit.
 */
public final class SandboxProvider implements Processor {

    static final String ACCESS_KEY_HEADER = "X-Esim-Story-Access-Key";
    static final String SIGNATURE_HEADER = "X-Esim-Story-Signature";
    static final String TIMESTAMP_HEADER = "X-Esim-Story-Timestamp";
    static final long TIMESTAMP_WINDOW_SECONDS = 300;
    static final int MAX_QTY = 100;
    private static final int MAX_EXTERNAL_ORDER_ID_LENGTH = 100;

    private static final Logger LOG = LoggerFactory.getLogger(SandboxProvider.class);

    private final String accessKey;
    private final byte[] secretKey;
    private final PlanCatalogue catalogue;
    private final JdbcTemplate jdbc;
    private final SandboxFaults faults;
    private final SandboxWebhooks webhooks;
    private final Clock clock;

    /** {@code secretKey} is the decoded secret of the one partner, or null when its record has none. */
    public SandboxProvider(String accessKey, byte[] secretKey, PlanCatalogue catalogue, JdbcTemplate jdbc,
            SandboxFaults faults, SandboxWebhooks webhooks, Clock clock) {
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.catalogue = catalogue;
        this.jdbc = jdbc;
        this.faults = faults;
        this.webhooks = webhooks;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        HttpServerRequest request = ((HttpMessage) message).getRequest();
        Answer answer;
        try {
            answer = answer(request.method().name(), request.path(), message.getHeader(ACCESS_KEY_HEADER, String.class),
                    message.getHeader(SIGNATURE_HEADER, String.class), message.getHeader(TIMESTAMP_HEADER, String.class),
                    message.getBody(String.class));
        } catch (RuntimeException e) {
            LOG.error("Sandbox provider failed: {}", e.toString());
            answer = internalError();
        } finally {
            faults.requestAnswered();
        }
        // nothing of the request goes back as a response header
        message.getHeaders().clear();
        if (answer.dropConnection()) {
            // wait until it is closed: else the consumer's response could still reach the client first
            request.connection().close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            // no body: the consumer's write on the closed connection then completes (a stream would hang in-flight)
            message.setBody(null);
            return;
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, answer.status());
        message.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
        if (answer.retryAfterSeconds() > 0) {
            message.setHeader("Retry-After", String.valueOf(answer.retryAfterSeconds()));
        }
        message.setBody(answer.json());
    }

    private Answer answer(String method, String path, String key, String signature, String timestamp, String body)
            throws InterruptedException {
        long latencyMs = faults.requestReceived();
        if (latencyMs > 0) {
            Thread.sleep(latencyMs);
        }
        if (faults.strikes(Fault.RATE_LIMITED)) {
            return rateLimited(faults.retryAfterSeconds());
        }
        String authFailure = authenticate(method, path, key, signature, timestamp);
        if (authFailure != null) {
            return unauthorized(authFailure);
        }
        if (faults.strikes(Fault.SERVER_ERROR)) {
            return internalError();
        }
        if (faults.strikes(Fault.UNAVAILABLE)) {
            return unavailable();
        }
        JsonNode order;
        try {
            order = body == null ? null : Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return invalidJson();
        }
        if (order == null || !order.isObject()) {
            return invalidJson();
        }
        List<String> errors = validate(order);
        if (!errors.isEmpty()) {
            return unprocessable(errors);
        }
        if (faults.strikes(Fault.ESIM_REQUEST_FAILED)) {
            return unprocessable(List.of(ESIM_REQUEST_FAILED));
        }
        return take(order);
    }

    /** Returns the documented 401 message, or null when the request is authentic. */
    private String authenticate(String method, String path, String key, String signature, String timestamp) {
        if (isBlank(key) || isBlank(signature) || isBlank(timestamp)) {
            return MISSING_HEADERS;
        }
        if (accessKey.isEmpty() || !constantTimeEquals(key, accessKey)) {
            return INVALID_ACCESS_KEY;
        }
        if (secretKey == null) {
            return MISSING_SECRET;
        }
        long unixSeconds;
        try {
            unixSeconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return TIMESTAMP_INVALID;
        }
        if (Math.abs(clock.instant().getEpochSecond() - unixSeconds) > TIMESTAMP_WINDOW_SECONDS) {
            return TIMESTAMP_INVALID;
        }
        String expected = RequestSigner.signature(secretKey, method, path, unixSeconds, accessKey);
        return constantTimeEquals(signature.trim(), expected) ? null : INVALID_SIGNATURE;
    }

    private List<String> validate(JsonNode order) {
        Set<String> errors = new LinkedHashSet<>();
        JsonNode externalOrderId = order.path("external_order_id");
        if (!externalOrderId.isValueNode() || externalOrderId.isNull() || externalOrderId.asText().isBlank()) {
            errors.add(EXTERNAL_ORDER_ID_BLANK);
        } else if (externalOrderId.asText().length() > MAX_EXTERNAL_ORDER_ID_LENGTH) {
            errors.add(EXTERNAL_ORDER_ID_TOO_LONG);
        }
        JsonNode products = order.path("products");
        if (products.isMissingNode() || products.isNull() || products.isArray() && products.isEmpty()) {
            errors.add(PRODUCTS_BLANK);
        } else if (!products.isArray()) {
            errors.add(PRODUCTS_INVALID);
        } else {
            for (JsonNode product : products) {
                validateProduct(product, errors);
            }
        }
        return new ArrayList<>(errors);
    }

    private void validateProduct(JsonNode product, Set<String> errors) {
        if (!product.isObject()) {
            errors.add(PRODUCTS_INVALID);
            return;
        }
        JsonNode optionId = product.path("option_id");
        if (!optionId.isTextual() || optionId.asText().isBlank()) {
            errors.add(OPTION_ID_BLANK);
        } else if (catalogue.find(optionId.asText()).isEmpty()) {
            errors.add(OPTION_NOT_FOUND);
        }
        JsonNode qty = product.path("qty");
        if (qty.isMissingNode() || qty.isNull()) {
            errors.add(QTY_BLANK);
        } else if (!qty.isIntegralNumber() || !qty.canConvertToInt() || qty.intValue() < 1) {
            errors.add(QTY_NOT_POSITIVE_INTEGER);
        } else if (qty.intValue() > MAX_QTY) {
            errors.add(QTY_TOO_LARGE);
        }
    }

    /** Records the order id (the primary key refuses a duplicate, also a concurrent one) and issues the eSIMs. */
    private Answer take(JsonNode order) {
        String externalOrderId = order.get("external_order_id").asText();
        try {
            jdbc.update("INSERT INTO sandbox_orders (external_order_id) VALUES (?)", externalOrderId);
        } catch (DuplicateKeyException e) {
            return unprocessable(List.of(EXTERNAL_ORDER_ID_TAKEN));
        }
        faults.orderTaken();
        List<SandboxEsim> esims = new ArrayList<>();
        List<Topup> topups = new ArrayList<>();
        for (JsonNode product : order.get("products")) {
            String optionId = product.get("option_id").asText();
            for (int unit = 0; unit < product.get("qty").intValue(); unit++) {
                SandboxEsim esim = SandboxEsim.issue(externalOrderId, optionId);
                esims.add(esim);
                topups.add(new Topup(esim.topupId(), optionId));
            }
        }
        webhooks.deliver(esims);
        LOG.debug("Sandbox took order {} ({} eSIMs)", externalOrderId, esims.size());
        if (faults.strikes(Fault.DROP_AFTER_ORDER)) {
            LOG.info("Sandbox drops the connection after taking order {} (fault injection)", externalOrderId);
            return dropConnection();
        }
        return ok(Map.of("products", topups));
    }

    /** One entry of the order response per unit; snake_case on the wire. */
    record Topup(String topupId, String optionId) {
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
