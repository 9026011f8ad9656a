package com.cvmbilling.renewal.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-call overrides of the client's settings: the deadline, the retry settings and the request id.
 * The client token of a call that changes something is a field of its request ({@code
 * client_token}): leave it empty and the SDK generates one per call.
 *
 * <pre>{@code
 * client.renewInstances(request, RequestOptions.withDeadline(Duration.ofSeconds(3)));
 * }</pre>
 */
public final class RequestOptions {
  private static final RequestOptions DEFAULTS = new RequestOptions(null, null, null);

  private final Duration deadline;
  private final RetrySettings retrySettings;
  private final String requestId;

  private RequestOptions(Duration deadline, RetrySettings retrySettings, String requestId) {
    this.deadline = deadline;
    this.retrySettings = retrySettings;
    this.requestId = requestId;
  }

  /** No override: the client's settings apply. */
  public static RequestOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Only a deadline for this call (all its attempts together).
   *
   * @param deadline positive
   * @return the options
   * @throws NullPointerException if {@code deadline} is null
   * @throws IllegalArgumentException if it is zero or negative
   */
  public static RequestOptions withDeadline(Duration deadline) {
    return DEFAULTS.deadline(deadline);
  }

  /**
   * The deadline of this call, all attempts and waits together, instead of the client's default.
   *
   * @param deadline positive
   * @return new options with this deadline
   * @throws NullPointerException if {@code deadline} is null
   * @throws IllegalArgumentException if it is zero or negative
   */
  public RequestOptions deadline(Duration deadline) {
    Objects.requireNonNull(deadline, "deadline");
    if (deadline.isZero() || deadline.isNegative()) {
      throw new IllegalArgumentException("deadline must be positive, got " + deadline);
    }
    return new RequestOptions(deadline, retrySettings, requestId);
  }

  /**
   * The retry settings of this call instead of the client's for the RPC.
   *
   * @param retrySettings the settings, e.g. {@link RetrySettings#none()}
   * @return new options with these settings
   * @throws NullPointerException if {@code retrySettings} is null
   */
  public RequestOptions retrySettings(RetrySettings retrySettings) {
    return new RequestOptions(
        deadline, Objects.requireNonNull(retrySettings, "retrySettings"), requestId);
  }

  /**
   * The request id to send as {@code x-request-id} (e.g. your own trace id); default: a random
   * UUID.
   *
   * @param requestId printable ASCII without spaces
   * @return new options with this request id
   * @throws NullPointerException if {@code requestId} is null
   * @throws IllegalArgumentException if it is blank or not printable ASCII without spaces
   */
  public RequestOptions requestId(String requestId) {
    Objects.requireNonNull(requestId, "requestId");
    if (requestId.isBlank() || !requestId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException("requestId must be printable ASCII without spaces");
    }
    return new RequestOptions(deadline, retrySettings, requestId);
  }

  /** The deadline override; null when none. */
  public Duration deadline() {
    return deadline;
  }

  /** The retry override; null when none. */
  public RetrySettings retrySettings() {
    return retrySettings;
  }

  /** The request id override; null when none. */
  public String requestId() {
    return requestId;
  }

  @Override
  public String toString() {
    return "RequestOptions{deadline="
        + deadline
        + ", retrySettings="
        + retrySettings
        + ", requestId="
        + requestId
        + "}";
  }
}
