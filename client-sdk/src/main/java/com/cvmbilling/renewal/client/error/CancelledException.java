package com.cvmbilling.renewal.client.error;

/** {@code CANCELLED}: the call was cancelled, by the caller or because the client was closed. */
public class CancelledException extends RenewalException {
  private static final long serialVersionUID = 1L;

  CancelledException(Details details) {
    super(details);
  }
}
