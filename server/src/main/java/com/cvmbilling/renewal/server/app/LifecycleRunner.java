package com.cvmbilling.renewal.server.app;

import com.cvmbilling.renewal.server.config.LifecycleSettings;
import com.cvmbilling.renewal.server.metrics.Metrics;
import com.cvmbilling.renewal.server.service.LifecycleService;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the lifecycle job every interval on one background thread. */
@Singleton
public final class LifecycleRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LifecycleRunner.class);

  private final LifecycleService lifecycle;
  private final Clock clock;
  private final Metrics metrics;
  private final LifecycleSettings settings;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "lifecycle-job");
            t.setDaemon(true);
            return t;
          });

  @Inject
  LifecycleRunner(
      LifecycleService lifecycle, Clock clock, Metrics metrics, LifecycleSettings settings) {
    this.lifecycle = lifecycle;
    this.clock = clock;
    this.metrics = metrics;
    this.settings = settings;
  }

  void start() {
    scheduler.scheduleWithFixedDelay(
        this::runOnce, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void runOnce() {
    long start = System.nanoTime();
    boolean ok = false;
    try {
      Instant now = clock.instant();
      // Lag: how overdue the oldest scheduled step is as this run starts (0 when the job keeps up).
      Instant oldestDue = lifecycle.earliestScheduledDue();
      metrics.lifecycleLag(
          oldestDue == null ? 0 : Duration.between(oldestDue, now).toMillis() / 1000.0);
      int steps = lifecycle.runDue(now);
      if (steps > 0) {
        log.info("lifecycle job: {} steps", steps);
      }
      ok = true;
    } catch (RuntimeException e) {
      log.warn("lifecycle job run failed; next run at the next interval", e);
    } finally {
      metrics.lifecycleRun(ok, (System.nanoTime() - start) / 1e9, System.currentTimeMillis());
    }
  }

  /** Lets a running batch finish (it commits or rolls back as a whole), then stops. */
  @Override
  public void close() {
    scheduler.shutdown();
    try {
      if (!scheduler.awaitTermination(settings.stopWait().toMillis(), TimeUnit.MILLISECONDS)) {
        scheduler.shutdownNow();
      }
    } catch (InterruptedException e) {
      scheduler.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
