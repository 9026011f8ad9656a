package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.v1.Event;

/**
 * The receiving end of a WatchEvents stream, as {@link EventStreams} sees it; the transport adapts
 * its stream to this. {@link EventStreams} never calls {@code onEvent}, {@code onFailure} and
 * {@code onShutdown} of one stream at the same time, and calls nothing after one of the last two.
 */
public interface EventListener {
  /** Registers what to run when the consumer goes away; called once, before the first event. */
  void onCancel(Runnable stop);

  /** Whether the consumer can take another event now without buffering. */
  boolean isReady();

  void onEvent(Event event);

  /** The stream ends because reading failed (e.g. the database is down). */
  void onFailure(RuntimeException cause);

  /** The stream ends because the server is shutting down; {@code message} says what to do. */
  void onShutdown(String message);
}
