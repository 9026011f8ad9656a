package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.error.ErrorReason;

/**
 * The current call's deadline, as seen by the database layer: statements get a query timeout no
 * longer than the time the call has left, connection waits are cut to it, and work whose deadline
 * has already passed is refused before it reaches the database. The transport layer fills it in
 * (the gRPC layer binds one that reads the call's context); threads outside a call (the lifecycle
 * job) have no deadline, and neither has a process without a transport ({@link #NONE}).
 */
public interface CallDeadline {
  /** No call, no deadline. */
  CallDeadline NONE = () -> Long.MAX_VALUE;

  /** Milliseconds the current call has left, or {@link Long#MAX_VALUE} when it has no deadline. */
  long remainingMillis();

  /** Throws DEADLINE_EXCEEDED if the current call's deadline has passed. */
  default void check() {
    if (remainingMillis() <= 0) {
      throw exceeded();
    }
  }

  static ApiException exceeded() {
    return ApiException.of(
            ErrorReason.DEADLINE_EXCEEDED,
            "the deadline ran out before the database work was done; nothing was changed")
        .build();
  }
}
