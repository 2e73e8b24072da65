package com.esimorders.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esimorders.TestApp;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings that would expose or buy too much refuse to start; the operator API is off in prod without a token. */
class SafeStartupTest {

    private static final String LONG_WEBHOOK_TOKEN = "webhook-token-of-at-least-32-characters";
    private static final String LONG_OPS_TOKEN = "ops-token-of-at-least-32-characters-xyz";

    @Test
    void devRefusesTheProvidersProductionApi() {
        for (String url : List.of("https://api.esimstory.com/api", "https://api.esimstory.com/api/",
                "HTTPS://API.ESIMSTORY.COM/api//")) {
            assertThatThrownBy(() -> TestApp.start(Map.of("esim.provider.url", url)).close()).as(url)
                    .rootCause()
                    .hasMessageContainingAll("dev profile", "ESIM_PROVIDER_URL", "production API");
        }
    }

    @Test
    void devAcceptsTheProvidersRemoteSandbox() {
        try (TestApp app = TestApp.start(Map.of("esim.provider.url", "https://sandbox-api.esimstory.com/api"))) {
            assertThat(app.property("esim.provider.url")).isEqualTo("https://sandbox-api.esimstory.com/api");
        }
    }

    @Test
    void prodRefusesAShortWebhookTokenAndAShortOpsToken() {
        Map<String, String> settings = prod();
        settings.put("esim.webhook.token", "short-webhook-token");
        settings.put("esim.ops.token", "short-ops-token");

        assertThatThrownBy(() -> TestApp.start("prod", settings).close())
                .rootCause()
                .hasMessageContainingAll("ESIM_WEBHOOK_TOKEN", "ESIM_OPS_TOKEN", "at least 32 characters")
                .hasMessageNotContainingAny("short-webhook-token", "short-ops-token", "ESIM_ACCESS_KEY");
    }

    @Test
    void prodWithoutAnOpsTokenServesNoOperatorApiOrPage() {
        try (TestApp app = TestApp.start("prod", prod())) {
            for (String path : List.of("/ops/", "/ops/assets/ops.js", "/ops/orders", "/ops/orders/X", "/ops/overdue",
                    "/ops/quarantine")) {
                assertThat(Ops.get(app.baseUrl() + path, "Bearer ").statusCode()).as(path).isEqualTo(404);
            }
            assertThat(Ops.post(app.baseUrl() + "/ops/orders/X/replay", null, null).statusCode()).isEqualTo(404);
            // the business metrics do not depend on the operator API
            assertThat(Ops.get(app.baseUrl() + "/observe/metrics", null).body()).contains("esim_orders{");
        }
    }

    @Test
    void prodWithALongOpsTokenServesTheApiToItsHolderOnly() {
        Map<String, String> settings = prod();
        settings.put("esim.ops.token", LONG_OPS_TOKEN);
        try (TestApp app = TestApp.start("prod", settings)) {
            assertThat(Ops.get(app.baseUrl() + "/ops/orders", null).statusCode()).isEqualTo(401);
            assertThat(Ops.get(app.baseUrl() + "/ops/orders", "Bearer " + LONG_OPS_TOKEN).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void noProfileStartsWithAWebhookTokenNoUrlMatchesAnUnknownMailModeOrATakenPort() throws Exception {
        Map<String, String> slash = prod();
        slash.put("esim.webhook.token", "q2Xh7m0KfT9/bLw3Yp1rZc8vN5sD4eGaHjUoIiE6Rk0=");
        assertThatThrownBy(() -> TestApp.start("prod", slash).close()).rootCause()
                .hasMessageContainingAll("ESIM_WEBHOOK_TOKEN", "letters, digits").hasMessageNotContaining("q2Xh7m0");
        for (String mode : List.of("SMTP", "File", "")) {
            Map<String, String> settings = prod();
            settings.put("esim.mail.mode", mode);
            settings.put("esim.smtp.host", "");
            assertThatThrownBy(() -> TestApp.start("prod", settings).close()).as(mode).rootCause()
                    .hasMessageContaining("ESIM_MAIL_MODE (esim.mail.mode) must be smtp or file");
        }
        try (ServerSocket taken = new ServerSocket(TestApp.freePort())) {
            assertThatThrownBy(() -> TestApp.start(Map.of("esim.http.port", String.valueOf(taken.getLocalPort())))
                    .close()).rootCause().hasMessageContainingAll("ESIM_HTTP_PORT", "is in use");
            assertThatThrownBy(() -> TestApp.start(Map.of("esim.broker.embedded-port",
                    String.valueOf(taken.getLocalPort()))).close()).rootCause()
                    .hasMessageContainingAll("ESIM_BROKER_EMBEDDED_PORT", "is in use");
        }
    }

    /** Everything prod requires, on the test's database, with no real provider call made. */
    private static Map<String, String> prod() {
        Map<String, String> settings = new HashMap<>();
        settings.put("esim.access-key", "prod-access-key");
        settings.put("esim.secret-key", "cHJvZC1zZWNyZXQ=");
        settings.put("esim.webhook.token", LONG_WEBHOOK_TOKEN);
        settings.put("esim.smtp.host", "localhost");
        settings.put("esim.mail.ops.to", "ops@reseller.example");
        return settings;
    }
}
