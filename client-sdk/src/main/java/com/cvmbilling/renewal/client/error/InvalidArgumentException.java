package com.cvmbilling.renewal.client.error;

/**
 * {@code INVALID_ARGUMENT}: the request is wrong; see {@link #reason()} and {@link
 * #fieldViolations()}. Never retried.
 */
public class InvalidArgumentException extends RenewalException {
  private static final long serialVersionUID = 1L;

  InvalidArgumentException(Details details) {
    super(details);
  }
}
