package com.cvmbilling.renewal.client.error;

/**
 * {@code RESOURCE_EXHAUSTED}/{@code RATE_LIMITED}: the account (or admin key) made more calls than
 * its rate limit allows, and this call was refused before it did anything. {@link #retryDelay()} is
 * the server's {@code google.rpc.RetryInfo}: when a call will be accepted again.
 *
 * <p>The SDK retries it by default (a refused call did nothing, so repeating it is always safe),
 * waiting at least that delay, within the call's deadline; it is thrown when the retries ran out or
 * when the delay would pass the deadline (then at once, without waiting uselessly). The metadata
 * {@code ratePerSecond} and {@code burst} give the limit.
 */
public class RateLimitedException extends ResourceExhaustedException {
  private static final long serialVersionUID = 1L;

  RateLimitedException(Details details) {
    super(details);
  }
}
