package com.cvmbilling.renewal.client.error;

/**
 * {@code FAILED_PRECONDITION}/{@code INSTANCE_ISOLATED}: the call does not apply to isolated
 * instances (see {@link #instanceIds()}).
 */
public class InstanceIsolatedException extends FailedPreconditionException {
  private static final long serialVersionUID = 1L;

  InstanceIsolatedException(Details details) {
    super(details);
  }
}
