package com.cvmbilling.renewal.client.error;

/** {@code INTERNAL}: a fault in the service. Not retried by default. */
public class InternalException extends RenewalException {
  private static final long serialVersionUID = 1L;

  InternalException(Details details) {
    super(details);
  }
}
