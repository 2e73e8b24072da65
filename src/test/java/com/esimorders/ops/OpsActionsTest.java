package com.esimorders.ops;

import static com.esimorders.ops.Ops.JAPAN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.esimorders.TestApp;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replays wait for the provider on the HTTP server's worker threads, which the webhooks need too: with as many
 * replays asked as there are worker threads, only esim.ops.max-running-actions of them run, and the webhook is
 * answered while they wait.
 */
class OpsActionsTest {

    private static final String TOKEN = "ops-actions-test-token-0123456789abcdef";
    private static final String WEBHOOK_TOKEN = "ops-actions-webhook-token-0123456789abc";
    private static final CountDownLatch RELEASE = new CountDownLatch(1);
    private static final AtomicInteger ARRIVED = new AtomicInteger();
    private static HttpServer provider;
    private static TestApp app;
    private static int managementPort;

    @BeforeAll
    static void start() throws Exception {
        // a provider that holds every order until the test lets it answer
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.setExecutor(Executors.newCachedThreadPool());
        provider.createContext("/", http -> {
            http.getRequestBody().readAllBytes();
            ARRIVED.incrementAndGet();
            try {
                RELEASE.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = ("{\"products\":[{\"topup_id\":\"" + Ops.topupId() + "\",\"option_id\":\"" + JAPAN + "\"}]}")
                    .getBytes(StandardCharsets.UTF_8);
            http.getResponseHeaders().add("Content-Type", "application/json");
            http.sendResponseHeaders(200, body.length);
            http.getResponseBody().write(body);
            http.close();
        });
        provider.start();
        managementPort = TestApp.freePort();
        app = TestApp.start(Map.of("esim.ops.token", TOKEN, "esim.webhook.token", WEBHOOK_TOKEN,
                "esim.management.port", String.valueOf(managementPort), "esim.http.worker-threads", "4",
                "esim.provider.url", "http://127.0.0.1:" + provider.getAddress().getPort() + "/api"));
    }

    @AfterAll
    static void stop() {
        RELEASE.countDown();
        app.close();
        provider.stop(0);
    }

    @Test
    void replaysBeyondTheLimitAre429AndTheWebhookIsAnsweredWhileTheOthersWait() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> replays = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            replays.add(http.sendAsync(replay(failedOrder()), HttpResponse.BodyHandlers.ofString()));
        }

        // two run (the default limit) and wait for the provider; the other two are refused at once
        await().atMost(Duration.ofSeconds(20)).until(() -> ARRIVED.get() == 2
                && replays.stream().filter(CompletableFuture::isDone).count() == 2);
        List<HttpResponse<String>> refused = replays.stream().filter(CompletableFuture::isDone)
                .map(CompletableFuture::join).toList();
        assertThat(refused).allSatisfy(response -> {
            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(Ops.json(response).path("error").asText()).contains("esim.ops.max-running-actions");
        });

        // the provider still holds the two replays: a webhook on the public port is answered meanwhile
        String order = Ops.orderId("WAITING");
        Ops.order(app.jdbc(), order, "ACCEPTED", "c@customer.example", JAPAN, 1);
        HttpResponse<String> webhook = http.sendAsync(HttpRequest.newBuilder(URI.create(app.baseUrl()
                        + "/webhooks/esim/" + WEBHOOK_TOKEN)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Ops.webhook(Ops.topupId(), order, JAPAN))).build(),
                HttpResponse.BodyHandlers.ofString()).get(20, TimeUnit.SECONDS);
        assertThat(webhook.statusCode()).isEqualTo(200);
        assertThat(ARRIVED.get()).as("replays the provider holds").isEqualTo(2);

        RELEASE.countDown();
        assertThat(replays.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 200)).hasSize(2);
        // their places are free again
        assertThat(http.send(replay(failedOrder()), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    private static String failedOrder() {
        String id = Ops.orderId("REPLAY");
        Ops.order(app.jdbc(), id, "FAILED", null, JAPAN, 1);
        return id;
    }

    private static HttpRequest replay(String id) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/ops/orders/" + id + "/replay"))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build();
    }
}
