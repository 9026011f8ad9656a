package com.cvmbilling.renewal.server;

import com.cvmbilling.renewal.server.service.LifecycleService;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the lifecycle job every interval on one background thread. */
final class LifecycleRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LifecycleRunner.class);

  private final LifecycleService lifecycle;
  private final Clock clock;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lifecycle-job");
        t.setDaemon(true);
        return t;
      });

  LifecycleRunner(LifecycleService lifecycle, Clock clock) {
    this.lifecycle = lifecycle;
    this.clock = clock;
  }

  void start(Duration interval) {
    scheduler.scheduleWithFixedDelay(this::runOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void runOnce() {
    try {
      int steps = lifecycle.runDue(clock.instant());
      if (steps > 0) {
        log.info("lifecycle job: {} steps", steps);
      }
    } catch (RuntimeException e) {
      log.warn("lifecycle job run failed; next run at the next interval", e);
    }
  }

  /** Lets a running batch finish (it commits or rolls back as a whole), then stops. */
  @Override
  public void close() {
    scheduler.shutdown();
    try {
      if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
        scheduler.shutdownNow();
      }
    } catch (InterruptedException e) {
      scheduler.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
