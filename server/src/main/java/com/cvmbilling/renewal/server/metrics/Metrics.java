package com.cvmbilling.renewal.server.metrics;

import com.cvmbilling.renewal.server.support.PortInUse;
import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.PoolStats;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The server's Prometheus metrics, in a registry of its own (one per server, so tests can run
 * several), served over HTTP by {@link #serve} when {@code --metrics-port} is set.
 *
 * <ul>
 *   <li>gRPC, named as in go-grpc-prometheus: {@code grpc_server_started_total}, {@code
 *       grpc_server_handled_total} (with {@code grpc_code}) and the latency histogram {@code
 *       grpc_server_handling_seconds}, each labelled {@code grpc_type}, {@code grpc_service},
 *       {@code grpc_method}; {@code renewal_rate_limited_total}.
 *   <li>Connection pool: {@code renewal_db_pool_connections{state=active|idle|total}}, {@code
 *       renewal_db_pool_max_connections}, {@code renewal_db_pool_pending_threads}, {@code
 *       renewal_db_pool_acquire_seconds}, {@code renewal_db_pool_connection_timeouts_total}.
 *   <li>Lifecycle job: {@code renewal_lifecycle_steps_total{step}}, {@code
 *       renewal_lifecycle_runs_total{result}}, {@code renewal_lifecycle_run_duration_seconds},
 *       {@code renewal_lifecycle_lag_seconds}, {@code
 *       renewal_lifecycle_last_success_timestamp_seconds}.
 *   <li>JVM and process: the Prometheus client's standard {@code jvm_*} and {@code process_*}.
 * </ul>
 */
public final class Metrics implements AutoCloseable {
  private static final double[] LATENCY_BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter callsStarted;
  private final Counter callsHandled;
  private final Histogram callLatency;
  private final Counter rateLimited;
  private final Counter lifecycleRuns;
  private final Histogram lifecycleRunDuration;
  private final Gauge lifecycleLag;
  private final Gauge lifecycleLastSuccess;
  private HTTPServer http;

  public Metrics() {
    JvmMetrics.builder().register(registry);
    callsStarted =
        Counter.builder()
            .name("grpc_server_started_total")
            .help("RPCs started on the server")
            .labelNames("grpc_type", "grpc_service", "grpc_method")
            .register(registry);
    callsHandled =
        Counter.builder()
            .name("grpc_server_handled_total")
            .help("RPCs completed on the server, by status code")
            .labelNames("grpc_type", "grpc_service", "grpc_method", "grpc_code")
            .register(registry);
    callLatency =
        Histogram.builder()
            .name("grpc_server_handling_seconds")
            .help("Time from the start of an RPC to its status, by method")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .labelNames("grpc_type", "grpc_service", "grpc_method")
            .register(registry);
    rateLimited =
        Counter.builder()
            .name("renewal_rate_limited_total")
            .help("Calls refused with RESOURCE_EXHAUSTED/RATE_LIMITED, by caller kind")
            .labelNames("caller")
            .register(registry);
    lifecycleRuns =
        Counter.builder()
            .name("renewal_lifecycle_runs_total")
            .help("Lifecycle job runs in this process, by result")
            .labelNames("result")
            .register(registry);
    lifecycleRunDuration =
        Histogram.builder()
            .name("renewal_lifecycle_run_duration_seconds")
            .help("Duration of a lifecycle job run (everything due at its start)")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300)
            .register(registry);
    lifecycleLag =
        Gauge.builder()
            .name("renewal_lifecycle_lag_seconds")
            .help(
                "How overdue the oldest due lifecycle step was when the last run started (0 = on time)")
            .unit(Unit.SECONDS)
            .register(registry);
    lifecycleLastSuccess =
        Gauge.builder()
            .name("renewal_lifecycle_last_success_timestamp_seconds")
            .help("Unix time at which the last successful lifecycle run ended")
            .register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** Starts the HTTP endpoint ({@code /metrics} only); port 0 picks a free one. */
  public synchronized int serve(String host, int port) throws IOException {
    return serve(host, port, () -> true);
  }

  /**
   * Starts the HTTP endpoint: {@code /metrics}, and the probes {@code /livez} (200 while the
   * process runs: a database outage must not make an orchestrator restart every replica) and {@code
   * /readyz} (200 while {@code ready}, else 503: take the replica out of the load balancer). Plain
   * HTTP, no client certificate, so probes work where the gRPC port needs mTLS.
   */
  public synchronized int serve(String host, int port, java.util.function.BooleanSupplier ready)
      throws IOException {
    try {
      http =
          HTTPServer.builder()
              .hostname(host)
              .port(port)
              .registry(registry)
              .defaultHandler(exchange -> probe(exchange, ready))
              .buildAndStart();
    } catch (IOException e) {
      throw PortInUse.is(e) ? PortInUse.of("--metrics-port", host, port) : e;
    }
    return http.getPort();
  }

  private static void probe(
      com.sun.net.httpserver.HttpExchange exchange, java.util.function.BooleanSupplier ready)
      throws IOException {
    String path = exchange.getRequestURI().getPath();
    int status;
    String body;
    switch (path) {
      case "/livez" -> {
        status = 200;
        body = "ok\n";
      }
      case "/readyz" -> {
        boolean up = ready.getAsBoolean();
        status = up ? 200 : 503;
        body = up ? "ok\n" : "not ready: the database does not answer, or shutting down\n";
      }
      default -> {
        status = 404;
        body = "not found; try /metrics, /livez or /readyz\n";
      }
    }
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  // ---- gRPC ----

  public void callStarted(String type, String service, String method) {
    callsStarted.labelValues(type, service, method).inc();
  }

  public void callHandled(String type, String service, String method, String code, double seconds) {
    callsHandled.labelValues(type, service, method, code).inc();
    callLatency.labelValues(type, service, method).observe(seconds);
  }

  public void rateLimited(String callerKind) {
    rateLimited.labelValues(callerKind).inc();
  }

  // ---- lifecycle job ----

  /** Exposes per-step counters kept by the lifecycle service (read at scrape time). */
  public void lifecycleSteps(Supplier<Map<String, Long>> counts) {
    CounterWithCallback.builder()
        .name("renewal_lifecycle_steps_total")
        .help("Lifecycle steps done by this process, by step (reminder, auto_renew, ...)")
        .labelNames("step")
        .callback(cb -> counts.get().forEach((step, n) -> cb.call(n, step)))
        .register(registry);
  }

  public void transactionConflictReruns(java.util.function.LongSupplier count) {
    CounterWithCallback.builder()
        .name("renewal_db_conflict_reruns_total")
        .help(
            "Transactions run again after a deadlock, lock wait timeout or Galera certification"
                + " conflict (the caller saw none of them)")
        .callback(cb -> cb.call(count.getAsLong()))
        .register(registry);
  }

  public void lifecycleRun(boolean ok, double seconds, long endEpochMillis) {
    lifecycleRuns.labelValues(ok ? "ok" : "failed").inc();
    lifecycleRunDuration.observe(seconds);
    if (ok) {
      lifecycleLastSuccess.set(endEpochMillis / 1000.0);
    }
  }

  public void lifecycleLag(double seconds) {
    lifecycleLag.set(Math.max(0, seconds));
  }

  // ---- connection pool ----

  /** For {@code HikariDataSource.setMetricsTrackerFactory}: pool gauges, acquire time, timeouts. */
  public MetricsTrackerFactory poolMetrics() {
    return (poolName, stats) -> {
      registerPoolGauges(stats);
      Histogram acquire =
          Histogram.builder()
              .name("renewal_db_pool_acquire_seconds")
              .help("Time a caller waited for a pooled database connection")
              .unit(Unit.SECONDS)
              .classicOnly()
              .classicUpperBounds(0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5)
              .register(registry);
      Counter timeouts =
          Counter.builder()
              .name("renewal_db_pool_connection_timeouts_total")
              .help("Waits for a pooled connection that timed out")
              .register(registry);
      return new IMetricsTracker() {
        @Override
        public void recordConnectionAcquiredNanos(long nanos) {
          acquire.observe(nanos / 1e9);
        }

        @Override
        public void recordConnectionTimeout() {
          timeouts.inc();
        }
      };
    };
  }

  private void registerPoolGauges(PoolStats stats) {
    GaugeWithCallback.builder()
        .name("renewal_db_pool_connections")
        .help("Pooled database connections by state")
        .labelNames("state")
        .callback(
            cb -> {
              cb.call(stats.getActiveConnections(), "active");
              cb.call(stats.getIdleConnections(), "idle");
              cb.call(stats.getTotalConnections(), "total");
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("renewal_db_pool_max_connections")
        .help("Configured maximum pool size")
        .callback(cb -> cb.call(stats.getMaxConnections()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("renewal_db_pool_pending_threads")
        .help("Threads waiting for a pooled connection")
        .callback(cb -> cb.call(stats.getPendingThreads()))
        .register(registry);
  }

  @Override
  public synchronized void close() {
    if (http != null) {
      http.close();
      http = null;
    }
  }
}
