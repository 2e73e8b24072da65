package com.esimorders.ops;

import static com.esimorders.ops.Ops.get;
import static com.esimorders.ops.Ops.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.esimorders.TestApp;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ESIM_MANAGEMENT_PORT apart from ESIM_HTTP_PORT: health, metrics and the operator API and page move to the
 * management port, and the public port serves the webhook only (and, in dev, the sandbox).
 */
class ManagementPortTest {

    private static final String TOKEN = "management-port-test-token-0123456789";
    private static final String WEBHOOK_TOKEN = "management-port-webhook-token-0123456789";
    private static TestApp app;
    private static int managementPort;

    @BeforeAll
    static void start() throws Exception {
        managementPort = TestApp.freePort();
        app = TestApp.start(Map.of("esim.management.port", String.valueOf(managementPort), "esim.ops.token", TOKEN,
                "esim.webhook.token", WEBHOOK_TOKEN));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void thePublicPortServesTheWebhookAndNothingOfOperations() {
        String publicUrl = app.baseUrl();
        for (String path : List.of("/observe/health", "/observe/health/live", "/observe/health/ready",
                "/observe/metrics", "/ops/", "/ops/assets/ops.js", "/ops/orders", "/ops/overdue", "/ops/quarantine")) {
            assertThat(get(publicUrl + path, "Bearer " + TOKEN).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(post(publicUrl + "/ops/orders/X/replay", "Bearer " + TOKEN, null).statusCode()).isEqualTo(404);

        HttpResponse<String> webhook = post(publicUrl + "/webhooks/esim/" + WEBHOOK_TOKEN, null,
                Ops.webhook(Ops.topupId(), Ops.orderId("PUBLIC"), Ops.JAPAN));
        assertThat(webhook.statusCode()).isEqualTo(200);
    }

    @Test
    void theManagementPortServesHealthMetricsAndTheOperatorApi() {
        String management = "http://localhost:" + managementPort;
        for (String path : List.of("/observe/health", "/observe/health/live", "/observe/health/ready")) {
            HttpResponse<String> health = get(management + path, null);
            assertThat(health.statusCode()).as(path).isEqualTo(200);
            assertThat(health.body()).as(path).contains("UP");
        }
        assertThat(get(management + "/observe/metrics", null).body()).contains("jvm_memory_used_bytes",
                "esim_orders{");
        assertThat(get(management + "/ops/orders", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(get(management + "/ops/orders", null).statusCode()).isEqualTo(401);
        HttpResponse<String> page = get(management + "/ops/", null);
        assertThat(page.body()).contains("<title>esim-orders");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("script-src 'self'", "frame-ancestors 'none'"));
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(get(management + "/ops/assets/ops.js", null).body()).contains("sessionStorage");
        assertThat(get(management + "/ops/assets/../../application.properties", null).statusCode()).isEqualTo(404);
        assertThat(get(management + "/ops/assets/application.properties", null).statusCode()).isEqualTo(404);
        // the webhook is not served here
        assertThat(post(management + "/webhooks/esim/" + WEBHOOK_TOKEN, null,
                Ops.webhook(Ops.topupId(), Ops.orderId("MGMT"), Ops.JAPAN)).statusCode()).isEqualTo(404);
    }
}
