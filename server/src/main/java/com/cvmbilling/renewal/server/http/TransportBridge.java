package com.cvmbilling.renewal.server.http;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What grpc-java's transport does for a call and Armeria's does not, so that an HTTP call is
 * observed and bounded exactly like a gRPC one. Installed outermost, it:
 *
 * <ul>
 *   <li>drives the server's {@link ServerStreamTracer.Factory} (the call observer: request id,
 *       metrics, the access log line) as a transport would: a tracer per call, its context, {@code
 *       serverCallStarted} with the peer's address, {@code streamClosed} with the final status;
 *   <li>gives the call the client's deadline ({@code grpc-timeout}, as for gRPC) as its gRPC
 *       context deadline, which the database layer reads; without one, like gRPC, there is none;
 *   <li>gives the call the transport attributes (remote and local address).
 * </ul>
 */
final class TransportBridge implements ServerInterceptor {
  private final ServerStreamTracer.Factory tracers;
  private final ScheduledExecutorService deadlineTimer;

  TransportBridge(ServerStreamTracer.Factory tracers, ScheduledExecutorService deadlineTimer) {
    this.tracers = tracers;
    this.deadlineTimer = deadlineTimer;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
    Attributes.Builder attributes = call.getAttributes().toBuilder();
    if (ctx != null) {
      attributes
          .set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, ctx.remoteAddress())
          .set(Grpc.TRANSPORT_ATTR_LOCAL_ADDR, ctx.localAddress());
    }
    Attributes attrs = attributes.build();
    MethodDescriptor<ReqT, RespT> method = call.getMethodDescriptor();
    ServerStreamTracer tracer = tracers.newServerStreamTracer(method.getFullMethodName(), headers);
    long timeoutNanos = ctx == null ? -1 : timeoutNanos(ctx);
    Context.CancellableContext callContext =
        timeoutNanos >= 0
            ? Context.current().withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS, deadlineTimer)
            : Context.current().withCancellation();
    Context traced = tracer.filterContext(callContext);
    tracer.serverCallStarted(
        new ServerStreamTracer.ServerCallInfo<ReqT, RespT>() {
          @Override
          public MethodDescriptor<ReqT, RespT> getMethodDescriptor() {
            return method;
          }

          @Override
          public Attributes getAttributes() {
            return attrs;
          }

          @Override
          public String getAuthority() {
            return call.getAuthority();
          }
        });
    AtomicBoolean ended = new AtomicBoolean();
    Runnable endWithCancel =
        () -> {
          if (ended.compareAndSet(false, true)) {
            tracer.streamClosed(Status.CANCELLED);
            callContext.cancel(null);
          }
        };
    ServerCall<ReqT, RespT> observed =
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            try {
              super.close(status, trailers);
            } finally {
              if (ended.compareAndSet(false, true)) {
                tracer.streamClosed(status);
                callContext.cancel(null);
              }
            }
          }

          @Override
          public Attributes getAttributes() {
            return attrs;
          }
        };
    ServerCall.Listener<ReqT> listener = Contexts.interceptCall(traced, observed, headers, next);
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onCancel() {
        try {
          super.onCancel();
        } finally {
          endWithCancel.run();
        }
      }
    };
  }

  /** The client's {@code grpc-timeout} in nanoseconds, or -1 when it sent none (or a bad one). */
  static long timeoutNanos(ServiceRequestContext ctx) {
    String value = ctx.request().headers().get("grpc-timeout");
    if (value == null || value.length() < 2 || value.length() > 9) {
      return -1;
    }
    long amount;
    try {
      amount = Long.parseLong(value.substring(0, value.length() - 1));
    } catch (NumberFormatException e) {
      return -1;
    }
    if (amount < 0) {
      return -1;
    }
    TimeUnit unit =
        switch (value.charAt(value.length() - 1)) {
          case 'H' -> TimeUnit.HOURS;
          case 'M' -> TimeUnit.MINUTES;
          case 'S' -> TimeUnit.SECONDS;
          case 'm' -> TimeUnit.MILLISECONDS;
          case 'u' -> TimeUnit.MICROSECONDS;
          case 'n' -> TimeUnit.NANOSECONDS;
          default -> null;
        };
    return unit == null ? -1 : unit.toNanos(amount);
  }
}
