package com.cvmbilling.renewal.client.error;

/**
 * {@code FAILED_PRECONDITION}/{@code INSUFFICIENT_BALANCE}: the balance does not cover the charge.
 * Nothing was charged.
 */
public class InsufficientBalanceException extends FailedPreconditionException {
  private static final long serialVersionUID = 1L;

  InsufficientBalanceException(Details details) {
    super(details);
  }
}
