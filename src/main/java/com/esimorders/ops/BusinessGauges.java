package com.esimorders.ops;

import com.esimorders.order.OrderStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Business gauges computed from the database, which is shared by every instance: each instance reports the same
 * values, so alert on max(), never sum(). Refreshed by the ops-metrics route every
 * {@code esim.metrics.refresh-interval} with a few counting queries; a scrape only reads the last values.
 * <p>
 * The overdue counts look at every ACCEPTED order, so they grow with a backlog of orders waiting for webhooks
 * (during a webhook outage, every order of its hours): with 600,000 such orders on H2 one refresh took longer than
 * the 30 s interval and kept a core busy. After a refresh that took d, the next waits at least
 * {@value #WAIT_FACTOR} d, so the gauges never take more than 5 % of one core.
 */
public class BusinessGauges {

    private static final Logger LOG = LoggerFactory.getLogger(BusinessGauges.class);
    private static final List<String> EMAIL_STATUSES = List.of("PENDING", "SENT", "GAVE_UP");
    private static final int WAIT_FACTOR = 19;
    private static final Duration SLOW = Duration.ofSeconds(1);

    private final OpsQueries queries;
    /** System.nanoTime in use: a wall clock stepped back (NTP, a restored VM) would hold the gauges still */
    private final LongSupplier nanoTime;
    /** when the next refresh may run (nanoTime), or null before the first */
    private Long nextRefresh;
    private final Map<String, AtomicLong> orders = new LinkedHashMap<>();
    private final Map<String, AtomicLong> emails = new LinkedHashMap<>();
    private final AtomicLong failingEmails = new AtomicLong();
    private final AtomicLong oldestPendingEmailMs = new AtomicLong();
    private final AtomicLong overdueOrders = new AtomicLong();
    private final AtomicLong overdueEsims = new AtomicLong();
    private final AtomicLong openQuarantine = new AtomicLong();
    private final AtomicLong filesInProgress = new AtomicLong();

    public BusinessGauges(OpsQueries queries, MeterRegistry registry) {
        this(queries, registry, System::nanoTime);
    }

    BusinessGauges(OpsQueries queries, MeterRegistry registry, LongSupplier nanoTime) {
        this.queries = queries;
        this.nanoTime = nanoTime;
        for (OrderStatus status : OrderStatus.values()) {
            orders.put(status.name(), gauge(registry, "esim.orders", "orders by status", "status", status.name()));
        }
        for (String status : EMAIL_STATUSES) {
            emails.put(status, gauge(registry, "esim.emails", "customer emails by status (mail_outbox)", "status", status));
        }
        register(registry, "esim.emails.failing", "pending emails whose last attempt failed", failingEmails);
        Gauge.builder("esim.emails.oldest.pending.age", oldestPendingEmailMs, ms -> ms.get() / 1000.0)
                .description("seconds since the eSIM of the oldest pending email arrived (0: none pending)")
                .baseUnit("seconds").register(registry);
        register(registry, "esim.orders.overdue", "ACCEPTED orders still missing eSIMs after esim.webhook.overdue-after",
                overdueOrders);
        register(registry, "esim.esims.overdue", "eSIMs not yet received on overdue orders", overdueEsims);
        register(registry, "esim.webhooks.quarantine.open", "quarantined webhooks not applied yet", openQuarantine);
        register(registry, "esim.files.in.progress", "drop-folder files being read by any instance", filesInProgress);
    }

    /**
     * Recomputes every gauge, unless the last refresh was slow and its wait is not over; when the database is
     * unavailable the last values stay and a warning is logged.
     */
    public synchronized void refresh() {
        long start = nanoTime.getAsLong();
        if (nextRefresh != null && start - nextRefresh < 0) {
            return;
        }
        try {
            set(orders, queries.countByStatus("orders"));
            set(emails, queries.countByStatus("mail_outbox"));
            failingEmails.set(queries.failingEmails());
            oldestPendingEmailMs.set(Math.round(queries.oldestPendingEmailAgeSeconds() * 1000));
            long[] overdue = queries.overdueCounts();
            overdueOrders.set(overdue[0]);
            overdueEsims.set(overdue[1]);
            openQuarantine.set(queries.openQuarantine());
            filesInProgress.set(queries.filesInProgress());
        } catch (RuntimeException e) {
            LOG.warn("business metrics not refreshed ({}): {}", e.getClass().getSimpleName(), e.getMessage());
        } finally {
            long end = nanoTime.getAsLong();
            Duration took = Duration.ofNanos(end - start);
            Duration wait = took.multipliedBy(WAIT_FACTOR);
            nextRefresh = end + wait.toNanos();
            if (took.compareTo(SLOW) > 0) {
                LOG.info("business metrics took {} ms to compute: the next refresh is in {} s at the earliest",
                        took.toMillis(), wait.toSeconds());
            }
        }
    }

    private static void set(Map<String, AtomicLong> gauges, Map<String, Long> counts) {
        gauges.forEach((status, value) -> value.set(counts.getOrDefault(status, 0L)));
    }

    private static AtomicLong gauge(MeterRegistry registry, String name, String description, String tag, String value) {
        AtomicLong holder = new AtomicLong();
        Gauge.builder(name, holder, AtomicLong::get).description(description).tag(tag, value).register(registry);
        return holder;
    }

    private static void register(MeterRegistry registry, String name, String description, AtomicLong holder) {
        Gauge.builder(name, holder, AtomicLong::get).description(description).register(registry);
    }
}
