package com.cvmbilling.renewal.client.error;

/**
 * {@code UNIMPLEMENTED}: the server does not serve this RPC (e.g. TestClockService without a test
 * clock).
 */
public class UnimplementedException extends RenewalException {
  private static final long serialVersionUID = 1L;

  UnimplementedException(Details details) {
    super(details);
  }
}
