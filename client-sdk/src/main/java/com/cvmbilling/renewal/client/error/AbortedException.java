package com.cvmbilling.renewal.client.error;

/** {@code ABORTED}: a conflict; only {@link RequestInProgressException} is retried by default. */
public class AbortedException extends RenewalException {
  private static final long serialVersionUID = 1L;

  AbortedException(Details details) {
    super(details);
  }
}
