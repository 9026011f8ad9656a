package com.cvmbilling.renewal.server.grpc;

import io.grpc.stub.StreamObserver;

/** Unary replies; failures are thrown and mapped by {@link ExceptionMappingInterceptor}. */
final class Replies {
  private Replies() {}

  static <T> void reply(StreamObserver<T> observer, T response) {
    observer.onNext(response);
    observer.onCompleted();
  }
}
