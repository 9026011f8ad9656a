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
    String encoded = trailers.get(STATUS_DETAILS);
    byte[] details = null;
    if (encoded != null) {
      try {
        details = Base64.getDecoder().decode(encoded);
      } catch (IllegalArgumentException e) {
        // built from the code
      }
    }
    return StatusMapping.response(
            googleStatus(ctx, status, details), trailers.get(StatusMapping.REQUEST_ID_HEADER))
        .toHttpResponse();
  }

  /**
   * The {@code google.rpc.Status} an HTTP caller gets for a call that ended with {@code status}:
   * the encoded details the call sent ({@code grpc-status-details-bin}, may be null), with the
   * reading of a client's passed deadline and of a body that did not parse.
   */
  static com.google.rpc.Status googleStatus(
      ServiceRequestContext ctx, Status status, byte[] encodedDetails) {
    if (status.getCode() == Status.Code.CANCELLED && ctx.isTimedOut()) {
      // Armeria cancels the exchange when the client's grpc-timeout passes; for the client that is
      // its deadline, as on the gRPC port.
      status =
          Status.DEADLINE_EXCEEDED.withDescription("the call's deadline (grpc-timeout) passed");
    }
    com.google.rpc.Status details = details(encodedDetails, status);
    String problem = ctx.attr(ProtoJsonMarshaller.JSON_PROBLEM);
    if (problem != null && hasReason(details, ErrorReason.MALFORMED_REQUEST)) {
      details = details.toBuilder().setMessage(bounded(problem)).build();
    }
    return details;
  }

  private static com.google.rpc.Status details(byte[] encoded, Status status) {
    if (encoded != null) {
      try {
        com.google.rpc.Status parsed = com.google.rpc.Status.parseFrom(encoded);
        if (parsed.getCode() == status.getCode().value()) {
          return parsed;
        }
      } catch (InvalidProtocolBufferException e) {
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
