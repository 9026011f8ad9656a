package com.cvmbilling.renewal.client;

import com.google.protobuf.Message;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/** What both clients share: the channel, the retry scheduler, the log and the open watches. */
final class ClientCore implements AutoCloseable {
  final ClientSettings settings;
  final ManagedChannel channel;
  final ScheduledExecutorService scheduler;
  final CallLog log;
  final UnaryCaller caller;
  final TlsMismatchDetector tlsMismatch;
  private final Set<EventWatch> watches = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  ClientCore(ClientSettings settings) {
    this.settings = settings;
    this.log = CallLog.create(settings);
    this.channel = Channels.create(settings);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "renewal-client-retry");
              t.setDaemon(true);
              return t;
            });
    this.tlsMismatch = new TlsMismatchDetector(settings);
    this.caller = new UnaryCaller(channel, settings, scheduler, log, tlsMismatch);
  }

  <Req extends Message, Resp extends Message> CompletableFuture<Resp> call(
      Rpc rpc, MethodDescriptor<Req, Resp> method, Req request, RequestOptions options) {
    return caller.call(rpc, method, request, options);
  }

  /**
   * The callable of a unary RPC: fills in the client token once, calls with retries, and converts
   * the response (given the request as sent, e.g. to report its token).
   */
  <Req extends Message, Resp extends Message, T> UnaryCallable<Req, T> callable(
      Rpc rpc, MethodDescriptor<Req, Resp> method, BiFunction<Req, Resp, T> result) {
    return new UnaryCallable<>(
        rpc,
        (request, options) -> {
          Req prepared = UnaryCaller.withClientToken(rpc, request);
          return call(rpc, method, prepared, options)
              .thenApply(response -> result.apply(prepared, response));
        });
  }

  /**
   * The callable of a list RPC: each page's {@link Page#nextPage()} repeats the request with the
   * next token and the same options.
   */
  <Req extends Message, Resp extends Message, T> UnaryCallable<Req, Page<T>> pagedCallable(
      Rpc rpc,
      MethodDescriptor<Req, Resp> method,
      Function<Resp, List<T>> items,
      BiFunction<Req, Resp, String> nextPageToken,
      BiFunction<Req, String, Req> withPageToken) {
    UnaryCallable<Req, Resp> raw = callable(rpc, method, (request, response) -> response);
    return new UnaryCallable<>(
        rpc,
        new BiFunction<Req, RequestOptions, CompletableFuture<Page<T>>>() {
          @Override
          public CompletableFuture<Page<T>> apply(Req request, RequestOptions options) {
            return raw.futureCall(request, options)
                .thenApply(
                    response ->
                        new Page<>(
                            items.apply(response),
                            nextPageToken.apply(request, response),
                            token -> apply(withPageToken.apply(request, token), options)));
          }
        });
  }

  EventWatch watch(long afterEventId, EventListener listener) {
    if (closed) {
      throw new IllegalStateException("the client is closed");
    }
    EventWatch watch =
        new EventWatch(
            channel,
            settings,
            scheduler,
            log,
            tlsMismatch,
            afterEventId,
            listener,
            watches::remove);
    watches.add(watch);
    watch.start();
    return watch;
  }

  boolean isClosed() {
    return closed;
  }

  /** Stops watches, refuses new calls, lets calls in flight finish for up to 5 s. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (EventWatch w : watches) {
      w.close();
    }
    caller.close();
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      scheduler.shutdownNow();
    }
  }
}
