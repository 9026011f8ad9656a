package com.cvmbilling.renewal.client.error;

/**
 * {@code NOT_FOUND}/{@code INSTANCE_NOT_FOUND}: {@link #instanceIds()} names every unknown
 * instance.
 */
public class InstanceNotFoundException extends NotFoundException {
  private static final long serialVersionUID = 1L;

  InstanceNotFoundException(Details details) {
    super(details);
  }
}
