package com.cvmbilling.renewal.client.testing;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets the server carry out a call completely (it commits), then throws its response away and
 * answers {@code UNAVAILABLE} instead: the client cannot tell whether anything happened. Armed for
 * a number of calls of one method; records every request message and x-request-id it sees.
 */
public final class DropResponses implements ServerInterceptor {
  private final String method;
  private final AtomicInteger toDrop = new AtomicInteger();
  private final AtomicInteger dropped = new AtomicInteger();
  private final List<Object> requests = new CopyOnWriteArrayList<>();
  private final List<String> requestIds = new CopyOnWriteArrayList<>();

  public DropResponses(String bareMethodName) {
    this.method = bareMethodName;
  }

  /** Drop the responses of the next {@code n} calls. */
  public void dropNext(int n) {
    toDrop.set(n);
  }

  public int dropped() {
    return dropped.get();
  }

  public List<Object> requests() {
    return List.copyOf(requests);
  }

  public List<String> requestIds() {
    return List.copyOf(requestIds);
  }

  public void reset() {
    requests.clear();
    requestIds.clear();
    dropped.set(0);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (!call.getMethodDescriptor().getBareMethodName().equals(method)) {
      return next.startCall(call, headers);
    }
    requestIds.add(headers.get(FakeServer.REQUEST_ID));
    boolean drop = toDrop.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    ServerCall<Q, R> effective =
        !drop
            ? call
            : new SimpleForwardingServerCall<>(call) {
              @Override
              public void sendMessage(R message) {
                // committed, but the client never hears of it
              }

              @Override
              public void close(Status status, Metadata trailers) {
                if (status.isOk()) {
                  dropped.incrementAndGet();
                  super.close(
                      Status.UNAVAILABLE.withDescription("injected: response lost after commit"),
                      new Metadata());
                } else {
                  super.close(status, trailers);
                }
              }
            };
    return new SimpleForwardingServerCallListener<>(next.startCall(effective, headers)) {
      @Override
      public void onMessage(Q message) {
        requests.add(message);
        super.onMessage(message);
      }
    };
  }
}
