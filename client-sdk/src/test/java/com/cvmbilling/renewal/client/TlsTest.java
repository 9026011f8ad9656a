package com.cvmbilling.renewal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cvmbilling.renewal.client.error.TlsMismatchException;
import com.cvmbilling.renewal.client.error.UnavailableException;
import com.cvmbilling.renewal.client.model.NewAccount;
import com.cvmbilling.renewal.client.testing.RealServer;
import com.cvmbilling.renewal.server.testing.TestCertificates;
import com.cvmbilling.renewal.server.testing.TestCertificates.Issued;
import com.cvmbilling.renewal.server.testing.Tier;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mutual TLS with certificates the test makes; the wrong certificates are refused. */
@Tier.H2
@Tier.Network
class TlsTest {
  private static Issued ca;
  private static Issued serverCert;
  private static Issued clientCert;
  private static Issued rogueClientCert;

  @BeforeAll
  static void certificates() {
    ca = TestCertificates.certificateAuthority("renewal test CA");
    serverCert = TestCertificates.server(ca);
    clientCert = TestCertificates.client(ca, "billing-client");
    rogueClientCert =
        TestCertificates.client(
            TestCertificates.certificateAuthority("rogue CA"), "billing-client");
  }

  private static ServerCredentials serverTls(boolean requireClientCertificate) throws IOException {
    TlsServerCredentials.Builder b =
        TlsServerCredentials.newBuilder()
            .keyManager(
                new ByteArrayInputStream(serverCert.certificatePem()),
                new ByteArrayInputStream(serverCert.keyPem()));
    if (requireClientCertificate) {
      b.trustManager(new ByteArrayInputStream(ca.certificatePem()))
          .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    }
    return b.build();
  }

  /** The call failed in the TLS handshake (not, say, because nothing listened). */
  private static void assertRefusedByTls(UnavailableException e) {
    assertThat(e).isNotNull();
    boolean tls = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      tls |= t.getClass().getName().toLowerCase(java.util.Locale.ROOT).contains("ssl");
    }
    assertThat(tls).as("an SSL failure in the causes of %s", e).isTrue();
  }

  /** A client that fails fast: one attempt, short deadline. */
  private static ClientBuilder<AdminClient> admin(RealServer server, String host, TlsSettings tls) {
    return AdminClient.newBuilder()
        .target(host + ":" + server.port())
        .apiKey(RealServer.ADMIN_KEY)
        .tls(tls)
        .retrySettings(RetrySettings.none())
        .defaultDeadline(Duration.ofSeconds(10));
  }

  @Test
  void tlsConnectsWhenTheServersCaIsTrustedAndNotOtherwise(@TempDir Path dir) throws Exception {
    Path caFile = Files.write(dir.resolve("ca.pem"), ca.certificatePem());
    try (RealServer server = RealServer.startWithTls(serverTls(false))) {
      TlsSettings trusting = TlsSettings.newBuilder().trustCertificates(caFile).build();
      NewAccount account;
      try (AdminClient admin = admin(server, "localhost", trusting).build()) {
        account =
            admin.createAccount(
                "tls", ZoneId.of("UTC"), com.cvmbilling.renewal.client.model.Amount.cny("1.00"));
      }
      // By IP too: the certificate names 127.0.0.1.
      try (RenewalClient client =
          RenewalClient.newBuilder()
              .target("127.0.0.1:" + server.port())
              .apiKey(account.apiKey())
              .tls(trusting)
              .build()) {
        assertThat(client.describeAccount().accountId()).isEqualTo(account.account().accountId());
      }
      // The JDK's default CAs do not know the test CA.
      try (AdminClient untrusting =
          admin(server, "localhost", TlsSettings.systemDefault()).build()) {
        assertRefusedByTls(
            catchThrowableOfType(
                UnavailableException.class, () -> untrusting.createApiKey("acc-x")));
      }
      // A plaintext client cannot talk to a TLS server, and is told so.
      try (AdminClient plain = admin(server, "localhost", trusting).plaintext().build()) {
        assertThat(
                catchThrowableOfType(TlsMismatchException.class, () -> plain.createApiKey("acc-x")))
            .hasMessageContaining("speaks TLS");
      }
    }
  }

  @Test
  void mutualTlsAcceptsTheRightClientCertificateAndRefusesAWrongOne() throws Exception {
    try (RealServer server = RealServer.startWithTls(serverTls(true))) {
      TlsSettings mutual =
          TlsSettings.newBuilder()
              .trustCertificates(ca.certificatePem())
              .clientCertificate(clientCert.certificatePem(), clientCert.keyPem())
              .build();
      assertThat(mutual.isMutual()).isTrue();
      try (AdminClient admin = admin(server, "localhost", mutual).build()) {
        NewAccount account =
            admin.createAccount(
                "mtls", ZoneId.of("UTC"), com.cvmbilling.renewal.client.model.Amount.cny("0"));
        assertThat(account.apiKey()).isNotBlank();
      }

      TlsSettings wrongCertificate =
          TlsSettings.newBuilder()
              .trustCertificates(ca.certificatePem())
              .clientCertificate(rogueClientCert.certificatePem(), rogueClientCert.keyPem())
              .build();
      try (AdminClient rogue = admin(server, "localhost", wrongCertificate).build()) {
        UnavailableException refused =
            catchThrowableOfType(UnavailableException.class, () -> rogue.createApiKey("acc-x"));
        assertThat(refused).isNotNull();
        assertRefusedByTls(refused);
      }

      TlsSettings noCertificate =
          TlsSettings.newBuilder().trustCertificates(ca.certificatePem()).build();
      try (AdminClient anonymous = admin(server, "localhost", noCertificate).build()) {
        assertRefusedByTls(
            catchThrowableOfType(
                UnavailableException.class, () -> anonymous.createApiKey("acc-x")));
      }
    }
  }

  @Test
  void aWrongHostNameIsRefusedUnlessTheAuthorityIsOverridden() throws Exception {
    try (RealServer server = RealServer.startWithTls(serverTls(false))) {
      // "127.0.0.2" is loopback too, but the certificate does not name it.
      TlsSettings trusting =
          TlsSettings.newBuilder().trustCertificates(ca.certificatePem()).build();
      try (AdminClient wrongName =
          AdminClient.newBuilder()
              .target("127.0.0.1:" + server.port())
              .apiKey(RealServer.ADMIN_KEY)
              .retrySettings(RetrySettings.none())
              .tls(
                  TlsSettings.newBuilder()
                      .trustCertificates(ca.certificatePem())
                      .authorityOverride("billing.example")
                      .build())
              .build()) {
        assertRefusedByTls(
            catchThrowableOfType(
                UnavailableException.class, () -> wrongName.createApiKey("acc-x")));
      }
      try (AdminClient overridden =
          AdminClient.newBuilder()
              .target("127.0.0.1:" + server.port())
              .apiKey(RealServer.ADMIN_KEY)
              .retrySettings(RetrySettings.none())
              .tls(
                  TlsSettings.newBuilder()
                      .trustCertificates(ca.certificatePem())
                      .authorityOverride("localhost")
                      .build())
              .build()) {
        assertThat(
                overridden
                    .createAccount(
                        "x", ZoneId.of("UTC"), com.cvmbilling.renewal.client.model.Amount.cny("0"))
                    .account()
                    .accountId())
            .startsWith("acc-");
      }
      assertThat(trusting.isMutual()).isFalse();
    }
  }
}
