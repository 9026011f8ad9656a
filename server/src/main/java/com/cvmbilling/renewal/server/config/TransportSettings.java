package com.cvmbilling.renewal.server.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * How the gRPC port listens: address, TLS, the limits that protect it, and how it drains on
 * shutdown.
 *
 * @param port gRPC port; 0 = any free port
 * @param host address to bind; "0.0.0.0" = every interface
 * @param tls TLS settings, or null for plaintext (loopback and tests)
 * @param maxInboundMessageBytes larger request messages are refused with RESOURCE_EXHAUSTED
 * @param maxInboundMetadataBytes larger request metadata is refused with RESOURCE_EXHAUSTED; the
 *     HTTP/2 header list limit is twice it (DESIGN "The transport edge"); also the HTTP/JSON port's
 *     request header limit
 * @param maxConcurrentCallsPerConnection HTTP/2 MAX_CONCURRENT_STREAMS per connection
 * @param keepaliveTime idle time after which the server pings a client (dead peers are dropped)
 * @param keepaliveTimeout how long the server waits for that ping's answer
 * @param permitKeepaliveTime the most often a client may ping; more often gets the connection
 *     closed
 * @param maxConnectionIdle a connection with no call for this long is closed gracefully; zero =
 *     never
 * @param drainTime on shutdown, how long in-flight calls may still finish
 * @param drainCancelWait after the drain time, how long the cancelled calls get to end
 */
public record TransportSettings(
    int port,
    String host,
    Tls tls,
    int maxInboundMessageBytes,
    int maxInboundMetadataBytes,
    int maxConcurrentCallsPerConnection,
    Duration keepaliveTime,
    Duration keepaliveTimeout,
    Duration permitKeepaliveTime,
    Duration maxConnectionIdle,
    Duration drainTime,
    Duration drainCancelWait) {

  /**
   * Server TLS from PEM files.
   *
   * @param certChain the server certificate chain
   * @param privateKey its private key (PKCS#8 PEM, unencrypted)
   * @param clientCa if set, mutual TLS: every client must present a certificate issued by one of
   *     these CAs
   */
  public record Tls(Path certChain, Path privateKey, Path clientCa) {
    public boolean mutual() {
      return clientCa != null;
    }
  }

  private static final TransportSettings DEFAULTS =
      OptionDefaults.parsed(new Options()).settings(Problems.ofDefaults());

  /** Every setting at its flag's default. */
  public static TransportSettings defaults() {
    return DEFAULTS;
  }

  /**
   * The settings these flags give on the command line, checked the same way (for in-process servers
   * and tests), e.g. {@code fromFlags("--host", "127.0.0.1")}.
   *
   * @throws IllegalArgumentException naming every flag whose value is refused
   */
  public static TransportSettings fromFlags(String... flags) {
    Problems problems = Problems.ofDefaults();
    TransportSettings settings = OptionDefaults.parsed(new Options(), flags).settings(problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems.lines()));
    }
    return settings;
  }

  public TransportSettings withPort(int v) {
    return new TransportSettings(
        v,
        host,
        tls,
        maxInboundMessageBytes,
        maxInboundMetadataBytes,
        maxConcurrentCallsPerConnection,
        keepaliveTime,
        keepaliveTimeout,
        permitKeepaliveTime,
        maxConnectionIdle,
        drainTime,
        drainCancelWait);
  }

  /** The flags of this area: name, default, description and validation. */
  public static final class Options {
    static final String EVERY_INTERFACE = "0.0.0.0";
    static final String LOOPBACK = "127.0.0.1";

    @Option(
        names = "--port",
        defaultValue = "50051",
        paramLabel = "PORT",
        description = "gRPC port (0 = any free port). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(
        names = "--host",
        paramLabel = "ADDRESS",
        description =
            "Address the gRPC and HTTP ports bind (127.0.0.1 = loopback only). Default: "
                + EVERY_INTERFACE
                + ", or "
                + LOOPBACK
                + " with --demo (its keys are public).")
    String host;

    @Option(
        names = "--tls-cert",
        paramLabel = "PEM",
        description = "Server certificate chain (PEM). With --tls-key: the port speaks TLS only.")
    Path tlsCert;

    @Option(
        names = "--tls-key",
        paramLabel = "PEM",
        description = "Private key of --tls-cert (PKCS#8 PEM, unencrypted).")
    Path tlsKey;

    @Option(
        names = "--tls-client-ca",
        paramLabel = "PEM",
        description =
            "CA certificates (PEM) for mutual TLS: every client must present a certificate they issued.")
    Path tlsClientCa;

    @Option(
        names = "--max-message-size",
        defaultValue = "1MiB",
        converter = SizeConverter.class,
        paramLabel = "SIZE",
        description =
            "Largest request message; larger is refused with RESOURCE_EXHAUSTED. Default: ${DEFAULT-VALUE}.")
    long maxMessageSize;

    @Option(
        names = "--max-metadata-size",
        defaultValue = "8KiB",
        converter = SizeConverter.class,
        paramLabel = "SIZE",
        description =
            "Largest request metadata; larger is refused with RESOURCE_EXHAUSTED (the HTTP/2"
                + " header list limit is twice it; on the HTTP/JSON port, larger request headers"
                + " get 431). Default: ${DEFAULT-VALUE}.")
    long maxMetadataSize;

    @Option(
        names = "--max-concurrent-calls-per-connection",
        defaultValue = "100",
        paramLabel = "N",
        description =
            "Calls (HTTP/2 streams) one connection may have open at once. Default: ${DEFAULT-VALUE}.")
    int maxConcurrentCalls;

    @Option(
        names = "--keepalive-time",
        defaultValue = "60s",
        converter = DurationConverter.class,
        paramLabel = "DURATION",
        description =
            "Ping a client after this long without traffic (drops dead peers). Default: ${DEFAULT-VALUE}.")
    Duration keepaliveTime;

    @Option(
        names = "--keepalive-timeout",
        defaultValue = "20s",
        converter = DurationConverter.class,
        paramLabel = "DURATION",
        description =
            "Close the connection if a ping is not answered within this. Default: ${DEFAULT-VALUE}.")
    Duration keepaliveTimeout;

    // grpc-java clients cannot ping more often than every 10 s: the default allows all of them.
    @Option(
        names = "--permit-keepalive-time",
        defaultValue = "10s",
        converter = DurationConverter.class,
        paramLabel = "DURATION",
        description =
            "Most frequent client keepalive ping allowed; faster pingers are disconnected. Default: ${DEFAULT-VALUE}.")
    Duration permitKeepaliveTime;

    @Option(
        names = "--max-connection-idle",
        defaultValue = "0s",
        converter = DurationConverter.class,
        paramLabel = "DURATION",
        description =
            "Close a connection without calls for this long (0s = never). Default: ${DEFAULT-VALUE}.")
    Duration maxConnectionIdle;

    @Option(
        names = "--drain-time",
        defaultValue = "20s",
        converter = DurationConverter.class,
        paramLabel = "DURATION",
        description =
            "On shutdown, how long calls in flight may still finish before they are cancelled. "
                + "Default: ${DEFAULT-VALUE}.")
    Duration drainTime;

    @Option(
        names = "--drain-cancel-wait",
        defaultValue = "5s",
        converter = DurationConverter.class,
        paramLabel = "DURATION",
        description =
            "After --drain-time, how long the cancelled calls get to end before the database pool "
                + "closes. Default: ${DEFAULT-VALUE}.")
    Duration drainCancelWait;

    TransportSettings settings(Problems p) {
      return settings(p, false);
    }

    /**
     * The settings; without {@code --host}, a demo binds loopback only. The chosen default is kept
     * in the option, so {@code --print-config} shows the address actually bound.
     */
    TransportSettings settings(Problems p, boolean demo) {
      if (host == null) {
        host = demo ? LOOPBACK : EVERY_INTERFACE;
      }
      p.port("--port", port);
      p.host("--host", host);
      Tls tls = tls(p);
      if (maxMessageSize < 1024 || maxMessageSize > 64L * 1024 * 1024) {
        p.add("--max-message-size", "must be 1KiB to 64MiB, got " + maxMessageSize + " bytes");
      }
      if (maxMetadataSize < 1024 || maxMetadataSize > 1024 * 1024) {
        p.add("--max-metadata-size", "must be 1KiB to 1MiB, got " + maxMetadataSize + " bytes");
      }
      p.atLeast("--max-concurrent-calls-per-connection", maxConcurrentCalls, 1);
      p.atLeast("--keepalive-time", keepaliveTime, Duration.ofSeconds(1));
      p.atLeast("--keepalive-timeout", keepaliveTimeout, Duration.ofSeconds(1));
      p.atLeast("--permit-keepalive-time", permitKeepaliveTime, Duration.ZERO);
      p.atLeast("--max-connection-idle", maxConnectionIdle, Duration.ZERO);
      p.atLeast("--drain-time", drainTime, Duration.ZERO);
      p.atLeast("--drain-cancel-wait", drainCancelWait, Duration.ZERO);
      return new TransportSettings(
          port,
          host,
          tls,
          (int) Math.min(Integer.MAX_VALUE, maxMessageSize),
          (int) Math.min(Integer.MAX_VALUE, maxMetadataSize),
          maxConcurrentCalls,
          keepaliveTime,
          keepaliveTimeout,
          permitKeepaliveTime,
          maxConnectionIdle,
          drainTime,
          drainCancelWait);
    }

    private Tls tls(Problems p) {
      if (tlsCert == null && tlsKey == null) {
        if (tlsClientCa != null) {
          p.add("--tls-client-ca", "mutual TLS needs TLS: give --tls-cert and --tls-key too");
        }
        return null;
      }
      if (tlsCert == null || tlsKey == null) {
        p.add(
            tlsCert == null ? "--tls-cert" : "--tls-key",
            "--tls-cert and --tls-key go together: give both");
        return null;
      }
      boolean ok = checkCertificates(p, "--tls-cert", tlsCert);
      ok &= checkPrivateKey(p, "--tls-key", tlsKey);
      if (tlsClientCa != null) {
        ok &= checkCertificates(p, "--tls-client-ca", tlsClientCa);
      }
      return ok ? new Tls(tlsCert, tlsKey, tlsClientCa) : null;
    }

    private static boolean checkCertificates(Problems p, String flag, Path file) {
      if (!readable(p, flag, file)) {
        return false;
      }
      try (InputStream in = Files.newInputStream(file)) {
        if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
          p.add(flag, "no certificate in " + file + " (expected PEM: -----BEGIN CERTIFICATE-----)");
          return false;
        }
        return true;
      } catch (IOException | CertificateException e) {
        p.add(flag, file + " is not a PEM certificate file: " + e.getMessage());
        return false;
      }
    }

    private static boolean checkPrivateKey(Problems p, String flag, Path file) {
      if (!readable(p, flag, file)) {
        return false;
      }
      String pem;
      try {
        pem = Files.readString(file, StandardCharsets.US_ASCII);
      } catch (IOException | RuntimeException e) {
        p.add(flag, file + " cannot be read: " + e.getMessage());
        return false;
      }
      if (pem.contains("-----BEGIN PRIVATE KEY-----")) {
        return true;
      }
      if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")
          || pem.contains("-----BEGIN EC PRIVATE KEY-----")
          || pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
        p.add(
            flag,
            file
                + " must be an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert with "
                + "'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8.pem'");
      } else {
        p.add(flag, file + " is not a PEM private key (expected -----BEGIN PRIVATE KEY-----)");
      }
      return false;
    }

    private static boolean readable(Problems p, String flag, Path file) {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        p.add(flag, "file " + file + " does not exist or is not readable");
        return false;
      }
      return true;
    }
  }
}
