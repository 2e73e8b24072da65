package com.esimorders;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Real time plus an offset the test moves; optionally skewed for the next few readings only. */
public final class MutableClock extends Clock {

    private Duration offset = Duration.ZERO;
    private Duration skew = Duration.ZERO;
    private int skewedReadings;

    public synchronized void advance(Duration by) {
        offset = offset.plus(by);
    }

    /** The next {@code readings} calls of {@link #instant()} are off by {@code by}; later ones are not. */
    public synchronized void skewNext(Duration by, int readings) {
        skew = by;
        skewedReadings = readings;
    }

    public synchronized void reset() {
        offset = Duration.ZERO;
        skewedReadings = 0;
    }

    @Override
    public synchronized Instant instant() {
        Instant now = Instant.now().plus(offset);
        if (skewedReadings > 0) {
            skewedReadings--;
            return now.plus(skew);
        }
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }
}
