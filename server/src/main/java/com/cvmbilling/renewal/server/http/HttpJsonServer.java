package com.cvmbilling.renewal.server.http;

import com.cvmbilling.renewal.server.config.HttpSettings;
import com.cvmbilling.renewal.server.config.TransportSettings;
import com.cvmbilling.renewal.v1.Event;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.WatchEventsRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.grpc.GrpcSerializationFormats;
import com.linecorp.armeria.server.HttpStatusException;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import com.linecorp.armeria.server.grpc.HttpJsonTranscodingOptions;
import com.linecorp.armeria.server.grpc.HttpJsonTranscodingQueryParamMatchRule;
import io.grpc.MethodDescriptor;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerStreamTracer;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import io.netty.handler.ssl.ClientAuth;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/JSON port: Armeria's gRPC-JSON transcoding (routes from the {@code google.api.http}
 * annotations) in front of the API's service definitions, intercepted exactly as on the gRPC port
 * (call observer, authentication, rate limit, error mapping, malformed-request guard), plus {@link
 * IdempotencyKeyHeader} innermost and {@link TransportBridge} outermost. No handler per RPC exists:
 * a new annotated RPC is served without code here.
 *
 * <p>Only the transcoded routes answer: the port does not speak gRPC (framed requests are 415), so
 * there is one gRPC port with its own limits. TLS: the gRPC port's certificate and key; with {@code
 * --tls-client-ca} the HTTP port requires client certificates too (mutual TLS).
 */
public final class HttpJsonServer {
  private static final Logger log = LoggerFactory.getLogger(HttpJsonServer.class);

  private final Server server;
  private final ScheduledExecutorService deadlineTimer;

  private HttpJsonServer(Server server, ScheduledExecutorService deadlineTimer) {
    this.server = server;
    this.deadlineTimer = deadlineTimer;
  }

  /**
   * Starts listening on {@code --host}:{@code --http-port}.
   *
   * @param apiServices the API's service definitions with the server's interceptor chain, given the
   *     interceptors to install innermost (the server's own chain, built once: the rate limiter is
   *     shared with the gRPC port)
   * @param tracers the server's stream tracer factory (the call observer)
   */
  public static HttpJsonServer start(
      Function<List<ServerInterceptor>, List<ServerServiceDefinition>> apiServices,
      ServerStreamTracer.Factory tracers,
      TransportSettings transport,
      HttpSettings http) {
    ScheduledExecutorService deadlineTimer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "http-deadlines");
              t.setDaemon(true);
              return t;
            });
    TransportBridge bridge = new TransportBridge(tracers, deadlineTimer);
    GrpcServiceBuilder grpc =
        GrpcService.builder()
            .supportedSerializationFormats(GrpcSerializationFormats.JSON)
            .jsonMarshallerFactory(service -> ProtoJsonMarshaller.INSTANCE)
            .enableHttpJsonTranscoding(
                HttpJsonTranscodingOptions.builder()
                    .queryParamMatchRules(
                        HttpJsonTranscodingQueryParamMatchRule.ORIGINAL_FIELD,
                        HttpJsonTranscodingQueryParamMatchRule.LOWER_CAMEL_CASE)
                    .errorHandler(new GrpcErrorResponses())
                    .build())
            // The services block on the database, as on the gRPC port's executor.
            .useBlockingTaskExecutor(true)
            .maxRequestMessageLength(transport.maxInboundMessageBytes());
    ServerBuilder sb = Server.builder();
    List<com.google.protobuf.Descriptors.ServiceDescriptor> schemas = new ArrayList<>();
    for (ServerServiceDefinition service :
        apiServices.apply(List.of(new IdempotencyKeyHeader(), new StreamHeadersOnStart()))) {
      if (service.getServiceDescriptor().getSchemaDescriptor()
          instanceof ProtoServiceDescriptorSupplier schema) {
        schemas.add(schema.getServiceDescriptor());
      }
      ServerServiceDefinition bridged = ServerInterceptors.intercept(service, bridge);
      grpc.addService(unaryMethods(bridged));
      ServerMethodDefinition<?, ?> watch =
          bridged.getMethod(RenewalServiceGrpc.getWatchEventsMethod().getFullMethodName());
      if (watch != null) {
        @SuppressWarnings("unchecked")
        ServerMethodDefinition<WatchEventsRequest, Event> events =
            (ServerMethodDefinition<WatchEventsRequest, Event>) watch;
        sb.route()
            // exact: the path has a colon (AIP-136 custom method), not a path variable.
            .get("exact:" + EventStreamService.path(events.getMethodDescriptor()))
            .build(new EventStreamService(events));
      }
    }
    InetSocketAddress address;
    try {
      address = new InetSocketAddress(InetAddress.getByName(transport.host()), http.port());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--host " + transport.host() + ": " + e.getMessage(), e);
    }
    String openApi = OpenApiDocument.json(schemas);
    sb.route()
        .get("exact:" + OpenApiDocument.PATH)
        .build((ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, openApi));
    TransportSettings.Tls tls = transport.tls();
    if (tls != null) {
      sb.https(address).tls(tls.certChain().toFile(), tls.privateKey().toFile());
      if (tls.mutual()) {
        sb.tlsCustomizer(
            ssl -> ssl.trustManager(tls.clientCa().toFile()).clientAuth(ClientAuth.REQUIRE));
      }
    } else {
      sb.http(address);
    }
    sb.maxRequestLength(transport.maxInboundMessageBytes())
        // Like gRPC: no server-side deadline; the client may send grpc-timeout.
        .requestTimeout(Duration.ZERO)
        .gracefulShutdownTimeout(Duration.ZERO, transport.drainTime())
        // --max-metadata-size, as on the gRPC port (Armeria's default is a fixed 8 KiB).
        .http1MaxHeaderSize(transport.maxInboundMetadataBytes())
        .http2MaxHeaderListSize(transport.maxInboundMetadataBytes())
        .errorHandler(
            new HttpErrors(transport.maxInboundMessageBytes(), transport.maxInboundMetadataBytes()))
        .service(grpc.build())
        .decorator(
            (delegate, ctx, req) -> {
              MediaType type = req.contentType();
              if (type != null && type.subtype().startsWith("grpc")) {
                throw HttpStatusException.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
              }
              return delegate.serve(ctx, req);
            });
    if (http.console()) {
      ConsoleService.addTo(sb);
    }
    Server server = sb.build();
    try {
      server.start().join();
    } catch (RuntimeException e) {
      deadlineTimer.shutdownNow();
      throw e;
    }
    log.info(
        "HTTP/JSON API on {}://{}:{}/v1/",
        tls != null ? "https" : "http",
        transport.host(),
        server.activeLocalPort());
    return new HttpJsonServer(server, deadlineTimer);
  }

  /**
   * The service without its streaming methods: Armeria transcodes unary methods only (and warns of
   * the others); WatchEvents has its own route ({@link EventStreamService}).
   */
  private static ServerServiceDefinition unaryMethods(ServerServiceDefinition service) {
    ServiceDescriptor all = service.getServiceDescriptor();
    ServiceDescriptor.Builder unary =
        ServiceDescriptor.newBuilder(all.getName()).setSchemaDescriptor(all.getSchemaDescriptor());
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      if (method.getMethodDescriptor().getType() == MethodDescriptor.MethodType.UNARY) {
        unary.addMethod(method.getMethodDescriptor());
        methods.add(method);
      }
    }
    ServerServiceDefinition.Builder out = ServerServiceDefinition.builder(unary.build());
    methods.forEach(out::addMethod);
    return out.build();
  }

  public int port() {
    return server.activeLocalPort();
  }

  /**
   * Stops accepting, lets requests in flight finish for up to the drain time; the server waits for
   * it alongside the gRPC port's drain.
   */
  public CompletableFuture<Void> stop() {
    return server.stop().whenComplete((ok, e) -> deadlineTimer.shutdownNow());
  }
}
