package com.cvmbilling.renewal.server.testing;

import com.cvmbilling.renewal.server.app.RenewalServer;
import com.cvmbilling.renewal.server.config.ServerConfig;
import com.cvmbilling.renewal.server.config.TransportSettings;
import com.cvmbilling.renewal.server.persistence.DatabaseSettings;
import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.CreateAccountRequest;
import com.cvmbilling.renewal.v1.CreateAccountResponse;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.RenewFlag;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The production transport (Netty on 127.0.0.1, an ephemeral port, TLS and limits as configured)
 * around a full server, for tests of what only a real socket shows: TLS, message and metadata
 * limits, keepalive, the metrics endpoint. Plaintext channels to it are created here.
 */
public final class TcpTestServer implements AutoCloseable {
  public static final String ADMIN_KEY = TestServer.ADMIN_KEY;

  private final RenewalServer server;
  private final ServerConfig config;
  private ManagedChannel channel;

  /** {@code customize} gets a test configuration (loopback, port 0, the admin key) to adjust. */
  public TcpTestServer(DatabaseSettings database, UnaryOperator<ServerConfig.Builder> customize) {
    ServerConfig.Builder builder =
        ServerConfig.builder(database)
            // The transport first: its own port (the default, 50051) would replace port 0.
            .transport(TransportSettings.fromFlags("--host", "127.0.0.1"))
            .port(0)
            .adminKeys(List.of(ADMIN_KEY))
            .runLifecycle(false);
    config = customize.apply(builder).build();
    server = RenewalServer.create(config);
    try {
      server.start();
    } catch (IOException e) {
      server.close();
      throw new UncheckedIOException(e);
    }
  }

  public RenewalServer server() {
    return server;
  }

  public ServerConfig config() {
    return config;
  }

  public int port() {
    return server.port();
  }

  /** A plaintext channel to the server (shared; closed with the server). */
  public synchronized ManagedChannel channel() {
    if (channel == null) {
      channel = NettyChannelBuilder.forAddress("127.0.0.1", port()).usePlaintext().build();
    }
    return channel;
  }

  public AdminServiceGrpc.AdminServiceBlockingStub admin() {
    return AdminServiceGrpc.newBlockingStub(channel())
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(TestServer.bearer(ADMIN_KEY)));
  }

  public RenewalServiceGrpc.RenewalServiceBlockingStub tenant(String apiKey) {
    return RenewalServiceGrpc.newBlockingStub(channel())
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(TestServer.bearer(apiKey)));
  }

  public TestServer.TestAccount createAccount(long balanceFen) {
    CreateAccountResponse created =
        admin()
            .createAccount(
                CreateAccountRequest.newBuilder()
                    .setDisplayName("tcp test account")
                    .setBillingTimeZone("Asia/Shanghai")
                    .setInitialBalance(TestServer.money(balanceFen))
                    .build());
    return new TestServer.TestAccount(created.getAccount().getAccountId(), created.getApiKey());
  }

  public List<Instance> createPrepaid(TestServer.TestAccount account, int count, Instant expiry) {
    return admin()
        .createInstances(
            CreateInstancesRequest.newBuilder()
                .setAccountId(account.accountId())
                .setInstanceType("S5.SMALL2")
                .setChargeType(Instance.ChargeType.PREPAID)
                .setBandwidthMbps(1)
                .setRenewFlag(RenewFlag.NOTIFY_AND_MANUAL_RENEW)
                .setCount(count)
                .setExpiredTime(TestServer.timestamp(expiry))
                .build())
        .getInstancesList();
  }

  /** A port that was free a moment ago (for the metrics endpoint, which takes a fixed port). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.shutdownNow();
    }
    server.close();
  }
}
