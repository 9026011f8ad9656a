package com.cvmbilling.renewal.server.testing;

import com.cvmbilling.renewal.server.app.RenewalServer;
import com.cvmbilling.renewal.server.config.ServerConfig;
import com.cvmbilling.renewal.server.persistence.DatabaseSettings;
import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.CreateAccountRequest;
import com.cvmbilling.renewal.v1.CreateAccountResponse;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.RenewFlag;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.google.protobuf.Timestamp;
import com.google.type.Money;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * A full server (real Guice graph, real database, all interceptors) behind an in-process transport,
 * with helpers to create accounts and instances through the admin API.
 */
public final class TestServer implements AutoCloseable {
  public static final String ADMIN_KEY = "test-admin-key";

  private final RenewalServer server;
  private final ManagedChannel channel;

  public TestServer(DatabaseSettings database) {
    this(database, Clock.tickMillis(ZoneOffset.UTC));
  }

  public TestServer(DatabaseSettings database, Clock clock) {
    this(ServerConfig.forTests(database, List.of(ADMIN_KEY)), clock);
  }

  /**
   * With a configuration of the test's own (e.g. {@code ServerConfig.forTests(db,
   * List.of(ADMIN_KEY)) .toBuilder().retention(...).build()}); it should accept {@link #ADMIN_KEY}.
   * The port is ignored: the server is in-process.
   */
  public TestServer(ServerConfig config, Clock clock) {
    String name = "renewal-" + UUID.randomUUID();
    server = RenewalServer.create(config, clock);
    try {
      server.start(InProcessServerBuilder.forName(name).directExecutor());
    } catch (IOException e) {
      server.close();
      throw new UncheckedIOException(e);
    }
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  public RenewalServer server() {
    return server;
  }

  public ManagedChannel channel() {
    return channel;
  }

  public static Metadata bearer(String key) {
    Metadata md = new Metadata();
    md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
    return md;
  }

  public AdminServiceGrpc.AdminServiceBlockingStub admin() {
    return AdminServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(ADMIN_KEY)));
  }

  public RenewalServiceGrpc.RenewalServiceBlockingStub tenant(String apiKey) {
    return RenewalServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(apiKey)));
  }

  public RenewalServiceGrpc.RenewalServiceBlockingStub tenant(TestAccount account) {
    return tenant(account.apiKey());
  }

  public record TestAccount(String accountId, String apiKey) {}

  /** A new account with this balance in fen (Asia/Shanghai). */
  public TestAccount createAccount(long balanceFen) {
    return createAccount(balanceFen, "Asia/Shanghai");
  }

  public TestAccount createAccount(long balanceFen, String timeZone) {
    CreateAccountResponse created =
        admin()
            .createAccount(
                CreateAccountRequest.newBuilder()
                    .setDisplayName("test account")
                    .setBillingTimeZone(timeZone)
                    .setInitialBalance(money(balanceFen))
                    .build());
    return new TestAccount(created.getAccount().getAccountId(), created.getApiKey());
  }

  /** Prepaid instances of a type expiring at {@code expiry}. */
  public List<Instance> createPrepaid(
      TestAccount account, String instanceType, int bandwidthMbps, int count, Instant expiry) {
    return admin()
        .createInstances(
            CreateInstancesRequest.newBuilder()
                .setAccountId(account.accountId())
                .setInstanceType(instanceType)
                .setChargeType(Instance.ChargeType.PREPAID)
                .setBandwidthMbps(bandwidthMbps)
                .setRenewFlag(RenewFlag.NOTIFY_AND_MANUAL_RENEW)
                .setCount(count)
                .setExpiredTime(timestamp(expiry))
                .build())
        .getInstancesList();
  }

  public List<Instance> createPostpaid(TestAccount account, String instanceType, int count) {
    return admin()
        .createInstances(
            CreateInstancesRequest.newBuilder()
                .setAccountId(account.accountId())
                .setInstanceType(instanceType)
                .setChargeType(Instance.ChargeType.POSTPAID_BY_HOUR)
                .setBandwidthMbps(1)
                .setCount(count)
                .build())
        .getInstancesList();
  }

  public static Money money(long fen) {
    return Money.newBuilder()
        .setCurrencyCode("CNY")
        .setUnits(fen / 100)
        .setNanos((int) (fen % 100) * 10_000_000)
        .build();
  }

  public static long fen(Money money) {
    return money.getUnits() * 100 + money.getNanos() / 10_000_000;
  }

  public static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  public static Instant instant(Timestamp ts) {
    return Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.close();
  }
}
