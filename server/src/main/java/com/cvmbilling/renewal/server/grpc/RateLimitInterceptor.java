package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.config.RateLimitSettings;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.metrics.Metrics;
import com.cvmbilling.renewal.server.service.Principal;
import com.cvmbilling.renewal.v1.ErrorReason;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A token bucket per account (per key for admin keys): {@code ratePerSecond} calls a second on
 * average, bursts of up to {@code burst}. A call over the limit is refused before it does any work
 * with {@code RESOURCE_EXHAUSTED}/{@code RATE_LIMITED} and a {@code RetryInfo} saying when a token
 * will be there. Runs after {@link AuthInterceptor} (it needs the caller).
 *
 * <p>The buckets live in this process's memory: with N replicas behind a load balancer an account
 * can make up to N times the rate. Full buckets are dropped when there are many, so memory stays
 * bounded by the accounts active in the last moments.
 */
@Singleton
public final class RateLimitInterceptor implements ServerInterceptor {
  private static final int SWEEP_ABOVE = 10_000;

  private final long ratePerSecond;
  private final long burst;
  private final Metrics metrics;
  private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** Bound only when the limit is on ({@link RateLimitSettings#enabled()}). */
  @Inject
  public RateLimitInterceptor(RateLimitSettings settings, Metrics metrics) {
    this(settings.callsPerSecond(), settings.burst(), metrics);
  }

  public RateLimitInterceptor(long ratePerSecond, long burst, Metrics metrics) {
    if (ratePerSecond < 1 || burst < 1) {
      throw new IllegalArgumentException("rate and burst must be at least 1");
    }
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.metrics = metrics;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Principal principal = AuthInterceptor.PRINCIPAL.get();
    if (principal == null) {
      return next.startCall(call, headers);
    }
    // One bucket per account, or per admin or support key (they have no account).
    String key =
        principal.tenant()
            ? "account:" + principal.accountId()
            : principal.kindName() + ":" + principal.keyPrefix();
    ConsumptionProbe probe = bucket(key).tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return next.startCall(call, headers);
    }
    metrics.rateLimited(principal.kindName());
    // Whole milliseconds, rounded up, never zero: retrying after the delay succeeds.
    long waitMillis = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999) / 1_000_000);
    ErrorMapper.closeCall(
        call,
        ApiException.of(
                ErrorReason.RATE_LIMITED,
                "rate limit exceeded: at most "
                    + ratePerSecond
                    + " calls per second (bursts of "
                    + burst
                    + ") per "
                    + (principal.tenant() ? "account" : principal.kindName() + " key")
                    + "; retry in "
                    + waitMillis
                    + " ms")
            .meta("ratePerSecond", Long.toString(ratePerSecond))
            .meta("burst", Long.toString(burst))
            .retryDelay(Duration.ofMillis(waitMillis))
            .build());
    return new ServerCall.Listener<>() {};
  }

  private Bucket bucket(String key) {
    Bucket b = buckets.get(key);
    if (b != null) {
      return b;
    }
    if (buckets.size() > SWEEP_ABOVE) {
      // A full bucket is the same as a new one: forget those.
      buckets.values().removeIf(x -> x.getAvailableTokens() >= burst);
    }
    return buckets.computeIfAbsent(
        key,
        k ->
            Bucket.builder()
                .addLimit(
                    Bandwidth.builder()
                        .capacity(burst)
                        .refillGreedy(ratePerSecond, Duration.ofSeconds(1))
                        .build())
                .build());
  }
}
