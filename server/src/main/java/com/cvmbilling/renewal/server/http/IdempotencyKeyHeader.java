package com.cvmbilling.renewal.server.http;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.grpc.ErrorMapper;
import com.cvmbilling.renewal.v1.ErrorReason;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * The HTTP {@code Idempotency-Key} header as the request's {@code client_token}: a request of a
 * method that takes a {@code client_token} and has none in its body gets the header's value; a body
 * whose {@code client_token} differs from the header is {@code INVALID_ARGUMENT}/{@code
 * INVALID_CLIENT_TOKEN} (which one did the caller mean?). The value is then validated by the
 * service like any {@code client_token}. Methods without a {@code client_token} ignore the header.
 *
 * <p>Installed innermost on the HTTP port only (after authentication, rate limit and the
 * malformed-request guard), so a refusal goes out through the same interceptors as any other.
 */
final class IdempotencyKeyHeader implements ServerInterceptor {
  static final Metadata.Key<String> IDEMPOTENCY_KEY =
      Metadata.Key.of("idempotency-key", Metadata.ASCII_STRING_MARSHALLER);
  static final String FIELD = "client_token";

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String key = headers.get(IDEMPOTENCY_KEY);
    if (key == null) {
      return next.startCall(call, headers);
    }
    return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
      private boolean rejected;

      @Override
      public void onMessage(ReqT message) {
        if (rejected) {
          return;
        }
        if (message instanceof Message request) {
          FieldDescriptor token = request.getDescriptorForType().findFieldByName(FIELD);
          if (token != null && token.getType() == FieldDescriptor.Type.STRING) {
            String inBody = (String) request.getField(token);
            if (inBody.isEmpty()) {
              @SuppressWarnings("unchecked")
              ReqT withToken = (ReqT) request.toBuilder().setField(token, key).build();
              super.onMessage(withToken);
              return;
            }
            if (!inBody.equals(key)) {
              rejected = true;
              ErrorMapper.closeCall(
                  call,
                  ApiException.of(
                          ErrorReason.INVALID_CLIENT_TOKEN,
                          "client_token in the body and the Idempotency-Key header differ:"
                              + " send one of them")
                      .field(FIELD, "differs from the Idempotency-Key header")
                      .build());
              return;
            }
          }
        }
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (!rejected) {
          super.onHalfClose();
        }
      }
    };
  }
}
