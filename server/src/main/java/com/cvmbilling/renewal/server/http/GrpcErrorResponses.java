package com.cvmbilling.renewal.server.http;

import com.cvmbilling.renewal.v1.ErrorReason;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.grpc.UnframedGrpcErrorHandler;
import io.grpc.Status;
import java.util.Base64;

/**
 * A failed call as HTTP: the status of its gRPC code ({@link StatusMapping}) and, as the JSON body,
 * the very {@code google.rpc.Status} the gRPC port would send in {@code grpc-status-details-bin}
 * (code, message, ErrorInfo, BadRequest, RetryInfo, RequestInfo). A status without details (one the
 * transport made itself) gets a body from its code and description.
 */
final class GrpcErrorResponses implements UnframedGrpcErrorHandler {
  private static final String STATUS_DETAILS = "grpc-status-details-bin";
  private static final int MAX_MESSAGE_CHARS = 512;

  @Override
  public HttpResponse handle(
      ServiceRequestContext ctx, Status status, AggregatedHttpResponse response) {
    HttpHeaders trailers = response.trailers().isEmpty() ? response.headers() : response.trailers();
    if (status.getCode() == Status.Code.CANCELLED && ctx.isTimedOut()) {
      // Armeria cancels the exchange when the client's grpc-timeout passes; for the client that is
      // its deadline, as on the gRPC port.
      status =
          Status.DEADLINE_EXCEEDED.withDescription("the call's deadline (grpc-timeout) passed");
    }
    com.google.rpc.Status details = details(trailers.get(STATUS_DETAILS), status);
    String problem = ctx.attr(ProtoJsonMarshaller.JSON_PROBLEM);
    if (problem != null && hasReason(details, ErrorReason.MALFORMED_REQUEST)) {
      details = details.toBuilder().setMessage(bounded(problem)).build();
    }
    return StatusMapping.response(details, trailers.get(StatusMapping.REQUEST_ID_HEADER))
        .toHttpResponse();
  }

  private static com.google.rpc.Status details(String encoded, Status status) {
    if (encoded != null) {
      try {
        com.google.rpc.Status parsed =
            com.google.rpc.Status.parseFrom(Base64.getDecoder().decode(encoded));
        if (parsed.getCode() == status.getCode().value()) {
          return parsed;
        }
      } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
        // fall through: built from the code
      }
    }
    return com.google.rpc.Status.newBuilder()
        .setCode(status.getCode().value())
        .setMessage(
            status.getCode() == Status.Code.INTERNAL || status.getCode() == Status.Code.UNKNOWN
                ? "internal error"
                : bounded(status.getDescription() == null ? "" : status.getDescription()))
        .build();
  }

  static boolean hasReason(com.google.rpc.Status status, ErrorReason reason) {
    for (Any d : status.getDetailsList()) {
      if (d.is(ErrorInfo.class)) {
        try {
          return d.unpack(ErrorInfo.class).getReason().equals(reason.name());
        } catch (InvalidProtocolBufferException e) {
          return false;
        }
      }
    }
    return false;
  }

  static String bounded(String s) {
    return s.length() <= MAX_MESSAGE_CHARS ? s : s.substring(0, MAX_MESSAGE_CHARS - 3) + "...";
  }
}
