package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.v1.ErrorReason;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code --test-clock}: a clock that stands still until TestClockService.AdvanceTime moves it, and
 * only forward. Never used in production.
 */
public final class TestClock extends Clock {
  private final AtomicReference<Instant> now;

  public TestClock(Instant start) {
    this.now = new AtomicReference<>(start.truncatedTo(ChronoUnit.MILLIS));
  }

  /** Moves the clock to {@code instant}, which must not be in its past. */
  public void set(Instant instant) {
    Instant target = instant.truncatedTo(ChronoUnit.MILLIS);
    now.updateAndGet(
        current -> {
          if (target.isBefore(current)) {
            throw ApiException.badField(
                ErrorReason.INVALID_TIME_ADVANCE, "to", "the test clock only moves forward");
          }
          return target;
        });
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
