package com.cvmbilling.renewal.server.app;

import com.cvmbilling.renewal.server.grpc.TestClockGrpcService;
import com.cvmbilling.renewal.server.service.TestClock;
import com.google.inject.AbstractModule;
import com.google.inject.multibindings.OptionalBinder;
import java.time.Clock;

/**
 * The lifecycle job's glue: its runner, and on a test clock the clock itself and the
 * TestClockService that moves it (absent otherwise).
 */
public final class LifecycleModule extends AbstractModule {
  private final Clock clock;

  public LifecycleModule(Clock clock) {
    this.clock = clock;
  }

  @Override
  protected void configure() {
    bind(LifecycleRunner.class);
    // Optional<TestClockGrpcService> is present only when it is bound, i.e. on a test clock.
    OptionalBinder.newOptionalBinder(binder(), TestClockGrpcService.class);
    if (clock instanceof TestClock t) {
      bind(TestClock.class).toInstance(t);
      bind(TestClockGrpcService.class);
    }
  }
}
