package com.cvmbilling.renewal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cvmbilling.renewal.client.error.RenewalException;
import com.cvmbilling.renewal.client.error.TlsMismatchException;
import com.cvmbilling.renewal.client.error.UnavailableException;
import com.cvmbilling.renewal.client.testing.FakeServer;
import com.cvmbilling.renewal.client.testing.ScriptedRenewalService;
import com.cvmbilling.renewal.server.testing.TestCertificates;
import com.cvmbilling.renewal.server.testing.TestCertificates.Issued;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client and a server that disagree on TLS fail at once with {@link TlsMismatchException}, not
 * retried, saying what to change; failures that only look alike (nothing listening, a server that
 * drops connections) stay retried {@link UnavailableException}s.
 */
@Tier.Network
class TlsMismatchTest {
  private static final RenewInstancesRequest RENEW =
      RenewInstancesRequest.newBuilder().addInstanceIds("ins-abcd1234").setPeriodMonths(1).build();
  private static final RetrySettings FAST =
      RetrySettings.newBuilder()
          .maxAttempts(4)
          .initialBackoff(Duration.ofMillis(10))
          .maxBackoff(Duration.ofMillis(20))
          .build();

  private static Issued ca;
  private static Issued serverCert;

  @BeforeAll
  static void certificates() {
    ca = TestCertificates.certificateAuthority("mismatch test CA");
    serverCert = TestCertificates.server(ca);
  }

  private static ServerCredentials serverTls(boolean mutual) throws IOException {
    TlsServerCredentials.Builder b =
        TlsServerCredentials.newBuilder()
            .keyManager(
                new ByteArrayInputStream(serverCert.certificatePem()),
                new ByteArrayInputStream(serverCert.keyPem()));
    if (mutual) {
      b.trustManager(new ByteArrayInputStream(ca.certificatePem()))
          .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    }
    return b.build();
  }

  private static ClientBuilder<RenewalClient> client(String target) {
    return RenewalClient.newBuilder()
        .target(target)
        .apiKey("rk_test_key")
        .retrySettings(FAST)
        .defaultDeadline(Duration.ofSeconds(10));
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  @Test
  void aTlsClientAgainstAPlaintextServerIsToldToUsePlaintext() {
    try (FakeServer plain = new FakeServer(new ScriptedRenewalService());
        RenewalClient tls =
            client(plain.target())
                .tls(TlsSettings.newBuilder().trustCertificates(ca.certificatePem()).build())
                .build()) {
      long start = System.nanoTime();
      TlsMismatchException e =
          catchThrowableOfType(TlsMismatchException.class, () -> tls.renewInstances(RENEW));

      assertThat(e).isInstanceOf(UnavailableException.class);
      assertThat(e.attempts()).isEqualTo(1); // not retried
      assertThat(e.getMessage())
          .contains("the server at " + plain.target(), "does not speak TLS", "plaintext()");
      assertThat(e.getCause()).isNotNull(); // the transport's own failure is kept
      assertThat(e.clientToken()).isPresent();
      assertThat(millisSince(start)).isLessThan(5000L);
      assertThat(plain.received()).isEmpty();
    }
  }

  @Test
  void aPlaintextClientAgainstATlsServerIsToldToUseTls() throws Exception {
    for (boolean mutual : new boolean[] {false, true}) {
      try (FakeServer tlsServer = new FakeServer(serverTls(mutual), new ScriptedRenewalService());
          RenewalClient plain = client(tlsServer.target()).plaintext().build()) {
        TlsMismatchException e =
            catchThrowableOfType(TlsMismatchException.class, () -> plain.renewInstances(RENEW));

        assertThat(e.attempts()).as("mutual=%s", mutual).isEqualTo(1);
        assertThat(e.getMessage())
            .contains("the server at " + tlsServer.target(), "speaks TLS", "plaintext()", "tls(");
        // And the same on the blocking call's future form.
        assertThat(
                catchThrowableOfType(
                    java.util.concurrent.CompletionException.class,
                    () -> plain.renewInstancesCallable().futureCall(RENEW).join()))
            .hasCauseInstanceOf(TlsMismatchException.class);
      }
    }
  }

  @Test
  void aWatchStopsOnAMismatchInsteadOfReconnecting() throws Exception {
    try (FakeServer tlsServer = new FakeServer(serverTls(false), new ScriptedRenewalService());
        RenewalClient plain = client(tlsServer.target()).plaintext().build()) {
      List<RenewalException> reconnects = new CopyOnWriteArrayList<>();
      CompletableFuture<RenewalException> error = new CompletableFuture<>();
      EventWatch watch =
          plain.watchEvents(
              0,
              new EventListener() {
                @Override
                public void onEvent(com.cvmbilling.renewal.client.model.EventInfo event) {}

                @Override
                public void onReconnecting(
                    RenewalException cause, long resumeAfterEventId, Duration backoff) {
                  reconnects.add(cause);
                }

                @Override
                public void onError(RenewalException e) {
                  error.complete(e);
                }
              });
      assertThat(error.get(10, TimeUnit.SECONDS)).isInstanceOf(TlsMismatchException.class);
      assertThat(reconnects).isEmpty();
      assertThat(watch.isActive()).isFalse();
    }
  }

  @Test
  void nothingListeningIsNoMismatchAndIsRetried() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    for (boolean tls : new boolean[] {false, true}) {
      ClientBuilder<RenewalClient> b = client("127.0.0.1:" + port);
      if (tls) {
        b.tls(TlsSettings.newBuilder().trustCertificates(ca.certificatePem()).build());
      } else {
        b.plaintext();
      }
      try (RenewalClient c = b.build()) {
        UnavailableException e =
            catchThrowableOfType(UnavailableException.class, () -> c.renewInstances(RENEW));
        assertThat(e).isNotInstanceOf(TlsMismatchException.class);
        assertThat(e.attempts()).isEqualTo(4);
      }
    }
  }

  /** A server that accepts and drops every connection (reset): an outage, not a TLS server. */
  @Test
  void aServerThatDropsConnectionsIsNoMismatchAndIsRetried() throws Exception {
    try (ServerSocket dropper = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          new Thread(
              () -> {
                while (!dropper.isClosed()) {
                  try (Socket s = dropper.accept()) {
                    s.setSoLinger(true, 0); // close with a reset
                    s.getInputStream().read(); // after the client sent something
                  } catch (IOException closed) {
                    // the test is over, or the client went first
                  }
                }
              },
              "dropper");
      acceptor.setDaemon(true);
      acceptor.start();
      try (RenewalClient c = client("127.0.0.1:" + dropper.getLocalPort()).plaintext().build()) {
        UnavailableException e =
            catchThrowableOfType(UnavailableException.class, () -> c.renewInstances(RENEW));
        assertThat(e).isNotInstanceOf(TlsMismatchException.class);
        assertThat(e.attempts()).isEqualTo(4);
      }
    }
  }

  @Test
  void onlyAConnectionDroppedByThePeerIsWorthAProbe() {
    io.grpc.Status transport = io.grpc.Status.UNAVAILABLE.withDescription("io exception");
    assertThat(
            TlsMismatchDetector.droppedByPeer(
                transport.withCause(new IOException("Connection reset by peer"))))
        .isTrue();
    assertThat(
            TlsMismatchDetector.droppedByPeer(
                transport.withCause(new java.net.ConnectException("Connection refused"))))
        .isFalse();
    // A status the server sent (no local cause), whatever its words.
    assertThat(
            TlsMismatchDetector.droppedByPeer(
                io.grpc.Status.UNAVAILABLE.withDescription("the database connection closed")))
        .isFalse();
    assertThat(
            TlsMismatchDetector.answeredInPlaintext(
                new javax.net.ssl.SSLException("not an SSL/TLS record: 0000120400")))
        .isTrue();
    assertThat(
            TlsMismatchDetector.answeredInPlaintext(
                new javax.net.ssl.SSLHandshakeException("PKIX path building failed")))
        .isFalse();
  }

  @Test
  void theProbeTellsATlsServerFromOtherListeners() throws Exception {
    try (FakeServer tlsServer = new FakeServer(serverTls(false));
        FakeServer plain = new FakeServer()) {
      assertThat(TlsMismatchDetector.probe(tlsServer.target(), Duration.ofSeconds(2))).isTrue();
      assertThat(TlsMismatchDetector.probe(plain.target(), Duration.ofSeconds(2))).isFalse();
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertThat(TlsMismatchDetector.probe("127.0.0.1:" + port, Duration.ofSeconds(2))).isFalse();
  }
}
