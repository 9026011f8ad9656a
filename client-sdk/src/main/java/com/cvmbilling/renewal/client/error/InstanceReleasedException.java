package com.cvmbilling.renewal.client.error;

/**
 * {@code FAILED_PRECONDITION}/{@code INSTANCE_RELEASED}: released instances (see {@link
 * #instanceIds()}) can no longer be changed.
 */
public class InstanceReleasedException extends FailedPreconditionException {
  private static final long serialVersionUID = 1L;

  InstanceReleasedException(Details details) {
    super(details);
  }
}
