package com.cvmbilling.renewal.server.config;

import com.cvmbilling.renewal.server.domain.LifecycleSchedule;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The lifecycle job: whether and how often it runs in this process, and its schedule.
 *
 * @param run run the lifecycle job every {@code interval} in this process
 * @param interval how often the job runs
 * @param batchSize due instances claimed and processed per transaction
 * @param stopWait on shutdown, how long a running batch may take to finish
 * @param schedule reminder, auto-renew and release timing (the domain's own record)
 */
public record LifecycleSettings(
    boolean run,
    Duration interval,
    int batchSize,
    Duration stopWait,
    LifecycleSchedule.Settings schedule) {

  public LifecycleSettings withRun(boolean v) {
    return new LifecycleSettings(v, interval, batchSize, stopWait, schedule);
  }

  /** A new interval; the auto-renew retry interval follows it when it was following the old one. */
  public LifecycleSettings withInterval(Duration v) {
    LifecycleSchedule.Settings s =
        schedule.retryInterval().equals(interval)
            ? new LifecycleSchedule.Settings(schedule.autoRenewLead(), schedule.retention(), v)
            : schedule;
    return new LifecycleSettings(run, v, batchSize, stopWait, s);
  }

  public LifecycleSettings withBatchSize(int v) {
    return new LifecycleSettings(run, interval, v, stopWait, schedule);
  }

  public LifecycleSettings withSchedule(LifecycleSchedule.Settings v) {
    return new LifecycleSettings(run, interval, batchSize, stopWait, v);
  }

  /** The flags of this area: name, default, description and validation. */
  public static final class Options {
    @Option(
        names = "--lifecycle-interval",
        defaultValue = "60s",
        converter = DurationConverter.class,
        paramLabel = "DURATION",
        description = "How often the lifecycle job runs. Default: ${DEFAULT-VALUE}.")
    Duration lifecycleInterval;

    @Option(
        names = "--auto-renew-lead",
        defaultValue = "24h",
        converter = DurationConverter.class,
        paramLabel = "DURATION",
        description =
            "First auto-renew attempt this long before expiry. Default: ${DEFAULT-VALUE}.")
    Duration autoRenewLead;

    @Option(
        names = "--retention",
        defaultValue = "7d",
        converter = DurationConverter.class,
        paramLabel = "DURATION",
        description = "Isolated instances are released after this. Default: ${DEFAULT-VALUE}.")
    Duration retention;

    @Option(
        names = "--auto-renew-retry-interval",
        converter = DurationConverter.class,
        paramLabel = "DURATION",
        description =
            "How soon a failed auto-renew attempt is retried before expiry. Default: every lifecycle run "
                + "(--lifecycle-interval).")
    Duration autoRenewRetryInterval;

    @Option(
        names = "--lifecycle-batch-size",
        defaultValue = "500",
        paramLabel = "N",
        // 500 rather than 200: the drain of 100,000 due instances runs about 20% faster (fewer
        // per-batch claims, account locks and commits); 1,000 adds little and holds the accounts'
        // locks twice as long (docs/BENCHMARKS.md, "Lifecycle batch size").
        description =
            "Due instances claimed and processed per transaction. Default: ${DEFAULT-VALUE}.")
    int lifecycleBatchSize;

    @Option(
        names = "--no-lifecycle",
        description = "Do not run the lifecycle job in this process (another replica runs it).")
    boolean noLifecycle;

    @Option(
        names = "--lifecycle-stop-wait",
        defaultValue = "30s",
        converter = DurationConverter.class,
        paramLabel = "DURATION",
        description =
            "On shutdown, how long a running lifecycle batch may take to finish (it commits or "
                + "rolls back as a whole). Default: ${DEFAULT-VALUE}.")
    Duration lifecycleStopWait;

    LifecycleSettings settings(Problems p) {
      p.positive("--lifecycle-interval", lifecycleInterval);
      p.atLeast("--retention", retention, Duration.ZERO);
      p.atLeast("--auto-renew-lead", autoRenewLead, Duration.ZERO);
      if (autoRenewLead.compareTo(Duration.ofDays(27)) > 0) {
        // A lead longer than the shortest month could renew a monthly instance twice in one sweep.
        p.add(
            "--auto-renew-lead",
            "must be at most 27d, got " + DurationConverter.format(autoRenewLead));
      }
      Duration retryInterval =
          autoRenewRetryInterval == null ? lifecycleInterval : autoRenewRetryInterval;
      p.positive("--auto-renew-retry-interval", retryInterval);
      p.range("--lifecycle-batch-size", lifecycleBatchSize, 1, 10_000);
      p.atLeast("--lifecycle-stop-wait", lifecycleStopWait, Duration.ZERO);
      return new LifecycleSettings(
          !noLifecycle,
          lifecycleInterval,
          lifecycleBatchSize,
          lifecycleStopWait,
          new LifecycleSchedule.Settings(autoRenewLead, retention, retryInterval));
    }
  }
}
