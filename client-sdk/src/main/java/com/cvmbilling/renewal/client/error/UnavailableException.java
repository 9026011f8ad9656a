package com.cvmbilling.renewal.client.error;

/**
 * {@code UNAVAILABLE}: the service (or its database) cannot be reached now. Retried by default;
 * thrown when the retries ran out.
 */
public class UnavailableException extends RenewalException {
  private static final long serialVersionUID = 1L;

  UnavailableException(Details details) {
    super(details);
  }
}
