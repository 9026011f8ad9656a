package com.cvmbilling.renewal.client.error;

/** {@code NOT_FOUND}/{@code ACCOUNT_NOT_FOUND}. */
public class AccountNotFoundException extends NotFoundException {
  private static final long serialVersionUID = 1L;

  AccountNotFoundException(Details details) {
    super(details);
  }
}
