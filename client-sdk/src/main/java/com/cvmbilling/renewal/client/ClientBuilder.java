package com.cvmbilling.renewal.client;

import com.cvmbilling.renewal.client.error.StatusCode;
import io.grpc.CallCredentials;
import io.grpc.ClientInterceptor;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Builds a {@link RenewalClient} ({@link RenewalClient#newBuilder()}) or an {@link AdminClient}
 * ({@link AdminClient#newBuilder()}).
 *
 * <pre>{@code
 * try (RenewalClient client = RenewalClient.newBuilder()
 *     .targets("billing-1.internal:50051", "billing-2.internal:50051")   // round robin
 *     .apiKey(System.getenv("RENEWAL_API_KEY"))
 *     .tls(TlsSettings.systemDefault())                                  // the default
 *     .defaultDeadline(Duration.ofSeconds(10))
 *     .build()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Defaults: TLS trusting the JDK's certificate authorities; deadline 30 s per call (all attempts
 * together); {@link RetrySettings#defaults()} for every RPC that is {@linkplain Rpc#safeToRetry()
 * safe to retry}; watch reconnects from 200 ms doubling to 10 s, forever; keepalive off; logging
 * off.
 *
 * @param <C> the client it builds
 */
public final class ClientBuilder<C> {
  /** Port used when a target has none. */
  public static final int DEFAULT_PORT = 50051;

  private final Function<ClientSettings, C> factory;
  final List<String> targets = new ArrayList<>();
  CallCredentials credentials;
  TlsSettings tls = TlsSettings.systemDefault();
  Duration defaultDeadline = Duration.ofSeconds(30);
  RetrySettings retrySettings = RetrySettings.defaults();
  final Map<Rpc, RetrySettings> rpcRetrySettings = new EnumMap<>(Rpc.class);
  RetrySettings watchReconnectSettings =
      RetrySettings.newBuilder()
          .maxAttempts(0)
          .initialBackoff(Duration.ofMillis(200))
          .maxBackoff(Duration.ofSeconds(10))
          .retryableCodes(
              java.util.EnumSet.of(
                  StatusCode.UNAVAILABLE,
                  StatusCode.ABORTED,
                  StatusCode.DEADLINE_EXCEEDED,
                  StatusCode.INTERNAL,
                  StatusCode.UNKNOWN,
                  StatusCode.RESOURCE_EXHAUSTED,
                  StatusCode.CANCELLED))
          .build();
  Duration keepAliveTime;
  Duration keepAliveTimeout = Duration.ofSeconds(20);
  boolean keepAliveWithoutCalls;
  boolean logging;
  final List<ClientInterceptor> interceptors = new ArrayList<>();
  String userAgent;

  ClientBuilder(Function<ClientSettings, C> factory) {
    this.factory = factory;
  }

  /**
   * One server, {@code host:port} (IPv6 as {@code [::1]:50051}); the port defaults to 50051.
   *
   * @param target {@code host[:port]}
   * @return this builder
   * @throws NullPointerException if {@code target} is null
   * @throws IllegalArgumentException if it is not {@code host[:port]}
   */
  public ClientBuilder<C> target(String target) {
    return targets(List.of(target));
  }

  /**
   * Several servers: calls are spread over them round robin, and skip one that is down.
   *
   * @param targets each {@code host[:port]}
   * @return this builder
   * @throws NullPointerException if {@code targets} is or holds null
   * @throws IllegalArgumentException if one is not {@code host[:port]}
   */
  public ClientBuilder<C> targets(String... targets) {
    return targets(Arrays.asList(targets));
  }

  /**
   * Several servers: calls are spread over them round robin, and skip one that is down.
   *
   * @param targets each {@code host[:port]}
   * @return this builder
   * @throws NullPointerException if {@code targets} is or holds null
   * @throws IllegalArgumentException if one is not {@code host[:port]}
   */
  public ClientBuilder<C> targets(List<String> targets) {
    this.targets.clear();
    for (String t : targets) {
      parseTarget(t); // fail early on a malformed address
      this.targets.add(t.strip());
    }
    return this;
  }

  /**
   * The API key, sent as {@code authorization: Bearer <key>}; a tenant key or an admin key.
   *
   * @param apiKey the key
   * @return this builder
   * @throws NullPointerException if {@code apiKey} is null
   * @throws IllegalArgumentException if it is blank
   */
  public ClientBuilder<C> apiKey(String apiKey) {
    this.credentials = ApiKeyCredentials.of(apiKey);
    return this;
  }

  /**
   * Other call credentials instead of an API key (gRPC's type: any {@code CallCredentials}, e.g.
   * OAuth, can be used).
   *
   * @param credentials the credentials sent on every call
   * @return this builder
   * @throws NullPointerException if {@code credentials} is null
   */
  public ClientBuilder<C> credentials(CallCredentials credentials) {
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    return this;
  }

  /**
   * TLS or mutual TLS (the default is {@link TlsSettings#systemDefault()}).
   *
   * @param tls the TLS settings
   * @return this builder
   * @throws NullPointerException if {@code tls} is null
   */
  public ClientBuilder<C> tls(TlsSettings tls) {
    this.tls = Objects.requireNonNull(tls, "tls");
    return this;
  }

  /** No TLS: only for loopback, tests and trusted networks. The API key travels in clear. */
  public ClientBuilder<C> plaintext() {
    this.tls = null;
    return this;
  }

  /**
   * The deadline of each call, all attempts and waits together, unless a call overrides it.
   *
   * @param deadline positive
   * @return this builder
   * @throws NullPointerException if {@code deadline} is null
   * @throws IllegalArgumentException if it is zero or negative
   */
  public ClientBuilder<C> defaultDeadline(Duration deadline) {
    Objects.requireNonNull(deadline, "deadline");
    if (deadline.isZero() || deadline.isNegative()) {
      throw new IllegalArgumentException("deadline must be positive, got " + deadline);
    }
    this.defaultDeadline = deadline;
    return this;
  }

  /**
   * Retry settings for every RPC that is {@linkplain Rpc#safeToRetry() safe to retry} and has no
   * settings of its own.
   *
   * @param settings the retry settings
   * @return this builder
   * @throws NullPointerException if {@code settings} is null
   */
  public ClientBuilder<C> retrySettings(RetrySettings settings) {
    this.retrySettings = Objects.requireNonNull(settings, "settings");
    return this;
  }

  /**
   * Retry settings of one RPC (this also opts an RPC that is not safe to retry in).
   *
   * @param rpc the RPC
   * @param settings its retry settings
   * @return this builder
   * @throws NullPointerException if {@code rpc} or {@code settings} is null
   */
  public ClientBuilder<C> retrySettings(Rpc rpc, RetrySettings settings) {
    rpcRetrySettings.put(
        Objects.requireNonNull(rpc, "rpc"), Objects.requireNonNull(settings, "settings"));
    return this;
  }

  /**
   * How an event watch reconnects after its stream broke: backoff between attempts, and {@code
   * maxAttempts} consecutive failed connections before it gives up (0 = never).
   *
   * @param settings the reconnect settings
   * @return this builder
   * @throws NullPointerException if {@code settings} is null
   */
  public ClientBuilder<C> watchReconnectSettings(RetrySettings settings) {
    this.watchReconnectSettings = Objects.requireNonNull(settings, "settings");
    return this;
  }

  /**
   * HTTP/2 keepalive pings every {@code time} (at least 10 s; the server must permit it), closing
   * the connection when one is not answered within {@code timeout}.
   *
   * @param time the ping interval, at least 10 s
   * @param timeout how long to wait for a ping's answer
   * @param withoutCalls whether to ping when no call is open
   * @return this builder
   * @throws NullPointerException if {@code time} or {@code timeout} is null
   * @throws IllegalArgumentException if {@code time} is below 10 s
   */
  public ClientBuilder<C> keepAlive(Duration time, Duration timeout, boolean withoutCalls) {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(timeout, "timeout");
    if (time.compareTo(Duration.ofSeconds(10)) < 0) {
      throw new IllegalArgumentException("keepalive time must be at least 10s, got " + time);
    }
    this.keepAliveTime = time;
    this.keepAliveTimeout = timeout;
    this.keepAliveWithoutCalls = withoutCalls;
    return this;
  }

  /**
   * Log through SLF4J, logger {@code com.cvmbilling.renewal.client.calls}: at INFO (the default
   * level of usual logging setups) one line per call with its outcome, attempts and time, one per
   * retry, and the connections, reconnects and end of event watches; at DEBUG also every attempt
   * with its targets and credentials (a prefix); at TRACE the requests and responses. Set that
   * logger to WARN to keep only watches that stop on a failure. Needs {@code org.slf4j:slf4j-api}
   * on the classpath. API keys are never logged: credentials show only a prefix and {@code api_key}
   * fields of responses are masked.
   */
  public ClientBuilder<C> logging(boolean enabled) {
    this.logging = enabled;
    return this;
  }

  /** gRPC client interceptors (tracing, metrics, extra headers), run on every attempt. */
  public ClientBuilder<C> interceptors(ClientInterceptor... interceptors) {
    this.interceptors.addAll(Arrays.asList(interceptors));
    return this;
  }

  /** Appended to the user agent, e.g. your service's name and version. */
  public ClientBuilder<C> userAgent(String userAgent) {
    this.userAgent = userAgent;
    return this;
  }

  /**
   * The settings as built so far.
   *
   * @return the settings
   * @throws IllegalStateException if no target or no credentials were given
   */
  public ClientSettings settings() {
    if (targets.isEmpty()) {
      throw new IllegalStateException("no target: call target(\"host:port\") or targets(...)");
    }
    if (credentials == null) {
      throw new IllegalStateException("no credentials: call apiKey(...)");
    }
    return new ClientSettings(this);
  }

  /**
   * Builds the client; it owns its connections until {@code close()}. Connecting is lazy: a server
   * that cannot be reached fails the calls, not this.
   *
   * @return the client
   * @throws IllegalStateException if no target or no credentials were given, or {@code
   *     logging(true)} was asked without SLF4J on the classpath
   */
  public C build() {
    return factory.apply(settings());
  }

  /** Host and port of a target; rejects anything else. */
  static java.net.InetSocketAddress parseTarget(String target) {
    Objects.requireNonNull(target, "target");
    String t = target.strip();
    if (t.isEmpty() || t.contains("/") || t.contains("@")) {
      throw new IllegalArgumentException("target must be host:port, got '" + target + "'");
    }
    URI uri;
    try {
      uri = new URI("tcp://" + t);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("target must be host:port, got '" + target + "'", e);
    }
    String host = uri.getHost();
    if (host == null
        || uri.getPath() != null && !uri.getPath().isEmpty()
        || uri.getQuery() != null) {
      throw new IllegalArgumentException("target must be host:port, got '" + target + "'");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
    return java.net.InetSocketAddress.createUnresolved(host, port);
  }
}
