package com.cvmbilling.renewal.server.grpc;

import io.grpc.Context;
import io.grpc.Metadata;
import java.util.UUID;

/**
 * What the server knows about one call while it runs: its request id (from the caller's {@code
 * x-request-id} header, or generated), its method, who called (filled in by {@link
 * AuthInterceptor}) and, when it failed, the ErrorInfo reason. Created before any interceptor runs
 * (by {@code CallObserver}'s stream tracer) and carried in the call's {@link Context}, so the
 * access log line, the metrics and the error details all speak of the same call.
 */
public final class CallInfo {
  /** The request id header, read from the request and returned in the response. */
  public static final Metadata.Key<String> REQUEST_ID_HEADER =
      Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

  /** A caller's request id is used only if it is 1..128 of these characters (it goes into logs). */
  static final int MAX_REQUEST_ID_LENGTH = 128;

  static final Context.Key<CallInfo> KEY = Context.key("renewal-call-info");

  private final String requestId;
  private final String fullMethodName;
  private final long startNanos;
  private volatile String caller;
  private volatile String reason;

  public CallInfo(String requestId, String fullMethodName, long startNanos) {
    this.requestId = requestId;
    this.fullMethodName = fullMethodName;
    this.startNanos = startNanos;
  }

  /** The current call's info, or null outside a call. */
  public static CallInfo current() {
    return KEY.get();
  }

  public Context attachTo(Context context) {
    return context.withValue(KEY, this);
  }

  /** The caller's {@code x-request-id} if it is well formed, else a new random id. */
  public static String requestIdFrom(Metadata headers) {
    String given = headers == null ? null : safeGet(headers);
    return isValidRequestId(given) ? given : UUID.randomUUID().toString();
  }

  private static String safeGet(Metadata headers) {
    try {
      return headers.get(REQUEST_ID_HEADER);
    } catch (RuntimeException e) {
      return null;
    }
  }

  static boolean isValidRequestId(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_REQUEST_ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_'
              || c == '.'
              || c == ':'
              || c == '/';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  public String requestId() {
    return requestId;
  }

  public String fullMethodName() {
    return fullMethodName;
  }

  public long startNanos() {
    return startNanos;
  }

  /** The account id of a tenant caller, {@code admin:<key prefix>} for an admin, or null. */
  public String caller() {
    return caller;
  }

  void caller(String caller) {
    this.caller = caller;
  }

  /** The ErrorInfo reason the call failed with, or null. */
  public String reason() {
    return reason;
  }

  void reason(String reason) {
    this.reason = reason;
  }
}
