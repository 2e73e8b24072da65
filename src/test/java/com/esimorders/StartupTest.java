package com.esimorders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("database")
class StartupTest {

    private static TestApp app;
    private static LogCapture logs;
    private static String startupLog;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        logs = LogCapture.attach();
        app = TestApp.start(Map.of("esim.secret-key", "c3RhcnR1cC1zZWNyZXQ=", "esim.webhook.token", "startup-token-42",
                "esim.db.password", "startup-db-password"));
        startupLog = logs.text();
    }

    @AfterAll
    static void stop() {
        app.close();
        logs.close();
    }

    @Test
    void startupLogsNoSecret() {
        assertThat(logs.text()).contains("esim.secret-key")
                .doesNotContain("c3RhcnR1cC1zZWNyZXQ=", "startup-token-42", "startup-db-password");
    }

    @Test
    void opensOneDatabasePool() {
        // with the configurations added as classes, Camel Main bound every bean twice: a second pool
        assertThat(startupLog.split("Database pool opened on", -1)).hasSize(2);
    }

    @Test
    void migratesTheSchema() {
        assertThat(app.jdbc().queryForList("SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" = TRUE", String.class))
                .contains("1");
    }

    @Test
    void runsOnTheDatabaseTheBuildAskedFor() throws Exception {
        String product = app.jdbc().execute((java.sql.Connection c) -> c.getMetaData().getDatabaseProductName());
        assertThat(product).isEqualTo(TestDatabase.isPostgres() ? "PostgreSQL" : "H2");
    }

    @Test
    void healthIsUpWithDatabaseAndBroker() throws Exception {
        HttpResponse<String> response = get("/observe/health");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("UP");
    }

    @Test
    void servesPrometheusMetrics() throws Exception {
        HttpResponse<String> response = get("/observe/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("jvm_memory_used_bytes");
    }

    @Test
    void devProfileRunsWithoutCamelsPerMessageDeveloperAids() {
        // Camel's dev mode records every processor of every exchange and keeps in-flight exchanges browsable
        assertThat(app.context().isMessageHistory()).isFalse();
        assertThat(app.context().getInflightRepository().isInflightBrowseEnabled()).isFalse();
        assertThat(app.context().isBacklogTracingStandby()).isFalse();
    }

    @Test
    void devProfileLoadsItsDefaults() {
        assertThat(app.property("esim.sandbox.enabled")).isEqualTo("true");
        assertThat(app.property("esim.provider.url")).isEqualTo("http://localhost:" + app.httpPort + "/sandbox/api");
    }

    @Test
    void prodRefusesToStartAndNamesEveryMissingSetting() {
        assertThatThrownBy(() -> TestApp.start("prod", Map.of("esim.db.url", "")))
                .rootCause()
                .hasMessageContainingAll("ESIM_ACCESS_KEY", "ESIM_SECRET_KEY", "ESIM_WEBHOOK_TOKEN", "ESIM_SMTP_HOST",
                        "ESIM_DB_URL", "ESIM_MAIL_OPS_TO");
    }

    @Test
    void prodRefusesTheSandbox() {
        assertThatThrownBy(() -> TestApp.start("prod", Map.of("esim.access-key", "k", "esim.secret-key", "c2VjcmV0",
                "esim.webhook.token", "t", "esim.smtp.host", "localhost", "esim.sandbox.enabled", "true")))
                .rootCause()
                .hasMessageContaining("ESIM_SANDBOX_ENABLED")
                .hasMessageNotContaining("ESIM_ACCESS_KEY");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
