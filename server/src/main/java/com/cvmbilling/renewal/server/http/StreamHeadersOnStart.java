package com.cvmbilling.renewal.server.http;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends a server-streaming call's response headers as soon as the service has accepted it, not with
 * the first message as grpc-java's stubs do: an HTTP client of a stream (Server-Sent Events) learns
 * at once that its stream is open, even when no event has happened yet, and gets its {@code
 * x-request-id} (added to the headers by the call observer, further out). A call the service
 * refused while starting (a bad {@code after_event_id}) is closed by then and stays an ordinary
 * HTTP error.
 *
 * <p>Installed innermost on the HTTP port only; unary calls pass untouched.
 */
final class StreamHeadersOnStart implements ServerInterceptor {
  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    if (call.getMethodDescriptor().getType() != MethodType.SERVER_STREAMING) {
      return next.startCall(call, headers);
    }
    AtomicBoolean headersSent = new AtomicBoolean();
    AtomicBoolean closed = new AtomicBoolean();
    ServerCall<ReqT, RespT> once =
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void sendHeaders(Metadata responseHeaders) {
            if (headersSent.compareAndSet(false, true)) {
              super.sendHeaders(responseHeaders);
            }
          }

          @Override
          public void close(io.grpc.Status status, Metadata trailers) {
            closed.set(true);
            super.close(status, trailers);
          }
        };
    return new SimpleForwardingServerCallListener<>(next.startCall(once, headers)) {
      @Override
      public void onHalfClose() {
        super.onHalfClose();
        if (!closed.get()) {
          once.sendHeaders(new Metadata());
        }
      }
    };
  }
}
