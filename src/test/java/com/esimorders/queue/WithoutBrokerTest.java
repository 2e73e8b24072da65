package com.esimorders.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.esimorders.DropFolder;
import com.esimorders.TestApp;
import com.esimorders.file.FileIntakeTest;
import com.esimorders.order.OrderOutcome;
import com.esimorders.order.OrderStatus;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Without ESIM_BROKER_URL: no queue intake, no events, and the drop folder works as before. */
@Tag("database")
class WithoutBrokerTest {

    private static TestApp app;

    @BeforeAll
    static void start() {
        Map<String, String> settings = new HashMap<>(FileIntakeTest.FAST_INTAKE);
        settings.put("esim.broker.url", "");
        settings.put("esim.broker.embedded", "false");
        app = TestApp.start(settings);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void theQueueIntakeDoesNotStartAndEventsAreANoOp() {
        assertThat(app.property("esim.jms.enabled")).isEqualTo("false");
        assertThat(app.context().getRoute("order-queue-intake")).isNull();
        assertThat(app.context().getRoute("order-file-intake")).isNotNull();

        // a queue order's event would need a broker: without one nothing is sent and nothing fails
        assertThat(app.template().send("direct:publish-order-event", exchange -> {
            exchange.getIn().setBody(new OrderOutcome("NB-1", OrderStatus.ACCEPTED, false, List.of(), List.of()));
            exchange.setProperty(OrderMessages.CORRELATION_ID, "corr-NB-1");
        }).getException()).isNull();
    }

    @Test
    void theDropFolderStillWorks() throws IOException {
        DropFolder folder = new DropFolder(app.workDir);
        folder.drop("nobroker.csv", FileIntakeTest.HEADER + "\nNB-2," + FileIntakeTest.JP + ",1,,\n");

        assertThat(folder.awaitFinished("nobroker.csv")).isEqualTo("done");
        assertThat(folder.rows("nobroker.csv").get(0).get("status")).isIn("ACCEPTED", "COMPLETED");
    }
}
