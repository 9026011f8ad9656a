package com.cvmbilling.renewal.server.faults;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The client side of the fault suite: the generated stubs plus a small loop that makes one logical
 * call complete exactly once. Every attempt of a logical call sends the same request with the same
 * {@code client_token}; an answer that says nothing about the outcome (UNAVAILABLE,
 * DEADLINE_EXCEEDED, ABORTED, a dropped connection) is retried after a short back-off, on the next
 * address after UNAVAILABLE (fail-over between replicas), until the server gives a definite answer:
 * success, or a business error. Every attempt is logged with its timing and outcome.
 */
final class FaultClient implements AutoCloseable {
  /** One attempt: when it started and ended (System.nanoTime), where, and what came back. */
  record Attempt(long startNanos, long endNanos, int endpoint, String outcome) {
    boolean ok() {
      return outcome.equals("OK");
    }
  }

  /** The definite answer of a logical call: the response, or the status of a business error. */
  record Answer<R>(R response, StatusRuntimeException error, String reason, int attempts) {
    boolean ok() {
      return response != null;
    }
  }

  private final List<ManagedChannel> channels = new ArrayList<>();
  private final Duration attemptDeadline;
  private final Duration giveUpAfter;
  private final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
  private final Map<String, AtomicLong> retriesByOutcome = new ConcurrentHashMap<>();

  FaultClient(List<Integer> ports, Duration attemptDeadline, Duration giveUpAfter) {
    for (int port : ports) {
      channels.add(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
    }
    this.attemptDeadline = attemptDeadline;
    this.giveUpAfter = giveUpAfter;
  }

  int endpoints() {
    return channels.size();
  }

  ManagedChannel channel(int endpoint) {
    return channels.get(endpoint);
  }

  /**
   * Runs {@code call} against endpoint {@code preferred} first until it gives a definite answer.
   * {@code call} gets a channel and must apply its own per-attempt deadline ({@link
   * #attemptDeadline()}).
   */
  <R> Answer<R> call(int preferred, Function<ManagedChannel, R> call) {
    long giveUp = System.nanoTime() + giveUpAfter.toNanos();
    int endpoint = Math.floorMod(preferred, channels.size());
    for (int attempt = 1; ; attempt++) {
      long t0 = System.nanoTime();
      try {
        R response = call.apply(channels.get(endpoint));
        attempts.add(new Attempt(t0, System.nanoTime(), endpoint, "OK"));
        return new Answer<>(response, null, null, attempt);
      } catch (StatusRuntimeException e) {
        long t1 = System.nanoTime();
        String reason = reason(e);
        String outcome = e.getStatus().getCode() + (reason.isEmpty() ? "" : "/" + reason);
        attempts.add(new Attempt(t0, t1, endpoint, outcome));
        if (!retryable(e.getStatus().getCode())) {
          return new Answer<>(null, e, reason, attempt);
        }
        retriesByOutcome.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
        if (t1 > giveUp) {
          throw new AssertionError(
              "logical call still without a definite answer after "
                  + giveUpAfter
                  + " and "
                  + attempt
                  + " attempts; last: "
                  + outcome,
              e);
        }
        if (e.getStatus().getCode() == Status.Code.UNAVAILABLE && channels.size() > 1) {
          endpoint = (endpoint + 1) % channels.size(); // fail over
        }
        sleep(Math.min(1_000, 20L << Math.min(attempt, 6)));
      }
    }
  }

  Duration attemptDeadline() {
    return attemptDeadline;
  }

  /** Outcomes that say nothing about whether the call took effect: send it again, same token. */
  static boolean retryable(Status.Code code) {
    return code == Status.Code.UNAVAILABLE
        || code == Status.Code.DEADLINE_EXCEEDED
        || code == Status.Code.ABORTED
        || code == Status.Code.CANCELLED
        || code == Status.Code.RESOURCE_EXHAUSTED; // a rate limit, where one is configured
  }

  static String reason(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status == null) {
      return "";
    }
    try {
      for (Any detail : status.getDetailsList()) {
        if (detail.is(ErrorInfo.class)) {
          return detail.unpack(ErrorInfo.class).getReason();
        }
      }
    } catch (InvalidProtocolBufferException ignored) {
      // no reason then
    }
    return "";
  }

  List<Attempt> attempts() {
    return List.copyOf(attempts);
  }

  Map<String, Long> retries() {
    Map<String, Long> out = new TreeMap<>();
    retriesByOutcome.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  private static void sleep(long maxMillis) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(maxMillis / 2, maxMillis + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
  }
}
