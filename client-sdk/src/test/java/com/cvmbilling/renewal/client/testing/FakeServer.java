package com.cvmbilling.renewal.client.testing;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A stand-in service on a real loopback port, recording the headers and deadline of every call. */
public final class FakeServer implements AutoCloseable {
  public static final Metadata.Key<String> REQUEST_ID =
      Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /**
   * One received call: its method, headers and the time left to its deadline when it arrived (ms,
   * -1 = none).
   */
  public record Received(String method, Metadata headers, long deadlineMillis) {}

  private final Server server;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  public FakeServer(BindableService... services) {
    this(InsecureServerCredentials.create(), services);
  }

  /** With these credentials, e.g. TLS ({@code TlsServerCredentials}). */
  public FakeServer(ServerCredentials credentials, BindableService... services) {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials);
    for (BindableService s : services) {
      builder.addService(s);
    }
    builder.intercept(
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            Deadline d = Context.current().getDeadline();
            received.add(
                new Received(
                    call.getMethodDescriptor().getBareMethodName(),
                    headers,
                    d == null ? -1 : d.timeRemaining(TimeUnit.MILLISECONDS)));
            return Contexts.interceptCall(Context.current(), call, headers, next);
          }
        });
    try {
      server = builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String target() {
    return "127.0.0.1:" + server.getPort();
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public List<Received> received(String method) {
    return received.stream().filter(r -> r.method().equals(method)).toList();
  }

  /**
   * A failure as the real server reports it: google.rpc.Status with an ErrorInfo (and field
   * violations).
   */
  public static StatusRuntimeException error(
      io.grpc.Status.Code code,
      String reason,
      Map<String, String> metadata,
      Metadata trailers,
      String... badFields) {
    com.google.rpc.Status.Builder status =
        com.google.rpc.Status.newBuilder().setCode(code.value()).setMessage("fake " + reason);
    if (reason != null) {
      status.addDetails(
          Any.pack(
              ErrorInfo.newBuilder()
                  .setReason(reason)
                  .setDomain("renewal.cvmbilling.com")
                  .putAllMetadata(metadata)
                  .build()));
    }
    if (badFields.length > 0) {
      BadRequest.Builder br = BadRequest.newBuilder();
      for (String f : badFields) {
        br.addFieldViolations(
            BadRequest.FieldViolation.newBuilder().setField(f).setDescription(f + " is wrong"));
      }
      status.addDetails(Any.pack(br.build()));
    }
    return StatusProto.toStatusRuntimeException(
        status.build(), trailers == null ? new Metadata() : trailers);
  }

  public static StatusRuntimeException error(io.grpc.Status.Code code, String reason) {
    return error(code, reason, Map.of(), null);
  }

  /**
   * A failure with a {@code google.rpc.RetryInfo} asking to wait {@code retryDelay}, as the
   * server's rate limit sends it (code RESOURCE_EXHAUSTED, reason RATE_LIMITED) or with another
   * code/reason.
   */
  public static StatusRuntimeException withRetryDelay(
      io.grpc.Status.Code code, String reason, java.time.Duration retryDelay) {
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(code.value())
            .setMessage("fake " + reason)
            .addDetails(
                Any.pack(
                    ErrorInfo.newBuilder()
                        .setReason(reason)
                        .setDomain("renewal.cvmbilling.com")
                        .putMetadata("ratePerSecond", "1")
                        .build()))
            .addDetails(
                Any.pack(
                    com.google.rpc.RetryInfo.newBuilder()
                        .setRetryDelay(
                            com.google.protobuf.Duration.newBuilder()
                                .setSeconds(retryDelay.getSeconds())
                                .setNanos(retryDelay.getNano()))
                        .build()))
            .build();
    return StatusProto.toStatusRuntimeException(status, new Metadata());
  }

  /** RESOURCE_EXHAUSTED/RATE_LIMITED with a RetryInfo, as the server's rate limit answers. */
  public static StatusRuntimeException rateLimited(java.time.Duration retryDelay) {
    return withRetryDelay(io.grpc.Status.Code.RESOURCE_EXHAUSTED, "RATE_LIMITED", retryDelay);
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
