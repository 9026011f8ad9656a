package com.cvmbilling.renewal.client;

import io.grpc.Deadline;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * Tells a TLS/plaintext mismatch between the client and the server from other transport failures,
 * so that it is reported as such (with what to change) and not retried.
 *
 * <ul>
 *   <li>A TLS client reaching a plaintext server: the TLS handler receives bytes that are not a TLS
 *       record (Netty's {@code NotSslRecordException}, "not an SSL/TLS record"): certain.
 *   <li>A plaintext client reaching a TLS server: the server drops the connection on the HTTP/2
 *       preface, and the client sees only a reset or a closed connection (sometimes an HTTP/2 error
 *       on the server's TLS alert), the same as a server that crashed. Then, and only then, the
 *       targets are probed: a TLS ClientHello on a new connection, at most {@value #PROBE_MILLIS}
 *       ms and within the call's deadline; a target that answers with a TLS record speaks TLS. The
 *       answer is remembered for {@value #REMEMBER_SECONDS} s per target.
 * </ul>
 */
final class TlsMismatchDetector {
  static final long PROBE_MILLIS = 1000;
  static final long REMEMBER_SECONDS = 10;

  /** A probe needs at least this much time left to be worth making. */
  private static final long MIN_PROBE_MILLIS = 20;

  private final boolean clientUsesTls;
  private final List<String> targets;
  private final Map<String, Probed> probed = new ConcurrentHashMap<>();

  private record Probed(boolean speaksTls, long atNanos) {}

  TlsMismatchDetector(ClientSettings settings) {
    this.clientUsesTls = settings.tls().isPresent();
    this.targets = List.copyOf(settings.targets());
  }

  /**
   * What to tell the caller when this failure is a TLS/plaintext mismatch; empty when it is
   * anything else (or cannot be told in the time left).
   *
   * @param status the failed attempt's status
   * @param deadline the call's deadline; null for none (an event watch)
   */
  Optional<String> diagnose(Status status, Deadline deadline) {
    if (status.getCode() != Status.Code.UNAVAILABLE) {
      return Optional.empty();
    }
    if (clientUsesTls) {
      return answeredInPlaintext(status.getCause())
          ? Optional.of(
              servers(targets)
                  + " does not speak TLS (it answered in plaintext), but this client uses TLS:"
                  + " build the client with plaintext() to call a plaintext server, or enable"
                  + " TLS on the server")
          : Optional.empty();
    }
    if (!droppedByPeer(status)) {
      return Optional.empty();
    }
    long budget =
        deadline == null
            ? PROBE_MILLIS
            : Math.min(PROBE_MILLIS, deadline.timeRemaining(TimeUnit.MILLISECONDS));
    List<String> tls = new ArrayList<>();
    for (String target : targets) {
      if (budget < MIN_PROBE_MILLIS) {
        break;
      }
      long start = System.nanoTime();
      if (speaksTls(target, budget)) {
        tls.add(target);
      }
      budget -= (System.nanoTime() - start) / 1_000_000;
    }
    if (tls.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        servers(tls)
            + " speaks TLS, but this client was built with plaintext(): build it with"
            + " tls(TlsSettings) instead (the default; TlsSettings.newBuilder().trustCertificates("
            + "...) for your own CA), or run the server without TLS");
  }

  private static String servers(List<String> targets) {
    return targets.size() == 1
        ? "the server at " + targets.get(0)
        : "a server among " + String.join(", ", targets);
  }

  /** The TLS handler got bytes that are not a TLS record. */
  static boolean answeredInPlaintext(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (t.getClass().getSimpleName().equals("NotSslRecordException")
          || (t instanceof SSLException
              && (message.contains("not an ssl/tls record")
                  || message.contains("unsupported or unrecognized ssl message")))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The connection was made and then dropped or answered with garbage: what a TLS server does to a
   * plaintext client. Not when nothing listened or the host is unknown.
   */
  static boolean droppedByPeer(Status status) {
    boolean dropped = false;
    for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof UnknownHostException
          || t instanceof UnresolvedAddressException) {
        return false;
      }
      dropped |=
          t instanceof IOException || t.getClass().getSimpleName().contains("Http2Exception");
    }
    // gRPC's own words for a connection that ended before HTTP/2 started (never a server's status,
    // which has no local cause and other words).
    String description = String.valueOf(status.getDescription()).toLowerCase(Locale.ROOT);
    return dropped
        || description.contains("network closed for unknown reason")
        || description.contains("first received frame was not settings");
  }

  private boolean speaksTls(String target, long timeoutMillis) {
    Probed known = probed.get(target);
    if (known != null
        && System.nanoTime() - known.atNanos() < TimeUnit.SECONDS.toNanos(REMEMBER_SECONDS)) {
      return known.speaksTls();
    }
    boolean tls = probe(target, Duration.ofMillis(timeoutMillis));
    probed.put(target, new Probed(tls, System.nanoTime()));
    return tls;
  }

  /**
   * Whether the target answers a TLS ClientHello with a TLS record (a handshake, or an alert: it
   * speaks TLS either way). False when it answers anything else, closes, or does not answer in
   * time.
   */
  static boolean probe(String target, Duration timeout) {
    InetSocketAddress parsed = ClientBuilder.parseTarget(target);
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(parsed.getHostString(), parsed.getPort()), millis);
      socket.setSoTimeout(millis);
      OutputStream out = socket.getOutputStream();
      out.write(clientHello(parsed.getHostString(), parsed.getPort()));
      out.flush();
      InputStream in = socket.getInputStream();
      int contentType = in.read();
      int majorVersion = in.read();
      return (contentType == 0x16 || contentType == 0x15) && majorVersion == 0x03;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static byte[] clientHello(String host, int port)
      throws GeneralSecurityException, SSLException {
    SSLEngine engine = SSLContext.getDefault().createSSLEngine(host, port);
    engine.setUseClientMode(true);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.beginHandshake();
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] hello = new byte[out.remaining()];
    out.get(hello);
    return hello;
  }
}
