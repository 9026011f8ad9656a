package com.cvmbilling.renewal.server.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import java.util.concurrent.TimeUnit;

/**
 * The deadline of the gRPC call the current thread serves, read from its context. The application
 * module hands it to the database layer as that layer's {@code CallDeadline}.
 */
public final class CallDeadlines {
  private CallDeadlines() {}

  /** Milliseconds the current call has left, or {@link Long#MAX_VALUE} outside a call. */
  public static long remainingMillis() {
    Deadline deadline = Context.current().getDeadline();
    return deadline == null ? Long.MAX_VALUE : deadline.timeRemaining(TimeUnit.MILLISECONDS);
  }
}
