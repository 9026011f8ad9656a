package com.cvmbilling.renewal.server.http;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.grpc.ErrorMapper;
import com.cvmbilling.renewal.v1.ErrorReason;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;

/**
 * Errors that happen before a gRPC call exists: no route, a body that is not JSON at all or is too
 * large, a query parameter that cannot be converted. They get the same JSON {@code
 * google.rpc.Status} body as call errors: a request that cannot be read is {@code
 * INVALID_ARGUMENT}/{@code MALFORMED_REQUEST} with HTTP 400 (also when it is larger than {@code
 * --max-message-size}), an unknown path is 404 and an unknown method on a known path 405 (both
 * without an ErrorInfo: no API error reason names a missing route), headers over {@code
 * --max-metadata-size} are 431 {@code RESOURCE_EXHAUSTED}/{@code METADATA_TOO_LARGE}. Nothing
 * reached a service, so nothing changed.
 */
final class HttpErrors implements ServerErrorHandler {
  private final int maxRequestBytes;
  private final int maxHeaderBytes;

  /**
   * @param maxRequestBytes {@code --max-message-size}, the body limit
   * @param maxHeaderBytes {@code --max-metadata-size}, the header limit
   */
  HttpErrors(int maxRequestBytes, int maxHeaderBytes) {
    this.maxRequestBytes = maxRequestBytes;
    this.maxHeaderBytes = maxHeaderBytes;
  }

  @Override
  public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
    return null; // Armeria's default turns it into an HTTP status, rendered below
  }

  @Override
  public AggregatedHttpResponse renderStatus(
      ServiceRequestContext ctx,
      ServiceConfig config,
      RequestHeaders headers,
      HttpStatus status,
      String description,
      Throwable cause) {
    String requestId = headers == null ? null : headers.get(StatusMapping.REQUEST_ID_HEADER);
    String request =
        headers == null ? "the request" : headers.method() + " " + pathOnly(headers.path());
    if (ctx != null && ctx.isTimedOut()) {
      return plain(
          Status.Code.DEADLINE_EXCEEDED,
          HttpStatus.GATEWAY_TIMEOUT,
          "the call's deadline (grpc-timeout) passed",
          requestId);
    }
    return switch (status.code()) {
      case 400 -> malformed(badRequestMessage(request, description, cause), requestId);
      case 413 ->
          malformed(
              "the request body is larger than "
                  + maxRequestBytes
                  + " bytes (the server's --max-message-size)",
              requestId);
      case 415 ->
          malformed(
              "the HTTP/JSON API takes JSON bodies (Content-Type: application/json); gRPC clients"
                  + " use the gRPC port",
              requestId);
      case 431 -> metadataTooLarge(requestId);
      case 404 -> plain(Status.Code.NOT_FOUND, HttpStatus.NOT_FOUND, "no API at " + request, null);
      case 405 ->
          plain(
              Status.Code.UNIMPLEMENTED,
              HttpStatus.METHOD_NOT_ALLOWED,
              "method not allowed: " + request,
              requestId);
      case 503 -> plain(Status.Code.UNAVAILABLE, status, "the server is shutting down", requestId);
      case 504 -> plain(Status.Code.DEADLINE_EXCEEDED, status, "the request timed out", requestId);
      default ->
          status.code() >= 500
              ? plain(Status.Code.INTERNAL, status, "internal error", requestId)
              : plain(Status.Code.INVALID_ARGUMENT, status, status.reasonPhrase(), requestId);
    };
  }

  private static String badRequestMessage(String request, String description, Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof JsonProcessingException json) {
        var where = json.getLocation();
        return "the body of "
            + request
            + " is not JSON: "
            + json.getOriginalMessage()
            + (where == null
                ? ""
                : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")");
      }
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException && t.getMessage() != null) {
        String m = t.getMessage();
        if (m.startsWith("Missing or invalid content-type")) {
          return "a request body must be JSON: send Content-Type: application/json";
        }
        return "bad request to " + request + ": " + m;
      }
    }
    return "bad request to "
        + request
        + (description == null || description.isBlank() ? "" : ": " + description);
  }

  private static AggregatedHttpResponse malformed(String message, String requestId) {
    com.google.rpc.Status status =
        StatusProto.fromThrowable(
            ErrorMapper.toStatusException(
                ApiException.of(ErrorReason.MALFORMED_REQUEST, message).build()));
    return StatusMapping.response(status, requestId);
  }

  /**
   * The gRPC port's code and reason for oversized metadata, under HTTP's own status for it (RFC
   * 6585), not the 429 of {@code RESOURCE_EXHAUSTED}: 429 tells HTTP clients to wait and retry,
   * while the same headers would be refused again (DESIGN "The transport edge").
   */
  private AggregatedHttpResponse metadataTooLarge(String requestId) {
    com.google.rpc.Status status =
        StatusProto.fromThrowable(
            ErrorMapper.toStatusException(
                ApiException.of(
                        ErrorReason.METADATA_TOO_LARGE,
                        "the request headers are larger than the server accepts ("
                            + maxHeaderBytes
                            + " bytes, the server's --max-metadata-size)")
                    .meta("limitBytes", Integer.toString(maxHeaderBytes))
                    .build()));
    return withStatus(
        StatusMapping.response(status, requestId), HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
  }

  private static AggregatedHttpResponse plain(
      Status.Code code, HttpStatus http, String message, String requestId) {
    return withStatus(
        StatusMapping.response(
            com.google.rpc.Status.newBuilder()
                .setCode(code.value())
                .setMessage(GrpcErrorResponses.bounded(message))
                .build(),
            requestId),
        http);
  }

  /** {@code r} under the HTTP status {@code http}, body and other headers unchanged. */
  private static AggregatedHttpResponse withStatus(AggregatedHttpResponse r, HttpStatus http) {
    return http.equals(r.status())
        ? r
        : AggregatedHttpResponse.of(r.headers().toBuilder().status(http).build(), r.content());
  }

  private static String pathOnly(String path) {
    int q = path.indexOf('?');
    String p = q < 0 ? path : path.substring(0, q);
    return p.length() > 200 ? p.substring(0, 197) + "..." : p;
  }
}
