package com.cvmbilling.renewal.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cvmbilling.renewal.server.config.TransportSettings;
import com.cvmbilling.renewal.server.testing.TcpTestServer;
import com.cvmbilling.renewal.server.testing.TestCertificates;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.Tier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP port speaks the gRPC port's TLS: HTTPS with its certificate, mutual TLS with its CA. */
@Tier.H2
@Tier.Network
class HttpTlsTest {
  @TempDir Path dir;

  private TestDatabases.TestDatabase db;
  private TcpTestServer server;
  private TestCertificates.Issued ca;

  @BeforeEach
  void certificates() {
    db = TestDatabases.h2();
    ca = TestCertificates.ca(dir, "test-ca");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    db.close();
  }

  private void start(boolean mutual) {
    TestCertificates.Issued cert = TestCertificates.server(dir, ca);
    List<String> flags =
        new ArrayList<>(
            List.of(
                "--host",
                "127.0.0.1",
                "--tls-cert",
                cert.certFile().toString(),
                "--tls-key",
                cert.keyFile().toString()));
    if (mutual) {
      flags.addAll(List.of("--tls-client-ca", ca.certFile().toString()));
    }
    TransportSettings transport = TransportSettings.fromFlags(flags.toArray(String[]::new));
    server = new TcpTestServer(db.settings(), b -> b.transport(transport).port(0).httpPort(0));
  }

  private HttpClient client(TestCertificates.Issued clientCert) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (clientCert != null) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          "client",
          clientCert.key(),
          new char[0],
          new X509Certificate[] {clientCert.certificate(), ca.certificate()});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
    }
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** CreateAccount over HTTP(S) with the admin key: its HTTP status. */
  private int createAccount(HttpClient client, String scheme) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(scheme + "://localhost:" + server.server().httpPort() + "/v1/accounts"))
            .header("authorization", "Bearer " + TcpTestServer.ADMIN_KEY)
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"displayName\": \"over https\"}"))
            .timeout(Duration.ofSeconds(10))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void httpsWithTheGrpcPortsCertificateAndNoPlaintext() throws Exception {
    start(false);
    assertThat(createAccount(client(null), "https")).isEqualTo(200);
    assertThatThrownBy(() -> createAccount(HttpClient.newHttpClient(), "http"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void mutualTlsRequiresAClientCertificateFromTheCa() throws Exception {
    start(true);
    assertThat(createAccount(client(TestCertificates.client(ca, "client-1")), "https"))
        .isEqualTo(200);
    assertThatThrownBy(() -> createAccount(client(null), "https")).isInstanceOf(IOException.class);
  }
}
