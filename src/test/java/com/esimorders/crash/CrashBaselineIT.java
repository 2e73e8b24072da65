package com.esimorders.crash;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The crash suite's harness without a crash: the same stand-in, GreenMail, drop file and checks as {@link CrashIT}
 * on a smaller load ({@code -Desim.crash.baseline-orders}, default 300) and no disruption. It must pass on any
 * working build: when CrashIT fails and this passes, the failure is the application's, not the harness's.
 */
@Tag("database")
@Tag("crash")
class CrashBaselineIT {

    private static final int ORDERS = Integer.getInteger("esim.crash.baseline-orders", 300);

    @Test
    void everyOrderIsTakenOnceStoredAndEmailedOnceWithoutACrash() throws Exception {
        try (CrashScenario scenario = CrashScenario.start("CrashBaselineIT", ORDERS)) {
            scenario.dropOrders();
            scenario.awaitCompletionAndVerify();
        }
    }
}
