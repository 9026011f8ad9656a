package com.cvmbilling.renewal.client.error;

/**
 * The canonical status codes of a call ({@code google.rpc.Code}), as the SDK's own type: the same
 * constants, names and numbers as gRPC's {@code io.grpc.Status.Code}, so that the SDK's API does
 * not expose gRPC types (see {@link RenewalException#statusCode()} and {@code
 * RetrySettings.retryableCodes()}).
 */
public enum StatusCode {
  OK(0),
  CANCELLED(1),
  UNKNOWN(2),
  INVALID_ARGUMENT(3),
  DEADLINE_EXCEEDED(4),
  NOT_FOUND(5),
  ALREADY_EXISTS(6),
  PERMISSION_DENIED(7),
  RESOURCE_EXHAUSTED(8),
  FAILED_PRECONDITION(9),
  ABORTED(10),
  OUT_OF_RANGE(11),
  UNIMPLEMENTED(12),
  INTERNAL(13),
  UNAVAILABLE(14),
  DATA_LOSS(15),
  UNAUTHENTICATED(16);

  private static final StatusCode[] BY_VALUE = values();

  private final int value;

  StatusCode(int value) {
    this.value = value;
  }

  /** The code's number on the wire ({@code grpc-status}, {@code google.rpc.Status.code}). */
  public int value() {
    return value;
  }

  /**
   * The code with this number; {@link #UNKNOWN} for a number that is not a canonical code.
   *
   * @param value a {@code grpc-status} or {@code google.rpc.Status.code} number
   * @return the code; never null
   */
  public static StatusCode fromValue(int value) {
    return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : UNKNOWN;
  }

  /** The SDK code of a gRPC code (same name); package-private so that gRPC stays out of the API. */
  static StatusCode of(io.grpc.Status.Code code) {
    return fromValue(code.value());
  }
}
