package com.cvmbilling.renewal.server.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the gRPC port listens: address, TLS, and the limits that protect it.
 *
 * @param host address to bind; "0.0.0.0" = every interface
 * @param tls TLS settings, or null for plaintext (loopback and tests)
 * @param maxInboundMessageBytes larger request messages are refused with RESOURCE_EXHAUSTED
 * @param maxInboundMetadataBytes the largest request header block (HTTP/2 header list size)
 * @param maxConcurrentCallsPerConnection HTTP/2 MAX_CONCURRENT_STREAMS per connection
 * @param keepaliveTime idle time after which the server pings a client (dead peers are dropped)
 * @param keepaliveTimeout how long the server waits for that ping's answer
 * @param permitKeepaliveTime the most often a client may ping; more often gets the connection
 *     closed
 * @param maxConnectionIdle a connection with no call for this long is closed gracefully; zero =
 *     never
 */
public record TransportSettings(
    String host,
    Tls tls,
    int maxInboundMessageBytes,
    int maxInboundMetadataBytes,
    int maxConcurrentCallsPerConnection,
    Duration keepaliveTime,
    Duration keepaliveTimeout,
    Duration permitKeepaliveTime,
    Duration maxConnectionIdle) {

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

  public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 1024 * 1024;
  public static final int DEFAULT_MAX_INBOUND_METADATA_BYTES = 8 * 1024;
  public static final int DEFAULT_MAX_CONCURRENT_CALLS_PER_CONNECTION = 100;

  public static TransportSettings defaults() {
    return new TransportSettings(
        "0.0.0.0",
        null,
        DEFAULT_MAX_INBOUND_MESSAGE_BYTES,
        DEFAULT_MAX_INBOUND_METADATA_BYTES,
        DEFAULT_MAX_CONCURRENT_CALLS_PER_CONNECTION,
        Duration.ofSeconds(60),
        Duration.ofSeconds(20),
        // grpc-java clients cannot ping more often than every 10 s: allow all of them.
        Duration.ofSeconds(10),
        Duration.ZERO);
  }

  public TransportSettings withHost(String v) {
    return new TransportSettings(
        v,
        tls,
        maxInboundMessageBytes,
        maxInboundMetadataBytes,
        maxConcurrentCallsPerConnection,
        keepaliveTime,
        keepaliveTimeout,
        permitKeepaliveTime,
        maxConnectionIdle);
  }

  public TransportSettings withTls(Tls v) {
    return new TransportSettings(
        host,
        v,
        maxInboundMessageBytes,
        maxInboundMetadataBytes,
        maxConcurrentCallsPerConnection,
        keepaliveTime,
        keepaliveTimeout,
        permitKeepaliveTime,
        maxConnectionIdle);
  }

  public TransportSettings withMaxInboundMessageBytes(int v) {
    return new TransportSettings(
        host,
        tls,
        v,
        maxInboundMetadataBytes,
        maxConcurrentCallsPerConnection,
        keepaliveTime,
        keepaliveTimeout,
        permitKeepaliveTime,
        maxConnectionIdle);
  }

  public TransportSettings withMaxConcurrentCallsPerConnection(int v) {
    return new TransportSettings(
        host,
        tls,
        maxInboundMessageBytes,
        maxInboundMetadataBytes,
        v,
        keepaliveTime,
        keepaliveTimeout,
        permitKeepaliveTime,
        maxConnectionIdle);
  }
}
