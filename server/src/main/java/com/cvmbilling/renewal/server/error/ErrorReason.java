package com.cvmbilling.renewal.server.error;

/**
 * The stable reasons of SPEC section 7 (plus a few this service adds), each with the gRPC status
 * code it is reported under. The names are public API: clients switch on them.
 */
public enum ErrorReason {
  INVALID_PERIOD(StatusCode.INVALID_ARGUMENT),
  INVALID_INSTANCE_ID(StatusCode.INVALID_ARGUMENT),
  TOO_MANY_INSTANCES(StatusCode.INVALID_ARGUMENT),
  DUPLICATE_INSTANCE_ID(StatusCode.INVALID_ARGUMENT),
  INVALID_EXPIRY_DAY(StatusCode.INVALID_ARGUMENT),
  INVALID_BANDWIDTH(StatusCode.INVALID_ARGUMENT),
  INVALID_RENEW_FLAG(StatusCode.INVALID_ARGUMENT),
  INVALID_PAGE_TOKEN(StatusCode.INVALID_ARGUMENT),
  INVALID_CLIENT_TOKEN(StatusCode.INVALID_ARGUMENT),
  INVALID_AMOUNT(StatusCode.INVALID_ARGUMENT),
  IDEMPOTENCY_KEY_REUSED(StatusCode.INVALID_ARGUMENT),
  // Added by this service (not in SPEC section 7): fields the SPEC's list does not cover.
  INVALID_PAGE_SIZE(StatusCode.INVALID_ARGUMENT),
  INVALID_INSTANCE_TYPE(StatusCode.INVALID_ARGUMENT),
  INVALID_CHARGE_TYPE(StatusCode.INVALID_ARGUMENT),
  INVALID_STATE(StatusCode.INVALID_ARGUMENT),
  INVALID_EXPIRED_TIME(StatusCode.INVALID_ARGUMENT),
  INVALID_COUNT(StatusCode.INVALID_ARGUMENT),
  INVALID_TIME_ZONE(StatusCode.INVALID_ARGUMENT),
  INVALID_DISPLAY_NAME(StatusCode.INVALID_ARGUMENT),
  INVALID_ACCOUNT_ID(StatusCode.INVALID_ARGUMENT),
  INVALID_TIME_ADVANCE(StatusCode.INVALID_ARGUMENT),
  INVALID_TIMESTAMP(StatusCode.INVALID_ARGUMENT),
  INVALID_EVENT_ID(StatusCode.INVALID_ARGUMENT),
  // Added: the request bytes are not a valid encoding of the method's request message
  // (truncated, wrong wire types, invalid UTF-8 in a string field, ...).
  MALFORMED_REQUEST(StatusCode.INVALID_ARGUMENT),

  INSTANCE_NOT_FOUND(StatusCode.NOT_FOUND),
  ACCOUNT_NOT_FOUND(StatusCode.NOT_FOUND),

  INSUFFICIENT_BALANCE(StatusCode.FAILED_PRECONDITION),
  NOT_PREPAID(StatusCode.FAILED_PRECONDITION),
  INSTANCE_RELEASED(StatusCode.FAILED_PRECONDITION),
  INSTANCE_ISOLATED(StatusCode.FAILED_PRECONDITION),
  PREPAID_NOT_TERMINABLE(StatusCode.FAILED_PRECONDITION),

  REQUEST_IN_PROGRESS(StatusCode.ABORTED),
  CONCURRENT_MODIFICATION(StatusCode.ABORTED),

  MISSING_CREDENTIALS(StatusCode.UNAUTHENTICATED),
  INVALID_CREDENTIALS(StatusCode.UNAUTHENTICATED),

  ADMIN_REQUIRED(StatusCode.PERMISSION_DENIED),
  // Added: an admin key has no account, so it cannot call the tenant API.
  TENANT_KEY_REQUIRED(StatusCode.PERMISSION_DENIED),

  // Added: the account (or admin key) sent more calls than its rate limit allows; the status
  // carries a google.rpc.RetryInfo saying when to try again.
  RATE_LIMITED(StatusCode.RESOURCE_EXHAUSTED),

  // Infrastructure: the database cannot be reached right now; safe to retry.
  DATABASE_UNAVAILABLE(StatusCode.UNAVAILABLE),
  // Added: the call's deadline (or the server's per-statement limit) ran out during its
  // database work; the work was rolled back.
  DEADLINE_EXCEEDED(StatusCode.DEADLINE_EXCEEDED);

  private final StatusCode code;

  ErrorReason(StatusCode code) {
    this.code = code;
  }

  public StatusCode code() {
    return code;
  }
}
