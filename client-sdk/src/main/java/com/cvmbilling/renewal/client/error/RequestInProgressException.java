package com.cvmbilling.renewal.client.error;

/**
 * {@code ABORTED}/{@code REQUEST_IN_PROGRESS}: an earlier attempt with the same client token is
 * still running. Retried by default; thrown when the retries ran out.
 */
public class RequestInProgressException extends AbortedException {
  private static final long serialVersionUID = 1L;

  RequestInProgressException(Details details) {
    super(details);
  }
}
