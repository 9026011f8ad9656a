package com.cvmbilling.renewal.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.error.ErrorReason;
import com.cvmbilling.renewal.server.error.FieldViolation;
import com.cvmbilling.renewal.server.error.StatusCode;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * Assertions on errors: the google.rpc.Status of a failed gRPC call, and the {@link ApiException}
 * thrown below the gRPC layer (domain and service code).
 */
public final class Errors {
  private Errors() {}

  /**
   * Runs the call, asserts it failed with this code and ErrorInfo reason, returns the ErrorInfo.
   */
  public static ErrorInfo assertError(Status.Code code, String reason, ThrowingCallable call) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call);
    assertThat(e).as("expected the call to fail with %s/%s", code, reason).isNotNull();
    assertThat(e.getStatus().getCode()).as("status code (%s)", e.getStatus()).isEqualTo(code);
    ErrorInfo info = errorInfo(e);
    assertThat(info.getReason()).isEqualTo(reason);
    assertThat(info.getDomain()).isEqualTo("renewal.cvmbilling.com");
    return info;
  }

  public static ErrorInfo errorInfo(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    assertThat(status).as("status details of %s", e.getStatus()).isNotNull();
    try {
      for (Any detail : status.getDetailsList()) {
        if (detail.is(ErrorInfo.class)) {
          return detail.unpack(ErrorInfo.class);
        }
      }
    } catch (InvalidProtocolBufferException ex) {
      throw new AssertionError(ex);
    }
    throw new AssertionError("no ErrorInfo in " + status);
  }

  public static BadRequest badRequest(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    try {
      for (Any detail : status.getDetailsList()) {
        if (detail.is(BadRequest.class)) {
          return detail.unpack(BadRequest.class);
        }
      }
    } catch (InvalidProtocolBufferException ex) {
      throw new AssertionError(ex);
    }
    return null;
  }

  /** The ApiException thrown by {@code call}; fails if none (or another type) is thrown. */
  public static ApiException catchApi(ThrowingCallable call) {
    ApiException e = catchThrowableOfType(ApiException.class, call);
    assertThat(e).as("expected an ApiException").isNotNull();
    return e;
  }

  /**
   * The ApiException thrown by {@code call}, checked to have {@code reason}, status
   * INVALID_ARGUMENT and exactly one field violation, on {@code field}.
   */
  public static ApiException expectBadField(
      ThrowingCallable call, ErrorReason reason, String field) {
    ApiException e = catchApi(call);
    assertThat(e.reason()).isEqualTo(reason);
    assertThat(e.code()).isEqualTo(StatusCode.INVALID_ARGUMENT);
    assertThat(e.fieldViolations()).extracting(FieldViolation::field).containsExactly(field);
    assertThat(e.getMessage()).isNotBlank();
    assertThat(e.fieldViolations().get(0).description()).isNotBlank();
    return e;
  }
}
