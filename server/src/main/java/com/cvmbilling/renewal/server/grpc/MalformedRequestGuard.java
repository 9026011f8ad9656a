package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.error.ErrorReason;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a request that cannot be parsed an {@code INVALID_ARGUMENT}/{@code MALFORMED_REQUEST}.
 *
 * <p>grpc-java parses a request before any interceptor sees it and answers a parse failure
 * (truncated bytes, wrong wire types, invalid UTF-8 in a string field) with {@code UNKNOWN}. This
 * wrapper takes the request as raw bytes instead and parses it itself, inside the call, so the
 * failure becomes a proper error with ErrorInfo, goes through the interceptors (request id,
 * access log, metrics) and never reaches the service. Everything else passes through unchanged;
 * the schema descriptors stay, so reflection still describes the services.
 */
public final class MalformedRequestGuard {
  private MalformedRequestGuard() {}

  private static final MethodDescriptor.Marshaller<InputStream> RAW = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      // Copied: the transport may recycle its buffer after the listener returns.
      try {
        return new ByteArrayInputStream(stream.readAllBytes());
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription("could not read the request").withCause(e).asRuntimeException();
      }
    }
  };

  public static ServerServiceDefinition guard(ServerServiceDefinition service) {
    ServiceDescriptor original = service.getServiceDescriptor();
    List<ServerMethodDefinition<InputStream, InputStream>> methods = new ArrayList<>();
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(original.getName()).setSchemaDescriptor(original.getSchemaDescriptor());
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      ServerMethodDefinition<InputStream, InputStream> wrapped = wrap(method);
      methods.add(wrapped);
      descriptor.addMethod(wrapped.getMethodDescriptor());
    }
    ServerServiceDefinition.Builder out = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(out::addMethod);
    return out.build();
  }

  private static <ReqT, RespT> ServerMethodDefinition<InputStream, InputStream> wrap(
      ServerMethodDefinition<ReqT, RespT> definition) {
    MethodDescriptor<ReqT, RespT> typed = definition.getMethodDescriptor();
    MethodDescriptor<InputStream, InputStream> raw = typed.toBuilder(RAW, RAW).build();
    ServerCallHandler<ReqT, RespT> handler = definition.getServerCallHandler();
    return ServerMethodDefinition.create(raw, (call, headers) -> startCall(typed, handler, call, headers));
  }

  private static <ReqT, RespT> ServerCall.Listener<InputStream> startCall(
      MethodDescriptor<ReqT, RespT> typed,
      ServerCallHandler<ReqT, RespT> handler,
      ServerCall<InputStream, InputStream> call,
      Metadata headers) {
    ServerCall<ReqT, RespT> typedCall = new TypedCall<>(call, typed);
    ServerCall.Listener<ReqT> delegate = handler.startCall(typedCall, headers);
    return new ServerCall.Listener<>() {
      private boolean rejected;

      @Override
      public void onMessage(InputStream message) {
        if (rejected) {
          return;
        }
        ReqT request;
        try {
          request = typed.parseRequest(message);
        } catch (RuntimeException e) {
          rejected = true;
          StatusRuntimeException mapped = ErrorMapper.toStatusException(
              ApiException.of(ErrorReason.MALFORMED_REQUEST,
                      "the request is not a valid " + typed.getFullMethodName() + " request message")
                  .build());
          Metadata trailers = Status.trailersFromThrowable(mapped);
          call.close(mapped.getStatus(), trailers == null ? new Metadata() : trailers);
          return;
        }
        delegate.onMessage(request);
      }

      @Override
      public void onHalfClose() {
        if (!rejected) {
          delegate.onHalfClose();
        }
      }

      @Override
      public void onCancel() {
        delegate.onCancel();
      }

      @Override
      public void onComplete() {
        delegate.onComplete();
      }

      @Override
      public void onReady() {
        if (!rejected) {
          delegate.onReady();
        }
      }
    };
  }

  /** The service's view of the call: typed messages, serialized on the way out. */
  private static final class TypedCall<ReqT, RespT> extends ServerCall<ReqT, RespT> {
    private final ServerCall<InputStream, InputStream> raw;
    private final MethodDescriptor<ReqT, RespT> typed;

    TypedCall(ServerCall<InputStream, InputStream> raw, MethodDescriptor<ReqT, RespT> typed) {
      this.raw = raw;
      this.typed = typed;
    }

    @Override
    public void request(int numMessages) {
      raw.request(numMessages);
    }

    @Override
    public void sendHeaders(Metadata headers) {
      raw.sendHeaders(headers);
    }

    @Override
    public void sendMessage(RespT message) {
      raw.sendMessage(typed.streamResponse(message));
    }

    @Override
    public boolean isReady() {
      return raw.isReady();
    }

    @Override
    public void close(Status status, Metadata trailers) {
      raw.close(status, trailers);
    }

    @Override
    public boolean isCancelled() {
      return raw.isCancelled();
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      raw.setMessageCompression(enabled);
    }

    @Override
    public void setCompression(String compressor) {
      raw.setCompression(compressor);
    }

    @Override
    public io.grpc.Attributes getAttributes() {
      return raw.getAttributes();
    }

    @Override
    public String getAuthority() {
      return raw.getAuthority();
    }

    @Override
    public MethodDescriptor<ReqT, RespT> getMethodDescriptor() {
      return typed;
    }

    @Override
    public io.grpc.SecurityLevel getSecurityLevel() {
      return raw.getSecurityLevel();
    }

    @Override
    public void setOnReadyThreshold(int numBytes) {
      raw.setOnReadyThreshold(numBytes);
    }
  }
}
