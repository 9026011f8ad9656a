package com.cvmbilling.renewal.client.testing;

import com.cvmbilling.renewal.client.AdminClient;
import com.cvmbilling.renewal.client.ClientBuilder;
import com.cvmbilling.renewal.client.RenewalClient;
import com.cvmbilling.renewal.client.model.Amount;
import com.cvmbilling.renewal.client.model.InstanceInfo;
import com.cvmbilling.renewal.client.model.NewAccount;
import com.cvmbilling.renewal.client.model.ProtoTypes;
import com.cvmbilling.renewal.server.app.RenewalServer;
import com.cvmbilling.renewal.server.config.RateLimitSettings;
import com.cvmbilling.renewal.server.config.ServerConfig;
import com.cvmbilling.renewal.server.persistence.DatabaseSettings;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.RenewFlag;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The real server (its whole Guice graph and interceptors) on a real Netty port on loopback, over a
 * private in-memory H2 database that outlives {@link #stop()}, so {@link #restart()} brings the
 * same data back on the same port. Several instances may share one database.
 */
public final class RealServer implements AutoCloseable {
  public static final String ADMIN_KEY = "sdk-test-admin-key";

  private final String dbUrl;
  private final ServerCredentials credentials;
  private final List<ServerInterceptor> interceptors;
  private final boolean ownsDatabase;
  private final RateLimitSettings rateLimit;
  private RenewalServer server;
  private int port;

  private RealServer(
      String dbUrl,
      boolean ownsDatabase,
      ServerCredentials credentials,
      List<ServerInterceptor> interceptors,
      RateLimitSettings rateLimit) {
    this.dbUrl = dbUrl;
    this.ownsDatabase = ownsDatabase;
    this.rateLimit = rateLimit;
    this.credentials = credentials;
    this.interceptors = List.copyOf(interceptors);
    start(0);
  }

  public static RealServer start(ServerInterceptor... interceptors) {
    return new RealServer(
        newDatabaseUrl(),
        true,
        InsecureServerCredentials.create(),
        List.of(interceptors),
        RateLimitSettings.OFF);
  }

  public static RealServer startWithTls(ServerCredentials credentials) {
    return new RealServer(newDatabaseUrl(), true, credentials, List.of(), RateLimitSettings.OFF);
  }

  /** With the server's rate limit on: {@code perSecond} calls a second per account, bursts. */
  public static RealServer startWithRateLimit(long perSecond, long burst) {
    return new RealServer(
        newDatabaseUrl(),
        true,
        InsecureServerCredentials.create(),
        List.of(),
        new RateLimitSettings(perSecond, burst));
  }

  /** Another server on its own port over this one's database (like a second replica). */
  public RealServer replica() {
    return new RealServer(
        dbUrl, false, InsecureServerCredentials.create(), List.of(), RateLimitSettings.OFF);
  }

  private static String newDatabaseUrl() {
    return "jdbc:h2:mem:sdk_"
        + UUID.randomUUID().toString().replace("-", "")
        + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
  }

  private void start(int onPort) {
    DatabaseSettings db = new DatabaseSettings(dbUrl, "sa", "", Path.of("target"), 8);
    ServerConfig config =
        ServerConfig.builder(db)
            .adminKeys(List.of(ADMIN_KEY))
            .runLifecycle(false)
            .eventsPollInterval(Duration.ofMillis(50))
            .rateLimit(rateLimit)
            .build();
    server = RenewalServer.create(config);
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", onPort), credentials);
    for (ServerInterceptor i : interceptors) {
      builder.intercept(i);
    }
    try {
      server.start(builder);
    } catch (IOException e) {
      server.close();
      throw new UncheckedIOException(e);
    }
    port = server.port();
  }

  public int port() {
    return port;
  }

  public String target() {
    return "127.0.0.1:" + port;
  }

  /** Graceful stop: open streams end with UNAVAILABLE. The database stays. */
  public void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** Starts again on the same port, over the same database. */
  public void restart() {
    stop();
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        start(port);
        return;
      } catch (UncheckedIOException e) {
        if (System.nanoTime() > until) {
          throw e;
        }
        sleep(100);
      }
    }
  }

  /** A plaintext client builder pointed at this server. */
  public ClientBuilder<RenewalClient> tenantBuilder(String apiKey) {
    return RenewalClient.newBuilder().target(target()).plaintext().apiKey(apiKey);
  }

  public AdminClient admin() {
    return AdminClient.newBuilder().target(target()).plaintext().apiKey(ADMIN_KEY).build();
  }

  /** A new account with this balance (CNY) and its tenant key. */
  public NewAccount createAccount(String balance) {
    try (AdminClient admin = admin()) {
      return admin.createAccount("sdk test", ZoneId.of("Asia/Shanghai"), Amount.cny(balance));
    }
  }

  /**
   * {@code count} prepaid S5.SMALL2 instances (5 Mbps) expiring at {@code expiry}, 100 per call.
   */
  public List<InstanceInfo> createPrepaid(String accountId, int count, Instant expiry) {
    List<InstanceInfo> all = new ArrayList<>();
    try (AdminClient admin = admin()) {
      for (int left = count; left > 0; left -= 100) {
        all.addAll(
            admin.createInstances(
                CreateInstancesRequest.newBuilder()
                    .setAccountId(accountId)
                    .setInstanceType("S5.SMALL2")
                    .setChargeType(Instance.ChargeType.PREPAID)
                    .setBandwidthMbps(5)
                    .setRenewFlag(RenewFlag.NOTIFY_AND_MANUAL_RENEW)
                    .setCount(Math.min(100, left))
                    .setExpiredTime(ProtoTypes.toTimestamp(expiry))
                    .build()));
      }
    }
    return all;
  }

  @Override
  public void close() {
    stop();
    if (ownsDatabase) {
      try (Connection c = DriverManager.getConnection(dbUrl, "sa", "");
          Statement s = c.createStatement()) {
        s.execute("SHUTDOWN");
      } catch (SQLException ignored) {
        // already gone
      }
    }
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
