package com.cvmbilling.renewal.client;

import com.cvmbilling.renewal.client.error.RenewalException;
import com.cvmbilling.renewal.client.internal.ErrorFactory;
import com.cvmbilling.renewal.client.model.EventInfo;
import com.cvmbilling.renewal.v1.Event;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.WatchEventsRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A running {@code WatchEvents} subscription that survives broken streams: whenever the stream ends
 * (server restart, network failure, a replica going away), it reconnects with backoff and asks for
 * the events after the last one delivered, so the listener misses none and sees none twice. Close
 * it to stop.
 */
public final class EventWatch implements AutoCloseable {
  /** A connection that lasted this long counts as healthy: the backoff starts over. */
  private static final Duration HEALTHY = Duration.ofSeconds(10);

  private final ManagedChannel channel;
  private final ClientSettings settings;
  private final RetrySettings reconnect;
  private final ScheduledExecutorService scheduler;
  private final CallLog log;
  private final TlsMismatchDetector tlsMismatch;
  private final EventListener listener;
  private final Consumer<EventWatch> onDone;
  private final String watchId = UUID.randomUUID().toString();
  private final CompletableFuture<Void> completion = new CompletableFuture<>();
  private volatile long lastEventId;
  private volatile boolean closed;
  private volatile ClientCall<WatchEventsRequest, Event> call;
  private int consecutiveFailures;
  private int connections;

  EventWatch(
      ManagedChannel channel,
      ClientSettings settings,
      ScheduledExecutorService scheduler,
      CallLog log,
      TlsMismatchDetector tlsMismatch,
      long afterEventId,
      EventListener listener,
      Consumer<EventWatch> onDone) {
    this.channel = channel;
    this.settings = settings;
    this.reconnect = settings.watchReconnectSettings();
    this.scheduler = scheduler;
    this.log = log;
    this.tlsMismatch = tlsMismatch;
    this.lastEventId = afterEventId;
    this.listener = listener;
    this.onDone = onDone;
  }

  /** The id of the last event delivered (the starting id before any): resume from here later. */
  public long lastEventId() {
    return lastEventId;
  }

  /** Whether the watch is still delivering or reconnecting. */
  public boolean isActive() {
    return !completion.isDone();
  }

  /**
   * Completes when the watch stops: normally after {@link #close()}, exceptionally with the {@link
   * RenewalException} also given to {@link EventListener#onError} (completed first, so the watch is
   * no longer active when the listener hears of it).
   */
  public CompletableFuture<Void> completion() {
    return completion;
  }

  /**
   * Stops the watch. No event is delivered after this returns, except one already being delivered.
   */
  @Override
  public void close() {
    closed = true;
    ClientCall<WatchEventsRequest, Event> c = call;
    if (c != null) {
      c.cancel("watch closed", null);
    }
    finish(null);
  }

  void start() {
    connect();
  }

  private void connect() {
    if (closed) {
      finish(null);
      return;
    }
    connections++;
    long after = lastEventId;
    String requestId = watchId + "-" + connections;
    long startedNanos = System.nanoTime();
    log.watchConnecting(watchId, after, connections);
    ClientCall<WatchEventsRequest, Event> c;
    try {
      c =
          channel.newCall(
              RenewalServiceGrpc.getWatchEventsMethod(),
              CallOptions.DEFAULT.withCallCredentials(settings.credentials()));
    } catch (RuntimeException e) {
      fail(
          ErrorFactory.get()
              .fromStatus(
                  Status.CANCELLED.withDescription("cannot start the stream").withCause(e),
                  null,
                  Rpc.WATCH_EVENTS.methodName(),
                  requestId,
                  "",
                  connections));
      return;
    }
    call = c;
    Metadata headers = new Metadata();
    headers.put(UnaryCaller.REQUEST_ID, requestId);
    c.start(
        new ClientCall.Listener<>() {
          private boolean received;

          @Override
          public void onMessage(Event event) {
            if (closed) {
              return;
            }
            received = true;
            if (event.getEventId() > lastEventId) {
              try {
                listener.onEvent(EventInfo.fromProto(event));
              } catch (RuntimeException e) {
                closed = true;
                c.cancel("the listener failed", e);
                fail(
                    ErrorFactory.get()
                        .fromStatus(
                            Status.CANCELLED
                                .withDescription("the event listener threw " + e)
                                .withCause(e),
                            null,
                            Rpc.WATCH_EVENTS.methodName(),
                            requestId,
                            "",
                            1));
                return;
              }
              lastEventId = event.getEventId();
            }
            c.request(1);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            if (closed) {
              finish(null);
              return;
            }
            boolean healthy = received || System.nanoTime() - startedNanos >= HEALTHY.toNanos();
            consecutiveFailures = healthy ? 1 : consecutiveFailures + 1;
            Status effective =
                status.isOk()
                    ? Status.UNAVAILABLE.withDescription("the server ended the stream")
                    : status;
            // Client and server disagree on TLS: reconnecting cannot help; say what to change.
            java.util.Optional<String> mismatch =
                received ? java.util.Optional.empty() : tlsMismatch.diagnose(effective, null);
            if (mismatch.isPresent()) {
              fail(
                  ErrorFactory.get()
                      .tlsMismatch(
                          mismatch.get(),
                          effective,
                          Rpc.WATCH_EVENTS.methodName(),
                          requestId,
                          "",
                          consecutiveFailures));
              return;
            }
            RenewalException failure =
                ErrorFactory.get()
                    .fromStatus(
                        effective,
                        trailers,
                        Rpc.WATCH_EVENTS.methodName(),
                        requestId,
                        "",
                        consecutiveFailures);
            if (reconnect.isRetryable(failure.statusCode(), failure.reason())
                && reconnect.hasAttemptsLeft(consecutiveFailures)) {
              Duration backoff =
                  reconnect.backoff(consecutiveFailures, ThreadLocalRandom.current().nextDouble());
              Duration asked = failure.retryDelay().orElse(Duration.ZERO);
              if (asked.compareTo(backoff) > 0) {
                backoff = asked; // the server's RetryInfo (e.g. RATE_LIMITED) is a floor
              }
              log.watchReconnecting(watchId, lastEventId, failure, backoff);
              try {
                listener.onReconnecting(failure, lastEventId, backoff);
              } catch (RuntimeException ignored) {
                // a monitoring callback must not stop the watch
              }
              try {
                scheduler.schedule(
                    EventWatch.this::connect, backoff.toNanos(), TimeUnit.NANOSECONDS);
              } catch (RejectedExecutionException clientClosed) {
                finish(null);
              }
            } else {
              fail(failure);
            }
          }
        },
        headers);
    c.sendMessage(WatchEventsRequest.newBuilder().setAfterEventId(after).build());
    c.halfClose();
    c.request(1);
  }

  private void fail(RenewalException failure) {
    // Stopped before the listener hears of it, so isActive() is already false in onError.
    if (!completion.completeExceptionally(failure)) {
      return;
    }
    closed = true;
    log.watchStopped(watchId, lastEventId, failure);
    try {
      listener.onError(failure);
    } finally {
      onDone.accept(this);
    }
  }

  private void finish(RenewalException failure) {
    if (failure != null) {
      fail(failure);
      return;
    }
    if (completion.complete(null)) {
      log.watchStopped(watchId, lastEventId, null);
      onDone.accept(this);
    }
  }

  @Override
  public String toString() {
    return "EventWatch{"
        + watchId
        + ", after event "
        + lastEventId
        + (isActive() ? ", active" : ", stopped")
        + "}";
  }
}
