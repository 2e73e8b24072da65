package com.esimorders.sandbox;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.net.URI;
import java.util.List;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

class SandboxWebhooksTest {

    @Test
    void thousandsOfWebhooksCanWaitSoThatNoTakenOrderFails() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.start();
            SandboxWebhooks webhooks = new SandboxWebhooks(context,
                    new SandboxWebhooks.Delivery(URI.create("http://127.0.0.1:9/webhooks"), 3_600_000, 1, 1000),
                    new SandboxFaults(SandboxFaults.Defaults.none()));
            webhooks.start();
            try {
                // Camel's default scheduled pool refused the task after 1,000 waiting ones
                assertThatCode(() -> {
                    for (int i = 0; i < 5_000; i++) {
                        webhooks.deliver(List.of(new SandboxEsim(String.valueOf(10_000_000L + i), "opt", "iccid", "smdp",
                                "code", "LPA:1$smdp$code", null, "2027-01-01", "order-" + i)));
                    }
                }).doesNotThrowAnyException();
            } finally {
                webhooks.stop();
            }
        }
    }
}
