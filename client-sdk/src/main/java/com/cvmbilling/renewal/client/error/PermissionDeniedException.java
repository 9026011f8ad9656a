package com.cvmbilling.renewal.client.error;

/**
 * {@code PERMISSION_DENIED}: the key may not call this service (e.g. a tenant key on the admin
 * API).
 */
public class PermissionDeniedException extends RenewalException {
  private static final long serialVersionUID = 1L;

  PermissionDeniedException(Details details) {
    super(details);
  }
}
