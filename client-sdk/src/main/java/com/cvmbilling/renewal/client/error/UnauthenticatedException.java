package com.cvmbilling.renewal.client.error;

/** {@code UNAUTHENTICATED}: the API key is missing or wrong. Never retried. */
public class UnauthenticatedException extends RenewalException {
  private static final long serialVersionUID = 1L;

  UnauthenticatedException(Details details) {
    super(details);
  }
}
