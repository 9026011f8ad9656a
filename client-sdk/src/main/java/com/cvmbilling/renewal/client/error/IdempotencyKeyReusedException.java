package com.cvmbilling.renewal.client.error;

/**
 * {@code INVALID_ARGUMENT}/{@code IDEMPOTENCY_KEY_REUSED}: the client token was already used for a
 * different request.
 */
public class IdempotencyKeyReusedException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  IdempotencyKeyReusedException(Details details) {
    super(details);
  }
}
