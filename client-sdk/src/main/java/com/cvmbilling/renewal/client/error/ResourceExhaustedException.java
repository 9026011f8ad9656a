package com.cvmbilling.renewal.client.error;

/**
 * {@code RESOURCE_EXHAUSTED}: a limit or quota ran out. The service's rate limit (reason {@code
 * RATE_LIMITED}) is the subclass {@link RateLimitedException}; {@link #retryDelay()} says how long
 * the server asked the caller to wait, when it said. Request headers over the server's limit
 * (reason {@code METADATA_TOO_LARGE}) are the subclass {@link MetadataTooLargeException}, never
 * retried.
 */
public class ResourceExhaustedException extends RenewalException {
  private static final long serialVersionUID = 1L;

  ResourceExhaustedException(Details details) {
    super(details);
  }
}
