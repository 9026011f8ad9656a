package com.cvmbilling.renewal.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on the google.rpc.Status of a failed call. */
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
}
