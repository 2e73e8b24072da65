package com.esimorders.submit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RequestRateLimiterTest {

    @Test
    void spacesRequestsToTheConfiguredRate() throws Exception {
        RequestRateLimiter limiter = new RequestRateLimiter(20); // one request every 50 ms

        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            limiter.acquire();
        }

        // the first goes at once, the next four wait their 50 ms slots
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(195));
    }

    @Test
    void zeroMeansNoLimit() throws Exception {
        RequestRateLimiter limiter = new RequestRateLimiter(0);

        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            limiter.acquire();
        }

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(195));
    }
}
