package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.error.ErrorReason;
import com.cvmbilling.renewal.v1.AdvanceTimeRequest;
import com.cvmbilling.renewal.v1.AdvanceTimeResponse;
import com.cvmbilling.renewal.v1.GetTimeRequest;
import com.cvmbilling.renewal.v1.GetTimeResponse;
import java.time.Duration;
import java.time.Instant;

/** The TestClockService RPCs on API messages (only served with {@code --test-clock}). */
public final class TestClockOperations {
  /** Bounds one call's work: a decade of lifecycle steps is plenty for any test. */
  static final Duration MAX_ADVANCE = Duration.ofDays(3660);

  private final TestClock clock;
  private final LifecycleService lifecycle;

  public TestClockOperations(TestClock clock, LifecycleService lifecycle) {
    this.clock = clock;
    this.lifecycle = lifecycle;
  }

  public GetTimeResponse getTime(GetTimeRequest request) {
    return GetTimeResponse.newBuilder().setNow(ApiMessages.timestamp(clock.instant())).build();
  }

  public AdvanceTimeResponse advanceTime(AdvanceTimeRequest request) {
    long steps;
    switch (request.getTargetCase()) {
      case BY -> {
        long seconds = request.getBy().getSeconds();
        int nanos = request.getBy().getNanos();
        // A well-formed google.protobuf.Duration: nanos within a second, with the sign of seconds.
        boolean wellFormed =
            seconds >= -315_576_000_000L
                && seconds <= 315_576_000_000L
                && nanos >= -999_999_999
                && nanos <= 999_999_999
                && !(seconds > 0 && nanos < 0)
                && !(seconds < 0 && nanos > 0);
        Duration by = wellFormed ? Duration.ofSeconds(seconds, nanos) : null;
        if (by == null || by.isNegative() || by.compareTo(MAX_ADVANCE) > 0) {
          throw ApiException.badField(
              ErrorReason.INVALID_TIME_ADVANCE, "by", "by must be 0 to 3660 days");
        }
        // Relative to the clock as it is when this call's turn comes (calls may queue up).
        steps = lifecycle.advance(clock, now -> now.plus(by));
      }
      case TO -> {
        Instant target = ApiMessages.instant(request.getTo(), "to");
        Instant now = clock.instant();
        if (target.isBefore(now) || Duration.between(now, target).compareTo(MAX_ADVANCE) > 0) {
          throw ApiException.badField(
              ErrorReason.INVALID_TIME_ADVANCE,
              "to",
              "to must be between now and 3660 days from now");
        }
        steps = lifecycle.advanceTo(clock, target);
      }
      default ->
          throw ApiException.badField(ErrorReason.INVALID_TIME_ADVANCE, "by", "set by or to");
    }
    return AdvanceTimeResponse.newBuilder()
        .setNow(ApiMessages.timestamp(clock.instant()))
        .setStepsProcessed(steps)
        .build();
  }
}
