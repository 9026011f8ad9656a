package com.cvmbilling.renewal.client;

import com.google.protobuf.Message;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** What both clients share: the channel, the retry scheduler, the log and the open watches. */
final class ClientCore implements AutoCloseable {
  final ClientSettings settings;
  final ManagedChannel channel;
  final ScheduledExecutorService scheduler;
  final CallLog log;
  final UnaryCaller caller;
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
    this.caller = new UnaryCaller(channel, settings, scheduler, log);
  }

  <Req extends Message, Resp extends Message> CompletableFuture<Resp> call(
      Rpc rpc, MethodDescriptor<Req, Resp> method, Req request, RequestOptions options) {
    return caller.call(rpc, method, request, options);
  }

  EventWatch watch(long afterEventId, EventListener listener) {
    if (closed) {
      throw new IllegalStateException("the client is closed");
    }
    EventWatch watch =
        new EventWatch(channel, settings, scheduler, log, afterEventId, listener, watches::remove);
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
