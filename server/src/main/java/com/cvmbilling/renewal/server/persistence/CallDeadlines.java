package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.v1.ErrorReason;
import io.grpc.Context;
import io.grpc.Deadline;
import java.util.concurrent.TimeUnit;

/**
 * The current gRPC call's deadline, as seen by the database layer: statements get a query timeout
 * no longer than the time the call has left, connection waits are cut to it, and work whose
 * deadline has already passed is refused before it reaches the database. Threads outside a call
 * (the lifecycle job) have no deadline.
 */
public final class CallDeadlines {
  private CallDeadlines() {}

  /** Milliseconds the current call has left, or {@link Long#MAX_VALUE} when it has no deadline. */
  public static long remainingMillis() {
    Deadline deadline = Context.current().getDeadline();
    return deadline == null ? Long.MAX_VALUE : deadline.timeRemaining(TimeUnit.MILLISECONDS);
  }

  /** Throws DEADLINE_EXCEEDED if the current call's deadline has passed. */
  public static void check() {
    if (remainingMillis() <= 0) {
      throw exceeded();
    }
  }

  public static ApiException exceeded() {
    return ApiException.of(
            ErrorReason.DEADLINE_EXCEEDED,
            "the deadline ran out before the database work was done; nothing was changed")
        .build();
  }
}
