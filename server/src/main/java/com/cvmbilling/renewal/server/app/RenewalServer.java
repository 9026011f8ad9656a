package com.cvmbilling.renewal.server.app;

import com.cvmbilling.renewal.server.config.ClockSettings;
import com.cvmbilling.renewal.server.config.MetricsSettings;
import com.cvmbilling.renewal.server.config.ServerConfig;
import com.cvmbilling.renewal.server.config.TransportSettings;
import com.cvmbilling.renewal.server.grpc.AdminGrpcService;
import com.cvmbilling.renewal.server.grpc.AuthInterceptor;
import com.cvmbilling.renewal.server.grpc.CallObserver;
import com.cvmbilling.renewal.server.grpc.ExceptionMappingInterceptor;
import com.cvmbilling.renewal.server.grpc.MalformedRequestGuard;
import com.cvmbilling.renewal.server.grpc.RateLimitInterceptor;
import com.cvmbilling.renewal.server.grpc.RenewalGrpcService;
import com.cvmbilling.renewal.server.grpc.TestClockGrpcService;
import com.cvmbilling.renewal.server.grpc.TransportEdgeGuard;
import com.cvmbilling.renewal.server.http.HttpJsonServer;
import com.cvmbilling.renewal.server.metrics.Metrics;
import com.cvmbilling.renewal.server.persistence.DataSources;
import com.cvmbilling.renewal.server.persistence.EventStore;
import com.cvmbilling.renewal.server.persistence.PersistenceModule;
import com.cvmbilling.renewal.server.persistence.Transactions;
import com.cvmbilling.renewal.server.service.EventStreams;
import com.cvmbilling.renewal.server.service.IdempotencyService;
import com.cvmbilling.renewal.server.service.LifecycleService;
import com.cvmbilling.renewal.server.service.TestClock;
import com.cvmbilling.renewal.server.support.PortInUse;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.zaxxer.hikari.HikariDataSource;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: pool, schema, Guice graph, gRPC server with health and reflection, and a
 * database probe that flips health between SERVING and NOT_SERVING; metrics, TLS and limits.
 */
public final class RenewalServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RenewalServer.class);

  private final ServerConfig config;
  private final HikariDataSource dataSource;
  private final Injector injector;
  private final Metrics metrics;
  private final CallObserver callObserver;
  private final HealthStatusManager health = new HealthStatusManager();

  /**
   * gRPC health service names for probes: "liveness" is SERVING until shutdown whatever the
   * database does; "readiness" (like "" and the API services) follows the database.
   */
  static final String LIVENESS = "liveness";

  static final String READINESS = "readiness";
  private final ScheduledExecutorService probe =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "db-health-probe");
            t.setDaemon(true);
            return t;
          });
  private Server server;
  private HttpJsonServer http;
  private LifecycleRunner lifecycleRunner;
  private volatile boolean closed;

  private int metricsPort;

  /** The last status the probe set; it starts SERVING (start-up reached the database). */
  private volatile ServingStatus lastHealth = ServingStatus.SERVING;

  private RenewalServer(
      ServerConfig config, HikariDataSource dataSource, Injector injector, Metrics metrics) {
    this.config = config;
    this.dataSource = dataSource;
    this.injector = injector;
    this.metrics = metrics;
    this.callObserver = injector.getInstance(CallObserver.class);
    health.setStatus(LIVENESS, ServingStatus.SERVING);
    health.setStatus(READINESS, ServingStatus.SERVING);
  }

  /** Connects, migrates and wires everything; does not listen yet. */
  public static RenewalServer create(ServerConfig config) {
    ClockSettings c = config.clock();
    Clock clock =
        c.testClock()
            ? new TestClock(c.testClockStart() != null ? c.testClockStart() : Instant.now())
            : Clock.tickMillis(ZoneOffset.UTC);
    return create(config, clock);
  }

  public static RenewalServer create(ServerConfig config, Clock clock) {
    DataSources.Opened database =
        DataSources.open(config.database(), config.databaseProbe().startTimeout());
    HikariDataSource dataSource = database.pool();
    try {
      Metrics metrics = new Metrics();
      dataSource.setMetricsTrackerFactory(metrics.poolMetrics());
      Injector injector =
          Guice.createInjector(
              new ServerModule(config, clock, metrics),
              new PersistenceModule(dataSource, config.transactions(), database.server()),
              new GrpcModule(),
              new LifecycleModule(clock));
      if (clock instanceof TestClock testClock) {
        warnIfTheDataIsLater(injector, testClock.instant());
      }
      metrics.lifecycleSteps(injector.getInstance(LifecycleService.class)::stepCounts);
      metrics.transactionConflictReruns(injector.getInstance(Transactions.class)::conflictReruns);
      return new RenewalServer(config, dataSource, injector, metrics);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  /**
   * A test clock started on a database that already holds later events (a walk-through's data
   * directory used again) would run time backwards for those accounts: say so, once.
   */
  private static void warnIfTheDataIsLater(Injector injector, Instant start) {
    Optional<Instant> latest =
        injector
            .getInstance(Transactions.class)
            .inTransaction(() -> injector.getInstance(EventStore.class).latestOccurredTime());
    latest
        .filter(start::isBefore)
        .ifPresent(
            last ->
                log.warn(
                    "TEST CLOCK starts at {}, but this database already holds events up to {} (a"
                        + " data directory used before?): for those accounts time runs backwards;"
                        + " start on a fresh --data-dir or with --test-clock={}",
                    start,
                    last,
                    last));
  }

  public Injector injector() {
    return injector;
  }

  public Metrics metrics() {
    return metrics;
  }

  /**
   * The services with their interceptors, for a real or an in-process server. Ours, outermost
   * first: call observer (request id, RequestInfo), authentication, rate limit, error mapping,
   * malformed-request guard (a request that did not parse is INVALID_ARGUMENT). Health and
   * reflection need no key: they only get the call observer.
   */
  public List<ServerServiceDefinition> services() {
    List<ServerServiceDefinition> defs = new java.util.ArrayList<>(apiServices(List.of()));
    defs.add(ServerInterceptors.intercept(health.getHealthService(), callObserver));
    defs.add(ServerInterceptors.intercept(ProtoReflectionServiceV1.newInstance(), callObserver));
    @SuppressWarnings("deprecation")
    BindableService v1alpha = ProtoReflectionService.newInstance();
    defs.add(ServerInterceptors.intercept(v1alpha, callObserver));
    return defs;
  }

  /**
   * The API services (RenewalService, AdminService, TestClockService when on) with the interceptor
   * chain of {@link #services()}, and {@code innermost} (e.g. the HTTP port's) inside it, just
   * before the service. The interceptors are the injector's, so both ports share one rate limiter.
   */
  public List<ServerServiceDefinition> apiServices(List<ServerInterceptor> innermost) {
    List<ServerInterceptor> chain = new java.util.ArrayList<>(innermost);
    // ServerInterceptors.intercept runs the last one first.
    chain.add(injector.getInstance(MalformedRequestGuard.class));
    chain.add(injector.getInstance(ExceptionMappingInterceptor.class));
    if (config.rateLimit().enabled()) {
      chain.add(injector.getInstance(RateLimitInterceptor.class));
    }
    chain.add(injector.getInstance(AuthInterceptor.class));
    chain.add(callObserver);
    List<BindableService> ours =
        new java.util.ArrayList<>(
            List.of(
                injector.getInstance(RenewalGrpcService.class),
                injector.getInstance(AdminGrpcService.class)));
    injector
        .getInstance(Key.get(new TypeLiteral<Optional<TestClockGrpcService>>() {}))
        .ifPresent(ours::add);
    List<ServerServiceDefinition> defs = new java.util.ArrayList<>();
    for (BindableService s : ours) {
      defs.add(
          ServerInterceptors.intercept(MalformedRequestGuard.tolerant(s.bindService()), chain));
    }
    return defs;
  }

  /** Listens on {@code --host}:{@code --port} with the configured TLS, limits and keepalive. */
  public RenewalServer start() throws IOException {
    return start(transportBuilder());
  }

  private NettyServerBuilder transportBuilder() throws IOException {
    TransportSettings t = config.transport();
    InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(t.host()), t.port());
    NettyServerBuilder builder;
    if (t.tls() != null) {
      TlsServerCredentials.Builder tls =
          TlsServerCredentials.newBuilder()
              .keyManager(t.tls().certChain().toFile(), t.tls().privateKey().toFile());
      if (t.tls().mutual()) {
        tls.trustManager(t.tls().clientCa().toFile())
            .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      ServerCredentials credentials = tls.build();
      builder = NettyServerBuilder.forAddress(address, credentials);
    } else {
      builder = NettyServerBuilder.forAddress(address);
      if (!address.getAddress().isLoopbackAddress()) {
        log.warn(
            "serving PLAINTEXT on {}: API keys cross the network in the clear; "
                + "use --tls-cert/--tls-key outside loopback and tests",
            t.host());
      }
    }
    builder
        .maxConcurrentCallsPerConnection(t.maxConcurrentCallsPerConnection())
        .keepAliveTime(t.keepaliveTime().toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(t.keepaliveTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .permitKeepAliveTime(t.permitKeepaliveTime().toMillis(), TimeUnit.MILLISECONDS)
        .permitKeepAliveWithoutCalls(false);
    if (!t.maxConnectionIdle().isZero()) {
      builder.maxConnectionIdle(t.maxConnectionIdle().toMillis(), TimeUnit.MILLISECONDS);
    }
    return builder;
  }

  public RenewalServer start(ServerBuilder<?> builder) throws IOException {
    services().forEach(builder::addService);
    // The HTTP/2 header limit is twice --max-metadata-size, which the edge guard enforces with a
    // status (DESIGN "The transport edge").
    int metadataLimit = config.transport().maxInboundMetadataBytes();
    builder
        .addStreamTracerFactory(new TransportEdgeGuard(metadataLimit))
        .addStreamTracerFactory(callObserver)
        .maxInboundMessageSize(config.transport().maxInboundMessageBytes())
        .maxInboundMetadataSize(TransportEdgeGuard.transportLimit(metadataLimit));
    TransportSettings t = config.transport();
    try {
      server = builder.build().start();
    } catch (IOException e) {
      throw PortInUse.is(e) ? PortInUse.of("--port", t.host(), t.port()) : e;
    }
    if (config.http().enabled()) {
      try {
        http = HttpJsonServer.start(this::apiServices, callObserver, t, config.http());
      } catch (RuntimeException e) {
        server.shutdownNow();
        throw PortInUse.is(e)
            ? PortInUse.of("--http-port", t.host(), config.http().port())
            : new IOException("cannot start the HTTP/JSON port: " + e.getMessage(), e);
      }
    }
    MetricsSettings m = config.metrics();
    if (m.enabled()) {
      metricsPort =
          metrics.serve(m.host(), m.port(), () -> !closed && lastHealth == ServingStatus.SERVING);
      log.info("metrics on http://{}:{}/metrics", m.host(), metricsPort);
    }
    probe.scheduleWithFixedDelay(
        this::probeDatabase,
        0,
        config.databaseProbe().probeInterval().toMillis(),
        TimeUnit.MILLISECONDS);
    // The first purge a minute after start (as before the interval became a setting), then every
    // interval.
    long purgeMillis = config.idempotency().purgeInterval().toMillis();
    probe.scheduleWithFixedDelay(
        this::purgeExpiredIdempotencyKeys,
        Math.min(purgeMillis, 60_000),
        purgeMillis,
        TimeUnit.MILLISECONDS);
    if (config.lifecycle().run()) {
      lifecycleRunner = injector.getInstance(LifecycleRunner.class);
      lifecycleRunner.start();
    }
    log.info(
        "renewal server listening on port {} ({}; database {})",
        port(),
        config.transport().tls() == null
            ? "plaintext"
            : config.transport().tls().mutual() ? "mutual TLS" : "TLS",
        config.database().redactedUrl());
    return this;
  }

  public int port() {
    return server.getPort();
  }

  /** The HTTP/JSON port, or 0 when it is off. */
  public int httpPort() {
    return http == null ? 0 : http.port();
  }

  /** The metrics endpoint's port, or 0 when it is off. */
  public int metricsPort() {
    return metricsPort;
  }

  /**
   * Sets health to SERVING when the database answers, NOT_SERVING when it does not, and logs each
   * change with its cause.
   */
  public void probeDatabase() {
    boolean up;
    String why = null;
    if (DataSources.isEmptyNetworkPool(dataSource)) {
      // No connection at all: the database was (or still is) down. Ask it directly rather than wait
      // up to 5 s for the pool, and if it answers, make the pool reconnect at once.
      up = DataSources.wakeUpIfDatabaseAnswers(dataSource);
      why = "no connection to the database";
    } else {
      try (Connection c = dataSource.getConnection()) {
        up = DataSources.answers(c);
      } catch (java.sql.SQLException e) {
        up = false;
        why = DataSources.cause(e);
      } catch (RuntimeException e) {
        up = false;
        why = e.toString();
      }
    }
    ServingStatus status = up ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    if (status != lastHealth) {
      if (up) {
        log.info("health: SERVING (the database answers again)");
      } else {
        log.warn("health: NOT_SERVING ({})", why);
      }
      lastHealth = status;
    }
    health.setStatus("", status);
    health.setStatus(READINESS, status);
    health.setStatus("cvm.renewal.v1.RenewalService", status);
    health.setStatus("cvm.renewal.v1.AdminService", status);
  }

  /** Idempotency keys are kept for their retention and then removed in small batches. */
  private void purgeExpiredIdempotencyKeys() {
    try {
      IdempotencyService keys = injector.getInstance(IdempotencyService.class);
      int removed;
      do {
        removed = keys.purgeExpired(1000);
      } while (removed == 1000);
    } catch (RuntimeException e) {
      log.warn("purging expired idempotency keys failed; will retry", e);
    }
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Graceful: stop accepting, let in-flight calls finish (up to the drain time), cancel the rest,
   * then close the pool.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    injector.getInstance(LifecycleService.class).stop();
    health.enterTerminalState();
    probe.shutdownNow();
    if (lifecycleRunner != null) {
      lifecycleRunner.close();
    }
    CompletableFuture<Void> httpStopped =
        http == null ? CompletableFuture.completedFuture(null) : http.stop();
    if (server != null) {
      server.shutdown();
      injector.getInstance(EventStreams.class).close();
      try {
        TransportSettings t = config.transport();
        if (!server.awaitTermination(t.drainTime().toMillis(), TimeUnit.MILLISECONDS)) {
          server.shutdownNow();
          server.awaitTermination(t.drainCancelWait().toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        server.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    if (http != null) {
      try {
        httpStopped.get(config.transport().drainTime().toMillis() + 5000, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        log.warn("the HTTP/JSON port did not stop cleanly: {}", e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    metrics.close();
    dataSource.close();
  }
}
