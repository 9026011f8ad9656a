package com.cvmbilling.renewal.server.app;

import com.cvmbilling.renewal.server.grpc.CallDeadlines;
import com.cvmbilling.renewal.server.persistence.CallDeadline;
import com.google.inject.AbstractModule;
import com.google.inject.multibindings.OptionalBinder;

/**
 * The gRPC layer's glue: database work is bounded by the deadline of the gRPC call it serves. The
 * interceptors and services are built by Guice from their {@code @Inject} constructors.
 */
public final class GrpcModule extends AbstractModule {
  @Override
  protected void configure() {
    OptionalBinder.newOptionalBinder(binder(), CallDeadline.class)
        .setBinding()
        .toInstance(CallDeadlines::remainingMillis);
  }
}
