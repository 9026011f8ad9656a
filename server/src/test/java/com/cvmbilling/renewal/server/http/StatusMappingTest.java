package com.cvmbilling.renewal.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.grpc.ErrorMapper;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.ErrorReason;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gRPC code to HTTP status table (google.rpc.Code) for every code, and for every error reason
 * of the API its HTTP status and a JSON body that reads back as the same google.rpc.Status.
 */
@Tier.Unit
class StatusMappingTest {
  private static final Map<Status.Code, Integer> GOOGLE =
      Map.ofEntries(
          Map.entry(Status.Code.OK, 200),
          Map.entry(Status.Code.CANCELLED, 499),
          Map.entry(Status.Code.UNKNOWN, 500),
          Map.entry(Status.Code.INVALID_ARGUMENT, 400),
          Map.entry(Status.Code.DEADLINE_EXCEEDED, 504),
          Map.entry(Status.Code.NOT_FOUND, 404),
          Map.entry(Status.Code.ALREADY_EXISTS, 409),
          Map.entry(Status.Code.PERMISSION_DENIED, 403),
          Map.entry(Status.Code.RESOURCE_EXHAUSTED, 429),
          Map.entry(Status.Code.FAILED_PRECONDITION, 400),
          Map.entry(Status.Code.ABORTED, 409),
          Map.entry(Status.Code.OUT_OF_RANGE, 400),
          Map.entry(Status.Code.UNIMPLEMENTED, 501),
          Map.entry(Status.Code.INTERNAL, 500),
          Map.entry(Status.Code.UNAVAILABLE, 503),
          Map.entry(Status.Code.DATA_LOSS, 500),
          Map.entry(Status.Code.UNAUTHENTICATED, 401));

  @Test
  void everyGrpcCodeHasGooglesHttpStatus() {
    assertThat(GOOGLE).hasSize(Status.Code.values().length);
    for (Status.Code code : Status.Code.values()) {
      assertThat(StatusMapping.httpStatus(code).code()).as(code.name()).isEqualTo(GOOGLE.get(code));
    }
  }

  static Stream<ErrorReason> reasons() {
    return Arrays.stream(ErrorReason.values())
        .filter(r -> r != ErrorReason.ERROR_REASON_UNSPECIFIED && r != ErrorReason.UNRECOGNIZED);
  }

  @ParameterizedTest
  @MethodSource("reasons")
  void everyErrorReasonBecomesItsHttpStatusAndTheSameStatusAsJson(ErrorReason reason)
      throws Exception {
    com.google.rpc.Status status =
        StatusProto.fromThrowable(
            ErrorMapper.toStatusException(
                ApiException.of(reason, "because").field("some_field", "is wrong").build()));
    Status.Code code = Status.fromCodeValue(status.getCode()).getCode();
    AggregatedHttpResponse response = StatusMapping.response(status, "req-1");
    assertThat(response.status().code()).isEqualTo(GOOGLE.get(code));
    assertThat(response.status().code()).isBetween(400, 599);
    assertThat(response.headers().get("x-request-id")).isEqualTo("req-1");
    com.google.rpc.Status.Builder back = com.google.rpc.Status.newBuilder();
    Http.STATUS_PARSER.merge(response.contentUtf8(), back);
    assertThat(back.build()).isEqualTo(status);
    assertThat(response.contentUtf8()).contains("\"reason\": \"" + reason.name() + "\"");
  }
}
