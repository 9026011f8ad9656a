package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.error.FieldViolation;
import com.cvmbilling.renewal.v1.ErrorReasonProto;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RequestInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become gRPC statuses: a {@code google.rpc.Status} with an {@code
 * ErrorInfo} (reason, domain, metadata), for a wrong field a {@code BadRequest}, for a rate limit a
 * {@code RetryInfo}, and on every failed call (added as the status leaves the server, see {@link
 * #withRequestInfo}) a {@code RequestInfo} carrying the request id. Anything unexpected is INTERNAL
 * with a generic message; its detail goes to the log only.
 */
public final class ErrorMapper {
  /** Ends {@code call} with the status of {@code failure}, its details in the trailers. */
  public static void closeCall(ServerCall<?, ?> call, Throwable failure) {
    StatusRuntimeException mapped = toStatusException(failure);
    Metadata trailers = Status.trailersFromThrowable(mapped);
    call.close(mapped.getStatus(), trailers == null ? new Metadata() : trailers);
  }

  /** The ErrorInfo domain, declared once in {@code error_reason.proto}. */
  public static final String ERROR_DOMAIN =
      ErrorReasonProto.getDescriptor().getOptions().getExtension(ErrorReasonProto.errorDomain);

  private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);
  private static final Metadata.Key<com.google.rpc.Status> STATUS_DETAILS_KEY =
      Metadata.Key.of(
          "grpc-status-details-bin",
          ProtoUtils.metadataMarshaller(com.google.rpc.Status.getDefaultInstance()));

  private ErrorMapper() {}

  public static StatusRuntimeException toStatusException(Throwable failure) {
    if (failure instanceof StatusRuntimeException sre) {
      return sre;
    }
    // Database failures were classified below (persistence); here only API errors remain.
    ApiException api = ApiException.find(failure);
    if (api != null) {
      return StatusProto.toStatusRuntimeException(toStatus(api));
    }
    log.error("unexpected failure", failure);
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(Code.INTERNAL_VALUE)
            .setMessage("internal error")
            .build());
  }

  /**
   * Bounds on what an error echoes, so that a status with its details always fits the 8 KiB of
   * response metadata a gRPC client accepts by default, whatever the request held (a client that
   * cannot read the trailers sees INTERNAL, and grpc-java drops the whole connection).
   */
  static final int MAX_MESSAGE_CHARS = 512;

  static final int MAX_METADATA_VALUE_CHARS = 2048;
  static final int MAX_METADATA_TOTAL_CHARS = 3072;

  static com.google.rpc.Status toStatus(ApiException api) {
    ErrorInfo.Builder info =
        ErrorInfo.newBuilder().setReason(api.reason().name()).setDomain(ERROR_DOMAIN);
    int budget = MAX_METADATA_TOTAL_CHARS;
    for (java.util.Map.Entry<String, String> m : api.metadata().entrySet()) {
      String value = bounded(m.getValue(), Math.min(MAX_METADATA_VALUE_CHARS, Math.max(budget, 0)));
      budget -= value.length();
      info.putMetadata(m.getKey(), value);
    }
    com.google.rpc.Status.Builder status =
        com.google.rpc.Status.newBuilder()
            .setCode(Code.valueOf(api.code().name()).getNumber())
            .setMessage(bounded(api.getMessage(), MAX_MESSAGE_CHARS))
            .addDetails(Any.pack(info.build()));
    if (!api.fieldViolations().isEmpty()) {
      BadRequest.Builder badRequest = BadRequest.newBuilder();
      for (FieldViolation v : api.fieldViolations()) {
        badRequest.addFieldViolations(
            BadRequest.FieldViolation.newBuilder()
                .setField(bounded(v.field(), 128))
                .setDescription(bounded(v.description(), MAX_MESSAGE_CHARS)));
      }
      status.addDetails(Any.pack(badRequest.build()));
    }
    Duration retry = api.retryDelay();
    if (retry != null) {
      status.addDetails(
          Any.pack(
              RetryInfo.newBuilder()
                  .setRetryDelay(
                      com.google.protobuf.Duration.newBuilder()
                          .setSeconds(retry.getSeconds())
                          .setNanos(retry.getNano()))
                  .build()));
    }
    return status.build();
  }

  /**
   * Adds a {@code RequestInfo} with the call's request id to the {@code google.rpc.Status} in the
   * trailers of a failed call (creating one from the gRPC status when there is none, e.g. for
   * statuses grpc-java produced itself). Called once per call, as the status leaves the server; a
   * status that already has a RequestInfo is left alone.
   */
  public static Metadata withRequestInfo(Status status, Metadata trailers, String requestId) {
    if (status.isOk() || requestId == null) {
      return trailers;
    }
    com.google.rpc.Status details = null;
    try {
      details = trailers.get(STATUS_DETAILS_KEY);
    } catch (RuntimeException unreadable) {
      // replaced below
    }
    if (details == null) {
      details =
          com.google.rpc.Status.newBuilder()
              .setCode(status.getCode().value())
              .setMessage(bounded(status.getDescription(), MAX_MESSAGE_CHARS))
              .build();
    }
    for (Any d : details.getDetailsList()) {
      if (d.is(RequestInfo.class)) {
        return trailers;
      }
    }
    trailers.removeAll(STATUS_DETAILS_KEY);
    trailers.put(
        STATUS_DETAILS_KEY,
        details.toBuilder()
            .addDetails(Any.pack(RequestInfo.newBuilder().setRequestId(requestId).build()))
            .build());
    return trailers;
  }

  /** At most {@code max} characters; a cut value ends in "...". */
  static String bounded(String s, int max) {
    if (s == null) {
      return "";
    }
    if (s.length() <= max) {
      return s;
    }
    return max <= 3 ? "" : s.substring(0, max - 3) + "...";
  }

  /** The ErrorInfo reason in a failed call's trailers, or null. */
  static String reasonOf(Metadata trailers) {
    try {
      com.google.rpc.Status details = trailers.get(STATUS_DETAILS_KEY);
      if (details != null) {
        for (Any d : details.getDetailsList()) {
          if (d.is(ErrorInfo.class)) {
            return d.unpack(ErrorInfo.class).getReason();
          }
        }
      }
    } catch (RuntimeException | InvalidProtocolBufferException e) {
      // no reason to report
    }
    return null;
  }
}
