package com.esimorders;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A configured broker that cannot be reached makes the application not ready. */
class BrokerHealthTest {

    @Test
    void healthIsDownWhileTheConfiguredBrokerIsUnreachable() throws Exception {
        try (TestApp app = TestApp.start(Map.of("esim.broker.embedded", "false",
                "esim.broker.url", "tcp://localhost:" + TestApp.refusingPort()))) {
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(app.baseUrl() + "/observe/health")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("DOWN");
        }
    }
}
