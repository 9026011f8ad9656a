package com.cvmbilling.renewal.client;

import com.cvmbilling.renewal.client.error.RenewalException;
import com.cvmbilling.renewal.client.model.EventInfo;
import java.time.Duration;

/**
 * Receives the events of a {@link RenewalClient#watchEvents(long, EventListener) watch}. The
 * methods are called one at a time, never concurrently, in event id order, on a gRPC thread: hand
 * long work to your own executor. An event is delivered at most once per watch; the watch resumes
 * after the last event {@link #onEvent} returned from.
 */
@FunctionalInterface
public interface EventListener {
  /**
   * A new event. If this throws, the watch stops and {@link #onError} is called with a {@code
   * CANCELLED} exception whose cause is what was thrown.
   */
  void onEvent(EventInfo event);

  /**
   * The stream broke (server restarted, network, ...): the watch reconnects after {@code backoff}
   * and resumes after event {@code resumeAfterEventId}. Nothing to do; for monitoring.
   */
  default void onReconnecting(RenewalException cause, long resumeAfterEventId, Duration backoff) {}

  /**
   * The watch stopped for good: a failure that reconnecting cannot fix (e.g. {@code
   * UNAUTHENTICATED}), the reconnect attempts ran out, or {@link #onEvent} threw. Not called when
   * the watch is closed by its owner.
   */
  default void onError(RenewalException error) {}
}
