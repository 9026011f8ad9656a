package com.cvmbilling.renewal.server.error;

import com.cvmbilling.renewal.v1.ErrorReason;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request that cannot be carried out, for a reason the caller can act on. Thrown by the domain
 * and service layers; the gRPC layer turns it into a {@code google.rpc.Status} in one place. The
 * message is for humans and never contains internals. The reason is one of the API's {@link
 * ErrorReason}s; its status code comes from {@link StatusCode#of}.
 */
public final class ApiException extends RuntimeException {
  private final ErrorReason reason;
  private final Map<String, String> metadata;
  private final List<FieldViolation> fieldViolations;
  private final Duration retryDelay;

  private ApiException(
      ErrorReason reason,
      String message,
      Map<String, String> metadata,
      List<FieldViolation> fieldViolations,
      Duration retryDelay,
      Throwable cause) {
    super(message, cause, false, false);
    this.reason = reason;
    this.metadata = Map.copyOf(metadata);
    this.fieldViolations = List.copyOf(fieldViolations);
    this.retryDelay = retryDelay;
  }

  public static Builder of(ErrorReason reason, String message) {
    StatusCode.of(reason); // fails now for a reason without a status code
    return new Builder(reason, message);
  }

  /**
   * The API error that {@code failure} is or wraps (e.g. inside a MyBatis {@code
   * PersistenceException}, see persistence's translation of database errors), or null.
   */
  public static ApiException find(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ApiException api) {
        return api;
      }
    }
    return null;
  }

  /** An error about one request field: carries a field violation naming it. */
  public static ApiException badField(ErrorReason reason, String field, String message) {
    return of(reason, message).field(field, message).build();
  }

  public ErrorReason reason() {
    return reason;
  }

  public StatusCode code() {
    return StatusCode.of(reason);
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  public List<FieldViolation> fieldViolations() {
    return fieldViolations;
  }

  /** How long the caller should wait before retrying (reported as RetryInfo), or null. */
  public Duration retryDelay() {
    return retryDelay;
  }

  public static final class Builder {
    private final ErrorReason reason;
    private final String message;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final java.util.ArrayList<FieldViolation> violations = new java.util.ArrayList<>();
    private Duration retryDelay;
    private Throwable cause;

    private Builder(ErrorReason reason, String message) {
      this.reason = reason;
      this.message = message;
    }

    public Builder meta(String key, String value) {
      metadata.put(key, value);
      return this;
    }

    /** Metadata whose value is a list, e.g. {@code instanceIds}: comma-separated. */
    public Builder meta(String key, Collection<?> values) {
      StringBuilder joined = new StringBuilder();
      boolean first = true;
      for (Object v : values) {
        if (!first) {
          joined.append(',');
        }
        joined.append(v);
        first = false;
      }
      metadata.put(key, joined.toString());
      return this;
    }

    public Builder field(String field, String description) {
      violations.add(new FieldViolation(field, description));
      return this;
    }

    public Builder retryDelay(Duration delay) {
      retryDelay = delay;
      return this;
    }

    /** The low-level failure this error reports (for logs; never sent to the caller). */
    public Builder cause(Throwable cause) {
      this.cause = cause;
      return this;
    }

    public ApiException build() {
      return new ApiException(reason, message, metadata, violations, retryDelay, cause);
    }
  }
}
