package com.cvmbilling.renewal.client.error;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code RESOURCE_EXHAUSTED} (reason {@code RATE_LIMITED}): the account or key sent more calls than
 * its rate limit allows. Wait for {@link #retryDelay()} before calling again.
 */
public class ResourceExhaustedException extends RenewalException {
  private static final long serialVersionUID = 1L;

  ResourceExhaustedException(Details details) {
    super(details);
  }

  /** How long the server asked the caller to wait ({@code google.rpc.RetryInfo}), if it said. */
  public Optional<Duration> retryDelay() {
    for (com.google.protobuf.Any detail : status().getDetailsList()) {
      if (detail.is(RetryInfo.class)) {
        try {
          com.google.protobuf.Duration d = detail.unpack(RetryInfo.class).getRetryDelay();
          return Optional.of(Duration.ofSeconds(d.getSeconds(), d.getNanos()));
        } catch (InvalidProtocolBufferException malformed) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
