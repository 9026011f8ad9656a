package com.cvmbilling.renewal.client.error;

/**
 * {@code FAILED_PRECONDITION}/{@code NOT_PREPAID}: the call needs prepaid instances; {@link
 * #instanceIds()} names the others.
 */
public class NotPrepaidException extends FailedPreconditionException {
  private static final long serialVersionUID = 1L;

  NotPrepaidException(Details details) {
    super(details);
  }
}
