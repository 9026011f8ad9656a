package com.cvmbilling.renewal.client.error;

/**
 * {@code FAILED_PRECONDITION}/{@code PREPAID_NOT_TERMINABLE}: a running prepaid instance cannot be
 * terminated.
 */
public class PrepaidNotTerminableException extends FailedPreconditionException {
  private static final long serialVersionUID = 1L;

  PrepaidNotTerminableException(Details details) {
    super(details);
  }
}
