package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.error.FieldViolation;
import com.cvmbilling.renewal.server.persistence.Transactions;
import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become gRPC statuses: a {@code google.rpc.Status} with an
 * {@code ErrorInfo} (reason, domain, metadata) and, for a wrong field, a {@code BadRequest}.
 * Anything unexpected is INTERNAL with a generic message; its detail goes to the log only.
 */
public final class ErrorMapper {
  public static final String ERROR_DOMAIN = "renewal.cvmbilling.com";
  private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

  private ErrorMapper() {}

  public static StatusRuntimeException toStatusException(Throwable failure) {
    if (failure instanceof StatusRuntimeException sre) {
      return sre;
    }
    Throwable translated =
        failure instanceof RuntimeException re ? Transactions.translate(re) : failure;
    if (translated instanceof ApiException api) {
      return StatusProto.toStatusRuntimeException(toStatus(api));
    }
    log.error("unexpected failure", failure);
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(Code.INTERNAL_VALUE)
            .setMessage("internal error")
            .build());
  }

  static com.google.rpc.Status toStatus(ApiException api) {
    com.google.rpc.Status.Builder status =
        com.google.rpc.Status.newBuilder()
            .setCode(Code.valueOf(api.code().name()).getNumber())
            .setMessage(api.getMessage())
            .addDetails(
                Any.pack(
                    ErrorInfo.newBuilder()
                        .setReason(api.reason().name())
                        .setDomain(ERROR_DOMAIN)
                        .putAllMetadata(api.metadata())
                        .build()));
    if (!api.fieldViolations().isEmpty()) {
      BadRequest.Builder badRequest = BadRequest.newBuilder();
      for (FieldViolation v : api.fieldViolations()) {
        badRequest.addFieldViolations(
            BadRequest.FieldViolation.newBuilder().setField(v.field()).setDescription(v.description()));
      }
      status.addDetails(Any.pack(badRequest.build()));
    }
    return status.build();
  }
}
