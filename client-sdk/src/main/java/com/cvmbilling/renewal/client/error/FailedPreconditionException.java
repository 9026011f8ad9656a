package com.cvmbilling.renewal.client.error;

/**
 * {@code FAILED_PRECONDITION}: the request is valid but the state does not allow it now. Never
 * retried.
 */
public class FailedPreconditionException extends RenewalException {
  private static final long serialVersionUID = 1L;

  FailedPreconditionException(Details details) {
    super(details);
  }
}
