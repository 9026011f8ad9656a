package com.cvmbilling.renewal.server.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.error.FieldViolation;
import com.cvmbilling.renewal.server.error.StatusCode;
import com.cvmbilling.renewal.v1.ErrorReason;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Test helper: run a call that must fail with an {@link ApiException} and check its shape. */
final class ApiErrors {
  private ApiErrors() {}

  /** The ApiException thrown by {@code call}; fails if none (or another type) is thrown. */
  static ApiException catchApi(ThrowingCallable call) {
    ApiException e = catchThrowableOfType(ApiException.class, call);
    assertThat(e).as("expected an ApiException").isNotNull();
    return e;
  }

  /**
   * The ApiException thrown by {@code call}, checked to have {@code reason}, status
   * INVALID_ARGUMENT and exactly one field violation, on {@code field}.
   */
  static ApiException expectBadField(ThrowingCallable call, ErrorReason reason, String field) {
    ApiException e = catchApi(call);
    assertThat(e.reason()).isEqualTo(reason);
    assertThat(e.code()).isEqualTo(StatusCode.INVALID_ARGUMENT);
    assertThat(e.fieldViolations()).extracting(FieldViolation::field).containsExactly(field);
    assertThat(e.getMessage()).isNotBlank();
    assertThat(e.fieldViolations().get(0).description()).isNotBlank();
    return e;
  }
}
