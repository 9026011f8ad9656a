package com.cvmbilling.renewal.client.error;

/**
 * {@code NOT_FOUND}: an instance or account does not exist (or belongs to another account). Never
 * retried.
 */
public class NotFoundException extends RenewalException {
  private static final long serialVersionUID = 1L;

  NotFoundException(Details details) {
    super(details);
  }
}
