package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.v1.ErrorReason;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.StatusRuntimeException;

/**
 * Refuses, as calls with a status and an access log line, two request header problems that
 * grpc-java's Netty server would otherwise answer below the call (DESIGN "The transport edge"):
 *
 * <ul>
 *   <li>a {@code grpc-timeout} that is not 1 to 8 digits and a unit ({@code 1Q}): grpc-java throws
 *       while it creates the call's context and resets the stream with {@code INTERNAL_ERROR}; here
 *       it is {@code INVALID_ARGUMENT}/{@code MALFORMED_REQUEST};
 *   <li>metadata larger than {@code --max-metadata-size}: the HTTP/2 limit is set to {@link
 *       #transportLimit twice that} so that such a block still reaches the server, which refuses it
 *       with {@code RESOURCE_EXHAUSTED}/{@code METADATA_TOO_LARGE} and keeps the connection (Netty
 *       answers a block over its own limit with HTTP 431, and one over 1.25 times it with a
 *       connection error).
 * </ul>
 *
 * <p>A stream tracer factory sees the request headers before grpc-java parses {@code grpc-timeout}
 * and may change them: it drops a malformed timeout and puts the refusal in the call's context;
 * {@link CallObserver}, the outermost interceptor, then ends the call with it before any other
 * interceptor or the service runs. Registered on the gRPC port only (the HTTP/JSON port has its own
 * header limits and no {@code grpc-timeout}).
 */
public final class TransportEdgeGuard extends ServerStreamTracer.Factory {
  static final Metadata.Key<String> TIMEOUT =
      Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);

  /** HTTP/2's per-entry overhead in a header list size (RFC 9113 section 6.5.2). */
  private static final int ENTRY_OVERHEAD = 32;

  private static final Context.Key<StatusRuntimeException> REFUSAL =
      Context.key("renewal-transport-refusal");

  private static final ServerStreamTracer NOTHING = new ServerStreamTracer() {};

  private final int metadataLimit;

  /**
   * @param metadataLimit {@code --max-metadata-size}: larger metadata is refused with {@code
   *     RESOURCE_EXHAUSTED}
   */
  public TransportEdgeGuard(int metadataLimit) {
    this.metadataLimit = metadataLimit;
  }

  /**
   * The HTTP/2 header list size the transport enforces (and advertises) for {@code metadataLimit}:
   * twice it, so that metadata somewhat over the limit gets a gRPC status from this server.
   */
  public static int transportLimit(int metadataLimit) {
    return (int) Math.min(Integer.MAX_VALUE, 2L * metadataLimit);
  }

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    StatusRuntimeException refusal = refusal(headers);
    if (refusal == null) {
      return NOTHING;
    }
    return new ServerStreamTracer() {
      @Override
      public Context filterContext(Context context) {
        return context.withValue(REFUSAL, refusal);
      }
    };
  }

  /** The current call's refusal, or null. */
  static StatusRuntimeException currentRefusal() {
    return REFUSAL.get();
  }

  private StatusRuntimeException refusal(Metadata headers) {
    String timeout = headers.get(TIMEOUT);
    if (timeout != null && !isValidTimeout(timeout)) {
      // grpc-java would throw parsing it (after this method) and reset the stream.
      headers.discardAll(TIMEOUT);
      return ErrorMapper.toStatusException(
          ApiException.of(
                  ErrorReason.MALFORMED_REQUEST,
                  "the grpc-timeout header \""
                      + CallObserver.printable(timeout)
                      + "\" is not 1 to 8 digits followed by a unit (H, M, S, m, u or n)")
              .build());
    }
    long size = metadataSize(headers);
    if (size > metadataLimit) {
      return ErrorMapper.toStatusException(
          ApiException.of(
                  ErrorReason.METADATA_TOO_LARGE,
                  "the request metadata is "
                      + size
                      + " bytes, more than the server accepts ("
                      + metadataLimit
                      + ")")
              .meta("sizeBytes", Long.toString(size))
              .meta("limitBytes", Integer.toString(metadataLimit))
              .build());
    }
    return null;
  }

  /** gRPC over HTTP/2: {@code TimeoutValue TimeoutUnit}, 1 to 8 ASCII digits and one of HMSmun. */
  static boolean isValidTimeout(String value) {
    int n = value.length();
    if (n < 2 || n > 9 || "HMSmun".indexOf(value.charAt(n - 1)) < 0) {
      return false;
    }
    for (int i = 0; i < n - 1; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * The metadata's size as HTTP/2 counts a header list: each entry's name and (for {@code -bin}
   * keys, base64) value, plus 32. The pseudo-headers ({@code :path}, ...) are not in it.
   */
  static long metadataSize(Metadata headers) {
    long size = 0;
    for (String key : headers.keys()) {
      if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        Iterable<byte[]> values =
            headers.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER));
        if (values != null) {
          for (byte[] v : values) {
            size += key.length() + 4L * ((v.length + 2) / 3) + ENTRY_OVERHEAD;
          }
        }
      } else {
        Iterable<String> values =
            headers.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
        if (values != null) {
          for (String v : values) {
            size += key.length() + v.length() + ENTRY_OVERHEAD;
          }
        }
      }
    }
    return size;
  }
}
