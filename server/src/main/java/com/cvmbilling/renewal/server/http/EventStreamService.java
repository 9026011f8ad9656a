package com.cvmbilling.renewal.server.http;

import com.cvmbilling.renewal.v1.Event;
import com.cvmbilling.renewal.v1.WatchEventsRequest;
import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.common.sse.ServerSentEvent;
import com.linecorp.armeria.common.stream.StreamMessage;
import com.linecorp.armeria.common.stream.StreamWriter;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.streaming.ServerSentEvents;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code WatchEvents} over HTTP as Server-Sent Events, at the path of its {@code google.api.http}
 * rule ({@code GET /v1/events:watch}). Armeria's transcoding serves unary methods only, so this
 * service drives the method's intercepted definition itself, with a {@link ServerCall} that writes
 * each {@code Event} as one SSE message: {@code id} = {@code event_id}, {@code data} = the event in
 * the proto3 JSON mapping, on one line. The call passes exactly the interceptors of the other HTTP
 * routes (transport bridge, call observer, authentication, rate limit, error mapping).
 *
 * <p>Resuming: the {@code Last-Event-ID} header (what a browser's {@code EventSource} sends when it
 * reconnects), else the {@code afterEventId} (or {@code after_event_id}) query parameter, is the
 * request's {@code after_event_id}: a client that reconnects gets every event after the last one it
 * saw, once.
 *
 * <p>A call refused before the stream starts (credentials, rate limit, a bad id) is an ordinary
 * JSON error with its HTTP status. Once started the response is {@code 200 text/event-stream}; a
 * stream that ends with an error (the database went away, the server shuts down) ends with an event
 * of type {@code error} whose data is the {@code google.rpc.Status}, and the client reconnects with
 * its last id.
 */
final class EventStreamService implements HttpService {
  /** A comment this often keeps idle proxies from closing the stream and finds dead clients. */
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  /** What a client is told to wait before it reconnects after the stream ends. */
  private static final Duration RECONNECT = Duration.ofSeconds(2);

  /** Events written but not yet taken by the connection before the stream stops reading more. */
  private static final int MAX_UNSENT = 256;

  private static final String LAST_EVENT_ID = "last-event-id";
  private static final Metadata.Key<byte[]> STATUS_DETAILS =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);
  private static final Metadata.Key<String> REQUEST_ID =
      Metadata.Key.of(StatusMapping.REQUEST_ID_HEADER, Metadata.ASCII_STRING_MARSHALLER);
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();

  /** A truncated varint: the method's tolerant marshaller makes it the malformed request. */
  private static final byte[] UNPARSEABLE = {(byte) 0xff};

  private final ServerMethodDefinition<WatchEventsRequest, Event> method;

  EventStreamService(ServerMethodDefinition<WatchEventsRequest, Event> method) {
    this.method = method;
  }

  /** The path of the method's {@code google.api.http} GET rule. */
  static String path(MethodDescriptor<?, ?> method) {
    if (!(method.getSchemaDescriptor() instanceof ProtoMethodDescriptorSupplier schema)) {
      throw new IllegalArgumentException(method.getFullMethodName() + " has no proto descriptor");
    }
    HttpRule rule = schema.getMethodDescriptor().getOptions().getExtension(AnnotationsProto.http);
    if (rule.getGet().isEmpty()) {
      throw new IllegalArgumentException(method.getFullMethodName() + " has no HTTP GET rule");
    }
    return rule.getGet();
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    Metadata headers = new Metadata();
    req.headers()
        .forEach(
            (name, value) -> {
              String key = name.toString();
              if (key.startsWith(":") || key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                return;
              }
              try {
                headers.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);
              } catch (IllegalArgumentException notAGrpcHeaderName) {
                // an HTTP header gRPC cannot carry; no interceptor reads it
              }
            });
    WatchEventsRequest request = request(ctx, req);
    CompletableFuture<HttpResponse> response = new CompletableFuture<>();
    SseCall call = new SseCall(ctx, response);
    var unused = ctx.whenRequestCancelling().thenRun(call::cancelledByClient);
    ctx.blockingTaskExecutor().execute(() -> call.start(request, headers));
    return HttpResponse.of(response);
  }

  private WatchEventsRequest request(ServiceRequestContext ctx, HttpRequest req) {
    String value = req.headers().get(LAST_EVENT_ID);
    String from = "Last-Event-ID";
    if (value == null) {
      value = ctx.queryParam("afterEventId");
      from = "afterEventId";
    }
    if (value == null) {
      value = ctx.queryParam("after_event_id");
      from = "after_event_id";
    }
    if (value == null) {
      return WatchEventsRequest.getDefaultInstance();
    }
    try {
      return WatchEventsRequest.newBuilder().setAfterEventId(Long.parseLong(value.trim())).build();
    } catch (NumberFormatException e) {
      // Refused like a body that does not parse: after authentication, through every interceptor.
      ctx.setAttr(
          ProtoJsonMarshaller.JSON_PROBLEM,
          from + " must be an event id (a whole number), not \"" + value + "\"");
      return method.getMethodDescriptor().parseRequest(new ByteArrayInputStream(UNPARSEABLE));
    }
  }

  /** One stream: the transport end of the call, writing SSE messages to the HTTP response. */
  private final class SseCall extends ServerCall<WatchEventsRequest, Event> {
    private final ServiceRequestContext ctx;
    private final CompletableFuture<HttpResponse> response;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicInteger unsent = new AtomicInteger();
    private final Object listenerLock = new Object();
    private ServerCall.Listener<WatchEventsRequest> listener;
    private volatile StreamWriter<ServerSentEvent> events;
    private volatile ScheduledFuture<?> keepAlive;

    SseCall(ServiceRequestContext ctx, CompletableFuture<HttpResponse> response) {
      this.ctx = ctx;
      this.response = response;
    }

    void start(WatchEventsRequest request, Metadata headers) {
      synchronized (listenerLock) {
        if (cancelled.get()) {
          return;
        }
        listener = method.getServerCallHandler().startCall(this, headers);
        listener.onReady();
        listener.onMessage(request);
        listener.onHalfClose();
      }
    }

    void cancelledByClient() {
      if (closed.get() || !cancelled.compareAndSet(false, true)) {
        return;
      }
      stopKeepAlive();
      // Off the event loop: the listener may be busy starting the call (a database read).
      ctx.blockingTaskExecutor()
          .execute(
              () -> {
                synchronized (listenerLock) {
                  if (listener != null) {
                    listener.onCancel();
                  }
                }
              });
    }

    @Override
    public void request(int numMessages) {
      // Flow control is isReady(): the stream reads events only while the client keeps up.
    }

    @Override
    public void sendHeaders(Metadata headers) {
      if (!started.compareAndSet(false, true)) {
        return;
      }
      StreamWriter<ServerSentEvent> writer = StreamMessage.streaming();
      events = writer;
      ResponseHeadersBuilder http =
          ResponseHeaders.builder(HttpStatus.OK)
              .contentType(MediaType.EVENT_STREAM)
              .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
      String requestId = headers.get(REQUEST_ID);
      if (requestId != null) {
        http.set(StatusMapping.REQUEST_ID_HEADER, requestId);
      }
      // Completes exceptionally when the client goes away mid-stream.
      var unusedWhenGone = writer.whenComplete().exceptionally(gone -> failed());
      keepAlive =
          ctx.eventLoop()
              .scheduleAtFixedRate(
                  () -> {
                    // A closed stream takes nothing; the timer is cancelled with it.
                    var unused = writer.tryWrite(ServerSentEvent.ofComment("keep-alive"));
                  },
                  KEEP_ALIVE.toMillis(),
                  KEEP_ALIVE.toMillis(),
                  TimeUnit.MILLISECONDS);
      // The first message: how long a client waits before it reconnects; it also sends the headers
      // at once (Armeria writes them with the first piece of the body).
      var unusedRetry = writer.tryWrite(ServerSentEvent.ofRetry(RECONNECT));
      response.complete(ServerSentEvents.fromPublisher(http.build(), writer));
    }

    private Void failed() {
      cancelledByClient();
      return null;
    }

    @Override
    public void sendMessage(Event event) {
      StreamWriter<ServerSentEvent> writer = events;
      if (writer == null) {
        throw new IllegalStateException("sendHeaders must come first");
      }
      String data;
      try {
        data = PRINTER.print(event);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("an Event always prints", e);
      }
      ServerSentEvent sse =
          ServerSentEvent.builder().id(Long.toString(event.getEventId())).data(data).build();
      if (writer.tryWrite(sse)) {
        unsent.incrementAndGet();
        var unused = writer.whenConsumed().thenRun(unsent::decrementAndGet);
      }
    }

    @Override
    public void close(Status status, Metadata trailers) {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      stopKeepAlive();
      com.google.rpc.Status body =
          status.isOk()
              ? null
              : GrpcErrorResponses.googleStatus(ctx, status, trailers.get(STATUS_DETAILS));
      if (started.compareAndSet(false, true)) {
        // Refused before the stream started: an ordinary HTTP error.
        response.complete(
            body == null
                ? HttpResponse.of(
                    ResponseHeaders.of(
                        HttpStatus.OK, HttpHeaderNames.CONTENT_TYPE, MediaType.EVENT_STREAM))
                : StatusMapping.response(body, trailers.get(REQUEST_ID)).toHttpResponse());
        return;
      }
      StreamWriter<ServerSentEvent> writer = events;
      if (body != null) {
        // The client may be gone already; then there is no one to tell.
        var unused =
            writer.tryWrite(
                ServerSentEvent.builder()
                    .event("error")
                    .data(StatusMapping.compactJson(body))
                    .build());
      }
      writer.close();
    }

    private void stopKeepAlive() {
      ScheduledFuture<?> timer = keepAlive;
      if (timer != null) {
        timer.cancel(false);
      }
    }

    @Override
    public boolean isReady() {
      return !cancelled.get() && unsent.get() < MAX_UNSENT;
    }

    @Override
    public boolean isCancelled() {
      return cancelled.get();
    }

    @Override
    public MethodDescriptor<WatchEventsRequest, Event> getMethodDescriptor() {
      return method.getMethodDescriptor();
    }

    @Override
    public Attributes getAttributes() {
      // The transport bridge adds the addresses.
      return Attributes.EMPTY;
    }

    @Override
    public String getAuthority() {
      return ctx.request().authority();
    }
  }
}
