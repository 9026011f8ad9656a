package com.cvmbilling.renewal.client.model;

import com.google.protobuf.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Conversions between protobuf's well-known types and {@code java.time}. Money is {@link Amount}.
 */
public final class ProtoTypes {
  private ProtoTypes() {}

  public static Instant toInstant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  public static Timestamp toTimestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  /** An optional timestamp field: empty when the message does not have it set. */
  public static Optional<Instant> toInstant(boolean present, Timestamp timestamp) {
    return present ? Optional.of(toInstant(timestamp)) : Optional.empty();
  }

  public static Duration toDuration(com.google.protobuf.Duration duration) {
    return Duration.ofSeconds(duration.getSeconds(), duration.getNanos());
  }

  public static com.google.protobuf.Duration toProtoDuration(Duration duration) {
    long seconds = duration.getSeconds();
    int nanos = duration.getNano();
    if (seconds < 0 && nanos > 0) { // java.time keeps nanos positive; protobuf wants one sign
      seconds += 1;
      nanos -= 1_000_000_000;
    }
    return com.google.protobuf.Duration.newBuilder().setSeconds(seconds).setNanos(nanos).build();
  }
}
