package com.cvmbilling.renewal.server.grpc;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.cvmbilling.renewal.server.metrics.Metrics;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthGrpc;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Observes every call: a stream tracer (sees every stream, including those grpc-java refuses
 * itself, with the final status) gives each call a {@link CallInfo}, counts it in the metrics and
 * writes one access log line when it ends; as the outermost interceptor it returns the request id
 * in the response metadata ({@code x-request-id}: in the headers, or in the trailers of a
 * trailers-only response) and adds a {@code RequestInfo} to every error.
 *
 * <p>The access log line (logger {@value #ACCESS_LOGGER}, INFO; health checks and reflection at
 * DEBUG) carries {@code method}, {@code status}, {@code reason} (on failure), {@code latency_ms},
 * {@code account} (the tenant account id, {@code admin} for an admin key, {@code -} before
 * authentication), {@code request_id} and {@code peer}. It never carries credentials.
 */
@Singleton
public final class CallObserver extends ServerStreamTracer.Factory implements ServerInterceptor {
  public static final String ACCESS_LOGGER = "com.cvmbilling.renewal.server.access";
  private static final Logger access = LoggerFactory.getLogger(ACCESS_LOGGER);
  private static final String UNKNOWN = "unknown";

  private final Metrics metrics;

  @Inject
  public CallObserver(Metrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    return new Tracer(
        new CallInfo(CallInfo.requestIdFrom(headers), fullMethodName, System.nanoTime()));
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    CallInfo existing = CallInfo.current();
    CallInfo info =
        existing != null
            ? existing
            : new CallInfo(
                CallInfo.requestIdFrom(headers),
                call.getMethodDescriptor().getFullMethodName(),
                System.nanoTime());
    ServerCall<ReqT, RespT> wrapped =
        new SimpleForwardingServerCall<>(call) {
          private boolean headersSent;

          @Override
          public void sendHeaders(Metadata responseHeaders) {
            responseHeaders.put(CallInfo.REQUEST_ID_HEADER, info.requestId());
            headersSent = true;
            super.sendHeaders(responseHeaders);
          }

          @Override
          public void close(Status status, Metadata trailers) {
            if (!headersSent) {
              trailers.put(CallInfo.REQUEST_ID_HEADER, info.requestId());
            }
            if (!status.isOk()) {
              ErrorMapper.withRequestInfo(status, trailers, info.requestId());
              info.reason(ErrorMapper.reasonOf(trailers));
            }
            super.close(status, trailers);
          }
        };
    StatusRuntimeException refusal = TransportEdgeGuard.currentRefusal();
    if (refusal != null) {
      // A request header the gRPC port refuses (TransportEdgeGuard): before anything else runs.
      ErrorMapper.closeCall(wrapped, refusal);
      return new ServerCall.Listener<>() {};
    }
    if (existing != null) {
      return next.startCall(wrapped, headers);
    }
    return Contexts.interceptCall(info.attachTo(Context.current()), wrapped, headers, next);
  }

  private final class Tracer extends ServerStreamTracer {
    private final CallInfo info;
    private volatile String type = UNKNOWN;
    private volatile String service = UNKNOWN;
    private volatile String method = UNKNOWN;
    private volatile String peer = "";

    Tracer(CallInfo info) {
      this.info = info;
    }

    @Override
    public Context filterContext(Context context) {
      return info.attachTo(context);
    }

    @Override
    public void serverCallStarted(ServerCallInfo<?, ?> callInfo) {
      // Only methods the server has: unknown names never become metric labels.
      type = typeLabel(callInfo.getMethodDescriptor().getType());
      String full = callInfo.getMethodDescriptor().getFullMethodName();
      int slash = full.lastIndexOf('/');
      service = full.substring(0, Math.max(slash, 0));
      method = full.substring(slash + 1);
      SocketAddress remote = callInfo.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      peer =
          remote instanceof InetSocketAddress inet
              ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
              : String.valueOf(remote);
      metrics.callStarted(type, service, method);
    }

    @Override
    public void streamClosed(Status status) {
      long nanos = System.nanoTime() - info.startNanos();
      String code = status.getCode().name();
      metrics.callHandled(type, service, method, code, nanos / 1e9);
      log(status, nanos);
    }

    private void log(Status status, long nanos) {
      // Probes and tools (health checks, grpcurl's reflection lookups) would drown the calls.
      boolean housekeeping =
          service.equals(HealthGrpc.SERVICE_NAME) || service.startsWith("grpc.reflection.");
      Level level = housekeeping ? Level.DEBUG : Level.INFO;
      if (!access.isEnabledForLevel(level)) {
        return;
      }
      String shownMethod =
          UNKNOWN.equals(method)
              ? "unknown:" + printable(info.fullMethodName())
              : service + "/" + method;
      String caller = info.caller();
      List<Object> args = new ArrayList<>(8);
      args.add(kv("method", shownMethod));
      args.add(kv("status", status.getCode().name()));
      if (info.reason() != null) {
        args.add(kv("reason", info.reason()));
      }
      args.add(kv("latency_ms", Math.round(nanos / 1e5) / 10.0));
      args.add(kv("account", caller == null ? "-" : caller));
      args.add(kv("request_id", info.requestId()));
      args.add(kv("peer", peer));
      StringBuilder format = new StringBuilder("call");
      for (int i = 0; i < args.size(); i++) {
        format.append(" {}");
      }
      access.atLevel(level).log(format.toString(), args.toArray());
    }
  }

  private static String typeLabel(MethodType type) {
    return switch (type) {
      case UNARY -> "unary";
      case SERVER_STREAMING -> "server_stream";
      case CLIENT_STREAMING -> "client_stream";
      case BIDI_STREAMING -> "bidi_stream";
      default -> type.name().toLowerCase(Locale.ROOT);
    };
  }

  /** A caller-chosen string made safe for one log line: printable ASCII, at most 100 chars. */
  static String printable(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(s.length(), 100));
    for (int i = 0; i < s.length() && out.length() < 100; i++) {
      char c = s.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }
}
