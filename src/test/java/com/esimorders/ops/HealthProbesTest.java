package com.esimorders.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.esimorders.TestApp;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;

/**
 * Liveness tells "restart me" from readiness "send me no traffic": while the database is down the application is
 * alive but not ready. Runs on an H2 file database behind an H2 TCP server the test stops and starts.
 */
class HealthProbesTest {

    @Test
    void theDatabaseDownMakesTheApplicationNotReadyButStillAlive() throws Exception {
        int dbPort = TestApp.freePort();
        Path baseDir = Files.createTempDirectory("esim-health");
        Server database = server(dbPort, baseDir);
        try (TestApp app = TestApp.start(Map.of("esim.db.url", "jdbc:h2:tcp://localhost:" + dbPort + "/./esim",
                "esim.db.user", "sa", "esim.db.password", ""))) {
            assertThat(probe(app, "live").statusCode()).isEqualTo(200);
            assertThat(probe(app, "ready").statusCode()).isEqualTo(200);

            database.stop();

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                HttpResponse<String> ready = probe(app, "ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("DOWN");
            });
            HttpResponse<String> live = probe(app, "live");
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.body()).contains("UP");

            database = server(dbPort, baseDir);

            // the pool drops a dead connection when it validates it, after 500 ms idle: poll slower than that
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(700)).untilAsserted(() ->
                    assertThat(probe(app, "ready").statusCode()).isEqualTo(200));
        } finally {
            database.stop();
        }
    }

    private static HttpResponse<String> probe(TestApp app, String kind) {
        return Ops.get(app.baseUrl() + "/observe/health/" + kind, null);
    }

    private static Server server(int port, Path baseDir) throws Exception {
        return Server.createTcpServer("-tcpPort", String.valueOf(port), "-baseDir", baseDir.toString(), "-ifNotExists")
                .start();
    }
}
