package com.cvmbilling.renewal.client;

import com.cvmbilling.renewal.client.error.StatusCode;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * When and how often a call is retried (GAX style), per RPC: see {@link
 * ClientBuilder#retrySettings(Rpc, RetrySettings)}.
 *
 * <p>An attempt that failed is retried when its status code is one of {@link #retryableCodes()}
 * (default {@code UNAVAILABLE}), or when its error reason is one of {@link #retryableReasons()}
 * (default {@code REQUEST_IN_PROGRESS} and {@code RATE_LIMITED}). {@code INVALID_ARGUMENT}, {@code
 * FAILED_PRECONDITION}, {@code NOT_FOUND}, {@code UNAUTHENTICATED} and {@code PERMISSION_DENIED},
 * and the reason {@code METADATA_TOO_LARGE}, are never retried, whatever the settings say.
 *
 * <p>Why those defaults are safe: the SDK sends the same client token on every attempt of an RPC
 * that changes something, so a retry after an attempt that was carried out but whose answer was
 * lost ({@code UNAVAILABLE}) returns the first result and never charges twice. {@code
 * ABORTED}/{@code REQUEST_IN_PROGRESS} means an earlier attempt with the same token is still
 * running (other {@code ABORTED} reasons are not retried). {@code RESOURCE_EXHAUSTED}/{@code
 * RATE_LIMITED} means the call was refused before it did anything, so repeating it is safe for any
 * RPC; other {@code RESOURCE_EXHAUSTED} reasons (a message too large, ...) would fail again and are
 * not retried ({@code METADATA_TOO_LARGE} not even when {@code RESOURCE_EXHAUSTED} is made
 * retryable: every attempt sends the same headers). RPCs that are not {@linkplain Rpc#safeToRetry()
 * safe to retry} have {@link #none()} by default, so they are not retried even when rate limited.
 *
 * <p>The n-th retry waits {@code min(maxBackoff, initialBackoff * multiplier^(n-1))}, shortened by
 * a random jitter of up to {@code jitter} of it; when the failure carries the server's {@code
 * google.rpc.RetryInfo} (as {@code RATE_LIMITED} does, see {@link
 * com.cvmbilling.renewal.client.error.RenewalException#retryDelay()}), it waits at least that
 * delay. A wait never passes the call's deadline, which bounds the whole call, all attempts and
 * waits together: when the next attempt could not start before the deadline, the call fails at once
 * with the last failure instead of waiting for nothing.
 *
 * <p><b>Attempt timeout.</b> By default an attempt may take all of the time left to the call's
 * deadline. With {@link Builder#attemptTimeout(Duration)} (GAX's RPC timeout) each attempt gets its
 * own deadline, {@code min(attemptTimeout, time left to the call's deadline)}, and an attempt that
 * runs out of it ({@code DEADLINE_EXCEEDED}) is retried like a retryable failure while the call's
 * deadline leaves time and attempts are left: a server that hangs on one attempt (a stuck
 * connection, a replica that stopped answering) no longer takes the whole deadline. That is safe
 * where retries are safe: an RPC that changes something carries the same client token on every
 * attempt, so an attempt that timed out but was carried out is not carried out twice; RPCs that are
 * not {@linkplain Rpc#safeToRetry() safe to retry} get {@link #none()} by default, one attempt. The
 * call's deadline still bounds everything; when it runs out the call fails with {@code
 * DeadlineExceededException}.
 */
public final class RetrySettings {
  /** Codes that no setting can make retryable: repeating the same request cannot succeed. */
  public static final Set<StatusCode> NEVER_RETRIED =
      Set.copyOf(
          EnumSet.of(
              StatusCode.INVALID_ARGUMENT,
              StatusCode.FAILED_PRECONDITION,
              StatusCode.NOT_FOUND,
              StatusCode.UNAUTHENTICATED,
              StatusCode.PERMISSION_DENIED));

  /**
   * Error reasons that no setting can make retryable, whatever their code: every attempt would be
   * refused again ({@code METADATA_TOO_LARGE}: each attempt sends the same request headers).
   */
  public static final Set<String> NEVER_RETRIED_REASONS = Set.of("METADATA_TOO_LARGE");

  private static final RetrySettings DEFAULTS = newBuilder().build();
  private static final RetrySettings NONE = newBuilder().maxAttempts(1).build();

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double backoffMultiplier;
  private final double jitter;
  private final Set<StatusCode> retryableCodes;
  private final Set<String> retryableReasons;
  private final Duration attemptTimeout;

  private RetrySettings(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.backoffMultiplier = b.backoffMultiplier;
    this.jitter = b.jitter;
    this.retryableCodes = Set.copyOf(b.retryableCodes);
    this.retryableReasons = Set.copyOf(b.retryableReasons);
    this.attemptTimeout = b.attemptTimeout;
  }

  /**
   * The default: up to 5 attempts, 100 ms doubling to at most 5 s, jitter 0.5, retrying {@code
   * UNAVAILABLE}, {@code ABORTED}/{@code REQUEST_IN_PROGRESS} and {@code RESOURCE_EXHAUSTED}/{@code
   * RATE_LIMITED}.
   */
  public static RetrySettings defaults() {
    return DEFAULTS;
  }

  /** One attempt, no retry. The default of the RPCs that take no client token (see {@link Rpc}). */
  public static RetrySettings none() {
    return NONE;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxAttempts = maxAttempts;
    b.initialBackoff = initialBackoff;
    b.maxBackoff = maxBackoff;
    b.backoffMultiplier = backoffMultiplier;
    b.jitter = jitter;
    b.retryableCodes = EnumSet.noneOf(StatusCode.class);
    b.retryableCodes.addAll(retryableCodes);
    b.retryableReasons = new java.util.HashSet<>(retryableReasons);
    b.attemptTimeout = attemptTimeout;
    return b;
  }

  /** Attempts in total, the first included; 0 means no limit but the deadline. */
  public int maxAttempts() {
    return maxAttempts;
  }

  public Duration initialBackoff() {
    return initialBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  public double backoffMultiplier() {
    return backoffMultiplier;
  }

  /** 0 = exact backoff; 0.5 = each wait is between half and all of the computed backoff. */
  public double jitter() {
    return jitter;
  }

  public Set<StatusCode> retryableCodes() {
    return retryableCodes;
  }

  public Set<String> retryableReasons() {
    return retryableReasons;
  }

  /**
   * The deadline of each attempt, within the call's deadline; empty (the default) when an attempt
   * may take all the time left to the call's deadline.
   */
  public Optional<Duration> attemptTimeout() {
    return Optional.ofNullable(attemptTimeout);
  }

  /** Whether a failure with this code and reason is retried (attempts and deadline aside). */
  public boolean isRetryable(StatusCode code, String reason) {
    if (NEVER_RETRIED.contains(code)
        || (reason != null && NEVER_RETRIED_REASONS.contains(reason))) {
      return false;
    }
    return retryableCodes.contains(code) || (reason != null && retryableReasons.contains(reason));
  }

  /** Whether another attempt may follow attempt number {@code attemptsMade}. */
  public boolean hasAttemptsLeft(int attemptsMade) {
    return maxAttempts == 0 || attemptsMade < maxAttempts;
  }

  /**
   * The wait before retry number {@code retry} (1 = the wait after the first attempt).
   *
   * @param random a number in [0, 1)
   */
  public Duration backoff(int retry, double random) {
    double nanos = initialBackoff.toNanos() * Math.pow(backoffMultiplier, Math.max(0, retry - 1));
    nanos = Math.min(nanos, maxBackoff.toNanos());
    nanos = nanos * (1.0 - jitter * random);
    return Duration.ofNanos((long) nanos);
  }

  @Override
  public String toString() {
    return "RetrySettings{maxAttempts="
        + maxAttempts
        + ", backoff "
        + initialBackoff.toMillis()
        + "ms x"
        + backoffMultiplier
        + " up to "
        + maxBackoff.toMillis()
        + "ms, jitter "
        + jitter
        + ", codes "
        + retryableCodes
        + ", reasons "
        + retryableReasons
        + (attemptTimeout == null ? "" : ", attempt timeout " + attemptTimeout.toMillis() + "ms")
        + "}";
  }

  /** Builds {@link RetrySettings}. */
  public static final class Builder {
    private int maxAttempts = 5;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private double backoffMultiplier = 2.0;
    private double jitter = 0.5;
    private EnumSet<StatusCode> retryableCodes = EnumSet.of(StatusCode.UNAVAILABLE);
    private Set<String> retryableReasons =
        new java.util.HashSet<>(Set.of("REQUEST_IN_PROGRESS", "RATE_LIMITED"));
    private Duration attemptTimeout;

    private Builder() {}

    /**
     * Attempts in total, the first included (1 = no retry); 0 = no limit but the deadline.
     *
     * @param maxAttempts 0 or more
     * @return this builder
     * @throws IllegalArgumentException if {@code maxAttempts} is negative
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 0) {
        throw new IllegalArgumentException("maxAttempts must be >= 0, got " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * The wait before the first retry.
     *
     * @param initialBackoff zero or more
     * @return this builder
     * @throws NullPointerException if {@code initialBackoff} is null
     * @throws IllegalArgumentException if it is negative
     */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = requireNonNegative(initialBackoff, "initialBackoff");
      return this;
    }

    /**
     * The longest wait between attempts.
     *
     * @param maxBackoff zero or more, and at least {@code initialBackoff} (checked by {@link
     *     #build()})
     * @return this builder
     * @throws NullPointerException if {@code maxBackoff} is null
     * @throws IllegalArgumentException if it is negative
     */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = requireNonNegative(maxBackoff, "maxBackoff");
      return this;
    }

    /**
     * How much each wait grows over the one before.
     *
     * @param backoffMultiplier 1 or more
     * @return this builder
     * @throws IllegalArgumentException if it is below 1 (or NaN)
     */
    public Builder backoffMultiplier(double backoffMultiplier) {
      if (!(backoffMultiplier >= 1.0)) {
        throw new IllegalArgumentException(
            "backoffMultiplier must be >= 1, got " + backoffMultiplier);
      }
      this.backoffMultiplier = backoffMultiplier;
      return this;
    }

    /**
     * How much of each wait may be randomly cut, so that clients do not retry in step.
     *
     * @param jitter 0..1 (0 = exact waits)
     * @return this builder
     * @throws IllegalArgumentException if it is outside [0, 1] (or NaN)
     */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0.0 && jitter <= 1.0)) {
        throw new IllegalArgumentException("jitter must be in [0, 1], got " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /**
     * The status codes to retry. {@link RetrySettings#NEVER_RETRIED} codes are refused: retrying
     * them could never succeed, and retrying is only safe because the SDK keeps the client token.
     *
     * @param codes the codes; empty for none
     * @return this builder
     * @throws NullPointerException if {@code codes} is null or holds null
     * @throws IllegalArgumentException if it holds {@code OK} or a {@link
     *     RetrySettings#NEVER_RETRIED} code
     */
    public Builder retryableCodes(Set<StatusCode> codes) {
      for (StatusCode code : codes) {
        if (NEVER_RETRIED.contains(code)) {
          throw new IllegalArgumentException(code + " is never retried");
        }
        if (code == StatusCode.OK) {
          throw new IllegalArgumentException("OK is not a failure");
        }
      }
      this.retryableCodes =
          codes.isEmpty() ? EnumSet.noneOf(StatusCode.class) : EnumSet.copyOf(codes);
      return this;
    }

    /**
     * Error reasons to retry whatever their code (never one of the codes that are never retried).
     *
     * @param reasons {@code ErrorInfo} reasons, e.g. {@code RATE_LIMITED}; empty for none
     * @return this builder
     * @throws NullPointerException if {@code reasons} is null or holds null
     * @throws IllegalArgumentException if it holds one of {@link
     *     RetrySettings#NEVER_RETRIED_REASONS}
     */
    public Builder retryableReasons(Set<String> reasons) {
      for (String reason : reasons) {
        if (NEVER_RETRIED_REASONS.contains(Objects.requireNonNull(reason, "reason"))) {
          throw new IllegalArgumentException(reason + " is never retried");
        }
      }
      this.retryableReasons = new java.util.HashSet<>(reasons);
      return this;
    }

    /**
     * Gives each attempt its own deadline, {@code min(attemptTimeout, time left to the call's
     * deadline)}, and retries an attempt that runs out of it (see {@link RetrySettings}).
     *
     * @param attemptTimeout the longest one attempt may take; positive
     * @return this builder
     * @throws NullPointerException if {@code attemptTimeout} is null
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder attemptTimeout(Duration attemptTimeout) {
      Objects.requireNonNull(attemptTimeout, "attemptTimeout");
      if (attemptTimeout.isZero() || attemptTimeout.isNegative()) {
        throw new IllegalArgumentException(
            "attemptTimeout must be positive, got " + attemptTimeout);
      }
      this.attemptTimeout = attemptTimeout;
      return this;
    }

    /**
     * No attempt timeout (the default): an attempt may take all the time left to the call's
     * deadline.
     *
     * @return this builder
     */
    public Builder noAttemptTimeout() {
      this.attemptTimeout = null;
      return this;
    }

    /**
     * The settings.
     *
     * @return the settings
     * @throws IllegalArgumentException if {@code maxBackoff} is below {@code initialBackoff}
     */
    public RetrySettings build() {
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException(
            "maxBackoff " + maxBackoff + " is below initialBackoff " + initialBackoff);
      }
      return new RetrySettings(this);
    }

    private static Duration requireNonNegative(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative");
      }
      return d;
    }
  }
}
