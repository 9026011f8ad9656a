package com.cvmbilling.renewal.client;

import io.grpc.CallCredentials;
import io.grpc.ClientInterceptor;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a client is built from, immutable. Made by {@link ClientBuilder}; see there for each
 * setting and its default.
 */
public final class ClientSettings {
  private final List<String> targets;
  private final CallCredentials credentials;
  private final TlsSettings tls;
  private final Duration defaultDeadline;
  private final RetrySettings retrySettings;
  private final Map<Rpc, RetrySettings> rpcRetrySettings;
  private final RetrySettings watchReconnectSettings;
  private final Duration keepAliveTime;
  private final Duration keepAliveTimeout;
  private final boolean keepAliveWithoutCalls;
  private final boolean logging;
  private final List<ClientInterceptor> interceptors;
  private final String userAgent;

  ClientSettings(ClientBuilder<?> b) {
    this.targets = List.copyOf(b.targets);
    this.credentials = b.credentials;
    this.tls = b.tls;
    this.defaultDeadline = b.defaultDeadline;
    this.retrySettings = b.retrySettings;
    EnumMap<Rpc, RetrySettings> perRpc = new EnumMap<>(Rpc.class);
    perRpc.putAll(b.rpcRetrySettings);
    this.rpcRetrySettings = java.util.Collections.unmodifiableMap(perRpc);
    this.watchReconnectSettings = b.watchReconnectSettings;
    this.keepAliveTime = b.keepAliveTime;
    this.keepAliveTimeout = b.keepAliveTimeout;
    this.keepAliveWithoutCalls = b.keepAliveWithoutCalls;
    this.logging = b.logging;
    this.interceptors = List.copyOf(b.interceptors);
    this.userAgent = b.userAgent;
  }

  /** The server addresses ({@code host:port}); calls are spread over them round robin. */
  public List<String> targets() {
    return targets;
  }

  public CallCredentials credentials() {
    return credentials;
  }

  /** TLS settings; empty for plaintext. */
  public Optional<TlsSettings> tls() {
    return Optional.ofNullable(tls);
  }

  /** The deadline of a call without a per-call override, all attempts together. */
  public Duration defaultDeadline() {
    return defaultDeadline;
  }

  /**
   * The retry settings of one RPC: the one set for it, else the client-wide one for RPCs that are
   * {@linkplain Rpc#safeToRetry() safe to retry}, else {@link RetrySettings#none()}.
   */
  public RetrySettings retrySettings(Rpc rpc) {
    RetrySettings own = rpcRetrySettings.get(rpc);
    if (own != null) {
      return own;
    }
    return rpc.safeToRetry() ? retrySettings : RetrySettings.none();
  }

  public RetrySettings watchReconnectSettings() {
    return watchReconnectSettings;
  }

  /** Keepalive ping interval; empty when keepalive is off. */
  public Optional<Duration> keepAliveTime() {
    return Optional.ofNullable(keepAliveTime);
  }

  public Duration keepAliveTimeout() {
    return keepAliveTimeout;
  }

  public boolean keepAliveWithoutCalls() {
    return keepAliveWithoutCalls;
  }

  /** Whether calls and retries are logged through SLF4J. */
  public boolean logging() {
    return logging;
  }

  public List<ClientInterceptor> interceptors() {
    return interceptors;
  }

  /** The user agent suffix, e.g. your service's name; may be null. */
  public String userAgent() {
    return userAgent;
  }

  /** Never shows the API key. */
  @Override
  public String toString() {
    return "ClientSettings{targets="
        + targets
        + ", credentials="
        + credentials
        + ", tls="
        + (tls == null ? "plaintext" : tls)
        + ", deadline="
        + defaultDeadline
        + ", retry="
        + retrySettings
        + ", logging="
        + logging
        + "}";
  }
}
