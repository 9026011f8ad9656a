package com.cvmbilling.renewal.server.error;

import static com.cvmbilling.renewal.v1.ErrorReason.*;

import com.cvmbilling.renewal.v1.ErrorReason;
import java.util.EnumMap;
import java.util.Map;

/**
 * The canonical status codes this service reports, and the one table saying which code each error
 * reason (declared in {@code cvm/renewal/v1/error_reason.proto}) is reported under. Kept
 * independent of grpc-java so that the domain and service layers need no transport classes; the
 * gRPC layer maps the codes one to one.
 */
public enum StatusCode {
  INVALID_ARGUMENT,
  NOT_FOUND,
  FAILED_PRECONDITION,
  ABORTED,
  UNAUTHENTICATED,
  PERMISSION_DENIED,
  RESOURCE_EXHAUSTED,
  UNAVAILABLE,
  DEADLINE_EXCEEDED;

  private static final Map<ErrorReason, StatusCode> BY_REASON = new EnumMap<>(ErrorReason.class);

  static {
    map(
        INVALID_ARGUMENT,
        INVALID_PERIOD,
        INVALID_INSTANCE_ID,
        TOO_MANY_INSTANCES,
        DUPLICATE_INSTANCE_ID,
        INVALID_EXPIRY_DAY,
        INVALID_BANDWIDTH,
        INVALID_RENEW_FLAG,
        INVALID_PAGE_TOKEN,
        INVALID_CLIENT_TOKEN,
        INVALID_AMOUNT,
        IDEMPOTENCY_KEY_REUSED,
        INVALID_PAGE_SIZE,
        INVALID_INSTANCE_TYPE,
        INVALID_CHARGE_TYPE,
        INVALID_STATE,
        INVALID_EXPIRED_TIME,
        INVALID_COUNT,
        INVALID_TIME_ZONE,
        INVALID_DISPLAY_NAME,
        INVALID_ACCOUNT_ID,
        INVALID_TIME_ADVANCE,
        INVALID_TIMESTAMP,
        INVALID_EVENT_ID,
        MALFORMED_REQUEST);
    map(NOT_FOUND, INSTANCE_NOT_FOUND, ACCOUNT_NOT_FOUND);
    map(
        FAILED_PRECONDITION,
        INSUFFICIENT_BALANCE,
        NOT_PREPAID,
        INSTANCE_RELEASED,
        INSTANCE_ISOLATED,
        PREPAID_NOT_TERMINABLE);
    map(ABORTED, REQUEST_IN_PROGRESS, CONCURRENT_MODIFICATION);
    map(UNAUTHENTICATED, MISSING_CREDENTIALS, INVALID_CREDENTIALS);
    map(PERMISSION_DENIED, ADMIN_REQUIRED, TENANT_KEY_REQUIRED);
    map(RESOURCE_EXHAUSTED, RATE_LIMITED);
    map(UNAVAILABLE, DATABASE_UNAVAILABLE);
    map(DEADLINE_EXCEEDED, ErrorReason.DEADLINE_EXCEEDED);
  }

  private static void map(StatusCode code, ErrorReason... reasons) {
    for (ErrorReason reason : reasons) {
      if (BY_REASON.put(reason, code) != null) {
        throw new IllegalStateException(reason + " is mapped twice");
      }
    }
  }

  /**
   * The code {@code reason} is reported under.
   *
   * @throws IllegalArgumentException for a reason without a code (e.g. {@code
   *     ERROR_REASON_UNSPECIFIED}): never sent
   */
  public static StatusCode of(ErrorReason reason) {
    StatusCode code = BY_REASON.get(reason);
    if (code == null) {
      throw new IllegalArgumentException("no status code for error reason " + reason);
    }
    return code;
  }
}
