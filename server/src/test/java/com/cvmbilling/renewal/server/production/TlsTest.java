package com.cvmbilling.renewal.server.production;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cvmbilling.renewal.server.config.TransportSettings;
import com.cvmbilling.renewal.server.testing.TcpTestServer;
import com.cvmbilling.renewal.server.testing.TestCertificates;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.CreateAccountRequest;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mutual TLS on the real transport, with certificates made for each test. */
@Tier.H2
@Tier.Network
class TlsTest {
  @TempDir Path dir;

  private TestDatabases.TestDatabase db;
  private TcpTestServer server;
  private TestCertificates.Issued ca;
  private TestCertificates.Issued serverCert;

  @BeforeEach
  void certificates() {
    db = TestDatabases.h2();
    ca = TestCertificates.ca(dir, "test-ca");
    serverCert = TestCertificates.server(dir, ca);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    db.close();
  }

  private void startServer(Path clientCa) {
    List<String> flags =
        new ArrayList<>(
            List.of(
                "--host",
                "127.0.0.1",
                "--tls-cert",
                serverCert.certFile().toString(),
                "--tls-key",
                serverCert.keyFile().toString()));
    if (clientCa != null) {
      flags.addAll(List.of("--tls-client-ca", clientCa.toString()));
    }
    TransportSettings transport = TransportSettings.fromFlags(flags.toArray(String[]::new));
    server = new TcpTestServer(db.settings(), b -> b.transport(transport));
  }

  private ManagedChannel tlsChannel(TestCertificates.Issued client) throws IOException {
    TlsChannelCredentials.Builder creds =
        TlsChannelCredentials.newBuilder().trustManager(ca.certFile().toFile());
    if (client != null) {
      creds.keyManager(client.certFile().toFile(), client.keyFile().toFile());
    }
    return channel(creds.build());
  }

  private ManagedChannel channel(ChannelCredentials creds) {
    return NettyChannelBuilder.forAddress("localhost", server.port(), creds).build();
  }

  private static ServingStatus health(ManagedChannel channel) {
    try {
      return HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance())
          .getStatus();
    } finally {
      channel.shutdownNow();
    }
  }

  private static StatusRuntimeException healthFails(ManagedChannel channel) {
    try {
      return catchThrowableOfType(
          StatusRuntimeException.class,
          () ->
              HealthGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .check(HealthCheckRequest.getDefaultInstance()));
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void tlsClientConnectsAndCalls() throws Exception {
    startServer(null);
    assertThat(health(tlsChannel(null))).isEqualTo(ServingStatus.SERVING);
    ManagedChannel channel = tlsChannel(null);
    try {
      var created =
          AdminServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .withInterceptors(
                  MetadataUtils.newAttachHeadersInterceptor(
                      TestServer.bearer(TcpTestServer.ADMIN_KEY)))
              .createAccount(CreateAccountRequest.newBuilder().setDisplayName("over tls").build());
      assertThat(created.getApiKey()).isNotEmpty();
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void plaintextToTlsPortFails() throws Exception {
    startServer(null);
    StatusRuntimeException e =
        healthFails(
            NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build());
    assertThat(e).as("a plaintext call to the TLS port").isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    // The port still serves TLS clients.
    assertThat(health(tlsChannel(null))).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void clientThatDoesNotTrustTheServerFails() throws Exception {
    startServer(null);
    TestCertificates.Issued otherCa = TestCertificates.ca(dir, "other-ca");
    StatusRuntimeException e =
        healthFails(
            channel(
                TlsChannelCredentials.newBuilder()
                    .trustManager(otherCa.certFile().toFile())
                    .build()));
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void mutualTlsAcceptsAClientCertificateFromTheClientCa() throws Exception {
    startServer(ca.certFile());
    TestCertificates.Issued client = TestCertificates.client(dir, "client", ca);
    assertThat(health(tlsChannel(client))).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void mutualTlsRefusesAClientWithoutCertificate() throws Exception {
    startServer(ca.certFile());
    StatusRuntimeException e = healthFails(tlsChannel(null));
    assertThat(e).as("a TLS client without a certificate").isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void mutualTlsRefusesAClientCertificateFromAnotherCa() throws Exception {
    startServer(ca.certFile());
    TestCertificates.Issued otherCa = TestCertificates.ca(dir, "other-ca");
    TestCertificates.Issued stranger = TestCertificates.client(dir, "stranger", otherCa);
    StatusRuntimeException e = healthFails(tlsChannel(stranger));
    assertThat(e).as("a client certificate issued by another CA").isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    // A proper client still gets in.
    assertThat(health(tlsChannel(TestCertificates.client(dir, "client", ca))))
        .isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void mutualTlsRefusesPlaintext() {
    startServer(ca.certFile());
    StatusRuntimeException e =
        healthFails(
            NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build());
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }
}
