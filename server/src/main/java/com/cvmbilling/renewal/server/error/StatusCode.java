package com.cvmbilling.renewal.server.error;

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
        ErrorReason.INVALID_PERIOD,
        ErrorReason.INVALID_INSTANCE_ID,
        ErrorReason.TOO_MANY_INSTANCES,
        ErrorReason.DUPLICATE_INSTANCE_ID,
        ErrorReason.INVALID_EXPIRY_DAY,
        ErrorReason.INVALID_BANDWIDTH,
        ErrorReason.INVALID_RENEW_FLAG,
        ErrorReason.INVALID_PAGE_TOKEN,
        ErrorReason.INVALID_CLIENT_TOKEN,
        ErrorReason.INVALID_AMOUNT,
        ErrorReason.IDEMPOTENCY_KEY_REUSED,
        ErrorReason.INVALID_PAGE_SIZE,
        ErrorReason.INVALID_INSTANCE_TYPE,
        ErrorReason.INVALID_CHARGE_TYPE,
        ErrorReason.INVALID_STATE,
        ErrorReason.INVALID_EXPIRED_TIME,
        ErrorReason.INVALID_COUNT,
        ErrorReason.INVALID_TIME_ZONE,
        ErrorReason.INVALID_DISPLAY_NAME,
        ErrorReason.INVALID_ACCOUNT_ID,
        ErrorReason.INVALID_TIME_ADVANCE,
        ErrorReason.INVALID_TIMESTAMP,
        ErrorReason.INVALID_EVENT_ID,
        ErrorReason.MALFORMED_REQUEST,
        ErrorReason.INVALID_HORIZON,
        ErrorReason.INVALID_DISCOUNT,
        ErrorReason.INVALID_EXPIRE_TIME,
        ErrorReason.INVALID_KEY_NAME,
        ErrorReason.INVALID_DESCRIPTION,
        ErrorReason.INVALID_KEY_ID,
        ErrorReason.INVALID_KEY_KIND);
    map(
        NOT_FOUND,
        ErrorReason.INSTANCE_NOT_FOUND,
        ErrorReason.ACCOUNT_NOT_FOUND,
        ErrorReason.API_KEY_NOT_FOUND);
    map(
        FAILED_PRECONDITION,
        ErrorReason.INSUFFICIENT_BALANCE,
        ErrorReason.NOT_PREPAID,
        ErrorReason.INSTANCE_RELEASED,
        ErrorReason.INSTANCE_ISOLATED,
        ErrorReason.PREPAID_NOT_TERMINABLE);
    map(ABORTED, ErrorReason.REQUEST_IN_PROGRESS, ErrorReason.CONCURRENT_MODIFICATION);
    map(
        UNAUTHENTICATED,
        ErrorReason.MISSING_CREDENTIALS,
        ErrorReason.INVALID_CREDENTIALS,
        ErrorReason.API_KEY_EXPIRED,
        ErrorReason.API_KEY_REVOKED);
    map(
        PERMISSION_DENIED,
        ErrorReason.ADMIN_REQUIRED,
        ErrorReason.TENANT_KEY_REQUIRED,
        ErrorReason.OTHER_ACCOUNT,
        ErrorReason.SUPPORT_KEY_READ_ONLY);
    map(RESOURCE_EXHAUSTED, ErrorReason.RATE_LIMITED, ErrorReason.METADATA_TOO_LARGE);
    map(UNAVAILABLE, ErrorReason.DATABASE_UNAVAILABLE);
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
