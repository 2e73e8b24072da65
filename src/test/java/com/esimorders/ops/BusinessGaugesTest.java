package com.esimorders.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** The gauges on a real H2: a slow refresh makes the next ones wait, so a large backlog cannot keep a core busy. */
class BusinessGaugesTest {

    @Test
    void aSlowRefreshDelaysTheNextOnesByNineteenTimesItsDuration() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:gauges;DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(dataSource).load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // every reading of the timer is 10 s after the one before: each refresh seems to take 10 s
        SteppingTimer timer = new SteppingTimer(Duration.ofSeconds(10));
        BusinessGauges gauges = new BusinessGauges(new OpsQueries(dataSource, 600_000), registry, timer);

        Ops.order(jdbc, "G-1", "ACCEPTED", "a@example.com", "opt-1", 1);
        gauges.refresh(); // from t=0 to t=10 s: the next refresh waits until t=200 s
        assertThat(accepted(registry)).isEqualTo(1);

        Ops.order(jdbc, "G-2", "ACCEPTED", "b@example.com", "opt-1", 1);
        timer.set(Duration.ofSeconds(199));
        gauges.refresh();
        assertThat(accepted(registry)).as("skipped: the wait after a 10 s refresh is not over").isEqualTo(1);

        timer.set(Duration.ofSeconds(200));
        gauges.refresh();
        assertThat(accepted(registry)).isEqualTo(2);
    }

    private static double accepted(SimpleMeterRegistry registry) {
        return registry.get("esim.orders").tag("status", "ACCEPTED").gauge().value();
    }

    /** A System.nanoTime stand-in that starts at an arbitrary value (as nanoTime may) and moves by a step per reading. */
    private static final class SteppingTimer implements LongSupplier {
        private static final long ORIGIN = Long.MAX_VALUE - Duration.ofSeconds(100).toNanos();
        private final long step;
        private long now = ORIGIN;

        SteppingTimer(Duration step) {
            this.step = step.toNanos();
        }

        void set(Duration sinceOrigin) {
            now = ORIGIN + sinceOrigin.toNanos();
        }

        @Override
        public long getAsLong() {
            long reading = now;
            now += step;
            return reading;
        }
    }
}
