package com.cvmbilling.renewal.client;

import com.cvmbilling.renewal.client.error.RenewalException;
import com.cvmbilling.renewal.client.internal.ErrorFactory;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Runs one logical unary call: fills in the client token once, then makes attempts until one
 * succeeds, a failure is not retryable, the attempts run out or the deadline passes. Every attempt
 * carries the same request (same token) and the same {@code x-request-id}.
 */
final class UnaryCaller {
  static final Metadata.Key<String> REQUEST_ID =
      Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel channel;
  private final ClientSettings settings;
  private final ScheduledExecutorService scheduler;
  private final CallLog log;
  private final TlsMismatchDetector tlsMismatch;
  private volatile boolean closed;

  /** Calls waiting for their next attempt; failed with CANCELLED when the client closes. */
  private final java.util.Set<LogicalCall<?, ?>> waiting =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  UnaryCaller(
      ManagedChannel channel,
      ClientSettings settings,
      ScheduledExecutorService scheduler,
      CallLog log,
      TlsMismatchDetector tlsMismatch) {
    this.channel = channel;
    this.settings = settings;
    this.scheduler = scheduler;
    this.log = log;
    this.tlsMismatch = tlsMismatch;
  }

  void close() {
    closed = true;
    for (LogicalCall<?, ?> call : waiting) {
      call.retryNow(); // sees the client closed and fails the call
    }
  }

  /** A client token: 40 printable ASCII characters, unique per logical call. */
  static String newClientToken() {
    return "sdk-" + UUID.randomUUID();
  }

  /** The request with its {@code client_token} filled in when the RPC takes one and it is empty. */
  @SuppressWarnings("unchecked")
  static <Req extends Message> Req withClientToken(Rpc rpc, Req request) {
    if (!rpc.takesClientToken()) {
      return request;
    }
    FieldDescriptor field = request.getDescriptorForType().findFieldByName("client_token");
    if (field == null || !((String) request.getField(field)).isEmpty()) {
      return request;
    }
    return (Req) request.toBuilder().setField(field, newClientToken()).build();
  }

  static String clientTokenOf(Message request) {
    FieldDescriptor field = request.getDescriptorForType().findFieldByName("client_token");
    return field == null ? "" : (String) request.getField(field);
  }

  <Req extends Message, Resp extends Message> CompletableFuture<Resp> call(
      Rpc rpc, MethodDescriptor<Req, Resp> method, Req request, RequestOptions options) {
    RequestOptions opts = options == null ? RequestOptions.defaults() : options;
    Req prepared = withClientToken(rpc, request);
    Duration timeout = opts.deadline() != null ? opts.deadline() : settings.defaultDeadline();
    RetrySettings retry =
        opts.retrySettings() != null ? opts.retrySettings() : settings.retrySettings(rpc);
    String requestId = opts.requestId() != null ? opts.requestId() : UUID.randomUUID().toString();
    LogicalCall<Req, Resp> call =
        new LogicalCall<>(
            rpc,
            method,
            prepared,
            requestId,
            Deadline.after(timeout.toNanos(), TimeUnit.NANOSECONDS),
            retry);
    call.attempt();
    return call.result;
  }

  private final class LogicalCall<Req extends Message, Resp extends Message> {
    private final Rpc rpc;
    private final MethodDescriptor<Req, Resp> method;
    private final Req request;
    private final String clientToken;
    private final String requestId;
    private final Deadline deadline;
    private final RetrySettings retry;
    private final long startNanos = System.nanoTime();
    private final CompletableFuture<Resp> result = new CompletableFuture<>();
    private int attempts;
    private volatile ClientCall<Req, Resp> current;

    LogicalCall(
        Rpc rpc,
        MethodDescriptor<Req, Resp> method,
        Req request,
        String requestId,
        Deadline deadline,
        RetrySettings retry) {
      this.rpc = rpc;
      this.method = method;
      this.request = request;
      this.clientToken = clientTokenOf(request);
      this.requestId = requestId;
      this.deadline = deadline;
      this.retry = retry;
      // Cancelling the future (e.g. future.cancel(true)) cancels the attempt in flight.
      result.whenComplete(
          (r, t) -> {
            ClientCall<Req, Resp> c = current;
            if (result.isCancelled() && c != null) {
              c.cancel("cancelled by the caller", null);
            }
          });
    }

    /** The scheduled retry; whoever removes the call from {@code waiting} first runs it. */
    void retryNow() {
      if (waiting.remove(this)) {
        attempt();
      }
    }

    void attempt() {
      if (result.isDone()) {
        return;
      }
      if (closed) {
        fail(Status.CANCELLED.withDescription("the client is closed"), null, attempts);
        return;
      }
      attempts++;
      int attempt = attempts;
      log.attempt(rpc.methodName(), requestId, clientToken, attempt, request);
      // The attempt's own deadline, when the retry settings give one, within the call's.
      Deadline attemptDeadline =
          retry
              .attemptTimeout()
              .map(t -> Deadline.after(t.toNanos(), TimeUnit.NANOSECONDS))
              .filter(d -> d.isBefore(deadline))
              .orElse(deadline);
      boolean ownDeadline = attemptDeadline != deadline;
      ClientCall<Req, Resp> call;
      try {
        call =
            channel.newCall(
                method,
                CallOptions.DEFAULT
                    .withDeadline(attemptDeadline)
                    .withCallCredentials(settings.credentials()));
        current = call;
        Metadata headers = new Metadata();
        headers.put(REQUEST_ID, requestId);
        call.start(
            new ClientCall.Listener<>() {
              private Resp response;
              private String serverRequestId;

              @Override
              public void onHeaders(Metadata headers) {
                serverRequestId = headers.get(REQUEST_ID);
              }

              @Override
              public void onMessage(Resp message) {
                response = message;
              }

              @Override
              public void onClose(Status status, Metadata trailers) {
                String trailerId = trailers == null ? null : trailers.get(REQUEST_ID);
                String id =
                    trailerId != null
                        ? trailerId
                        : serverRequestId != null ? serverRequestId : requestId;
                if (status.isOk() && response != null) {
                  log.succeeded(rpc.methodName(), id, attempt, elapsed(), response);
                  result.complete(response);
                } else if (status.isOk()) {
                  failed(
                      Status.INTERNAL.withDescription(
                          "the server closed the call without a response"),
                      trailers,
                      id,
                      attempt,
                      false);
                } else {
                  // Out of the attempt's own time, with time left for another attempt.
                  boolean attemptTimedOut =
                      ownDeadline
                          && status.getCode() == Status.Code.DEADLINE_EXCEEDED
                          && !deadline.isExpired();
                  failed(
                      attemptTimedOut
                          ? status.augmentDescription(
                              "attempt timeout "
                                  + retry.attemptTimeout().orElseThrow().toMillis()
                                  + " ms")
                          : status,
                      trailers,
                      id,
                      attempt,
                      attemptTimedOut);
                }
              }
            },
            headers);
        if (result.isCancelled()) {
          call.cancel("cancelled by the caller", null);
          return;
        }
        call.request(2);
        call.sendMessage(request);
        call.halfClose();
      } catch (RuntimeException e) {
        fail(
            Status.INTERNAL.withDescription("could not start the call: " + e).withCause(e),
            null,
            attempt);
      }
    }

    private void failed(
        Status status, Metadata trailers, String id, int attempt, boolean attemptTimedOut) {
      // Client and server disagree on TLS: no retry can help; say what to change.
      Optional<String> mismatch =
          result.isDone() ? Optional.empty() : tlsMismatch.diagnose(status, deadline);
      if (mismatch.isPresent()) {
        RenewalException failure =
            ErrorFactory.get()
                .tlsMismatch(mismatch.get(), status, rpc.methodName(), id, clientToken, attempt);
        log.failed(rpc.methodName(), id, failure, elapsed());
        result.completeExceptionally(failure);
        return;
      }
      RenewalException failure =
          ErrorFactory.get()
              .fromStatus(status, trailers, rpc.methodName(), id, clientToken, attempt);
      if (!result.isCancelled()
          && !closed
          && (attemptTimedOut || retry.isRetryable(failure.statusCode(), failure.reason()))
          && retry.hasAttemptsLeft(attempt)) {
        Duration backoff = retry.backoff(attempt, ThreadLocalRandom.current().nextDouble());
        // The server's RetryInfo (e.g. RATE_LIMITED) is a floor: retrying sooner fails again.
        Duration asked = failure.retryDelay().orElse(Duration.ZERO);
        if (asked.compareTo(backoff) > 0) {
          backoff = asked;
        }
        // A wait that would pass the deadline is useless: fail now with what we have.
        if (deadline.timeRemaining(TimeUnit.NANOSECONDS) > backoff.toNanos()) {
          log.retrying(rpc.methodName(), id, clientToken, failure, backoff);
          try {
            waiting.add(this);
            scheduler.schedule(this::retryNow, backoff.toNanos(), TimeUnit.NANOSECONDS);
            if (closed) {
              retryNow(); // closed while scheduling: fail now rather than wait
            }
            return;
          } catch (java.util.concurrent.RejectedExecutionException closedMeanwhile) {
            waiting.remove(this); // the client was closed: report the failure we have
          }
        }
      }
      log.failed(rpc.methodName(), id, failure, elapsed());
      result.completeExceptionally(failure);
    }

    private void fail(Status status, Metadata trailers, int attempt) {
      failed(status, trailers, requestId, attempt, false);
    }

    private Duration elapsed() {
      return Duration.ofNanos(System.nanoTime() - startNanos);
    }
  }
}
