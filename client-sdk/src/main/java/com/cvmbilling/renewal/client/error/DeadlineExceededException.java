package com.cvmbilling.renewal.client.error;

/**
 * {@code DEADLINE_EXCEEDED}: the call (all its attempts together) took longer than its deadline. A
 * mutating call may have been carried out: repeat it with the same {@link #clientToken()} to find
 * out, safely.
 */
public class DeadlineExceededException extends RenewalException {
  private static final long serialVersionUID = 1L;

  DeadlineExceededException(Details details) {
    super(details);
  }
}
