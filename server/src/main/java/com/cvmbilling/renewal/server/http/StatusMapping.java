package com.cvmbilling.renewal.server.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.ErrorDetailsProto;
import com.google.rpc.RetryInfo;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import io.grpc.Status;

/**
 * The one table from a gRPC status code to its HTTP status (google.rpc.Code, as AIP-193 and
 * Google's HTTP/JSON APIs use it), and the HTTP error response: that status with the call's {@code
 * google.rpc.Status} as JSON (proto3 mapping; details as {@code @type}d {@code Any}s).
 */
final class StatusMapping {
  static final String REQUEST_ID_HEADER = "x-request-id";

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer()
          .usingTypeRegistry(
              JsonFormat.TypeRegistry.newBuilder()
                  .add(ErrorDetailsProto.getDescriptor().getMessageTypes())
                  .build())
          .omittingInsignificantWhitespace();

  private StatusMapping() {}

  /** The HTTP status of a gRPC code (google/rpc/code.proto lists it for each code). */
  static HttpStatus httpStatus(Status.Code code) {
    return switch (code) {
      case OK -> HttpStatus.OK;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> HttpStatus.BAD_REQUEST;
      case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
      case PERMISSION_DENIED -> HttpStatus.FORBIDDEN;
      case NOT_FOUND -> HttpStatus.NOT_FOUND;
      case ALREADY_EXISTS, ABORTED -> HttpStatus.CONFLICT;
      case RESOURCE_EXHAUSTED -> HttpStatus.TOO_MANY_REQUESTS;
      case CANCELLED -> HttpStatus.valueOf(499); // "client closed request"
      case UNIMPLEMENTED -> HttpStatus.NOT_IMPLEMENTED;
      case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
      case DEADLINE_EXCEEDED -> HttpStatus.GATEWAY_TIMEOUT;
      case UNKNOWN, INTERNAL, DATA_LOSS -> HttpStatus.INTERNAL_SERVER_ERROR;
    };
  }

  /**
   * The error response for {@code status}: its code's HTTP status, the JSON body, {@code
   * x-request-id} when the call had one, and {@code Retry-After} (whole seconds) when the status
   * carries a {@code RetryInfo}.
   */
  static AggregatedHttpResponse response(com.google.rpc.Status status, String requestId) {
    HttpStatus http = httpStatus(Status.fromCodeValue(status.getCode()).getCode());
    ResponseHeadersBuilder headers =
        ResponseHeaders.builder(http).contentType(MediaType.JSON_UTF_8);
    if (requestId != null && !requestId.isEmpty()) {
      headers.set(REQUEST_ID_HEADER, requestId);
    }
    status.getDetailsList().stream()
        .filter(d -> d.is(RetryInfo.class))
        .findFirst()
        .ifPresent(
            d -> {
              try {
                com.google.protobuf.Duration delay = d.unpack(RetryInfo.class).getRetryDelay();
                long seconds = delay.getSeconds() + (delay.getNanos() > 0 ? 1 : 0);
                headers.set("retry-after", Long.toString(Math.max(1, seconds)));
              } catch (InvalidProtocolBufferException e) {
                // no Retry-After
              }
            });
    return AggregatedHttpResponse.of(
        headers.build(), com.linecorp.armeria.common.HttpData.ofUtf8(json(status)));
  }

  /** {@code status} in the proto3 JSON mapping; details of an unknown type are left out. */
  static String json(com.google.rpc.Status status) {
    return JsonText.indent(compactJson(status));
  }

  /** {@link #json} on one line (a Server-Sent Event's data). */
  static String compactJson(com.google.rpc.Status status) {
    try {
      return PRINTER.print(status);
    } catch (InvalidProtocolBufferException e) {
      try {
        return PRINTER.print(status.toBuilder().clearDetails());
      } catch (InvalidProtocolBufferException impossible) {
        return "{\"code\":" + status.getCode() + "}";
      }
    }
  }
}
