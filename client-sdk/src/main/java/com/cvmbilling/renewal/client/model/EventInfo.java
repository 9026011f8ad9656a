package com.cvmbilling.renewal.client.model;

import com.cvmbilling.renewal.v1.Event;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** Something that happened to an account or one of its instances. */
public final class EventInfo {
  private final Event proto;

  private EventInfo(Event proto) {
    this.proto = proto;
  }

  /**
   * The view of an event's generated message.
   *
   * @param proto the message
   * @return its view
   * @throws NullPointerException if {@code proto} is null
   */
  public static EventInfo fromProto(Event proto) {
    return new EventInfo(Objects.requireNonNull(proto, "proto"));
  }

  /** Increasing within an account: resume a watch or a listing after the last one you saw. */
  public long eventId() {
    return proto.getEventId();
  }

  public Event.Type type() {
    return proto.getType();
  }

  public String accountId() {
    return proto.getAccountId();
  }

  public String instanceId() {
    return proto.getInstanceId();
  }

  public Instant occurredTime() {
    return ProtoTypes.toInstant(proto.getOccurredTime());
  }

  /** The instance's expiry after the event, when it has one. */
  public Optional<Instant> expiredTime() {
    return ProtoTypes.toInstant(proto.hasExpiredTime(), proto.getExpiredTime());
  }

  /** {@code REMINDER} only: 7, 3 or 1. */
  public int daysBefore() {
    return proto.getDaysBefore();
  }

  /** Set when the event charged the account. */
  public Optional<String> orderId() {
    return proto.getOrderId().isEmpty() ? Optional.empty() : Optional.of(proto.getOrderId());
  }

  public Event toProto() {
    return proto;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EventInfo other && proto.equals(other.proto);
  }

  @Override
  public int hashCode() {
    return proto.hashCode();
  }

  @Override
  public String toString() {
    return "EventInfo{#"
        + eventId()
        + " "
        + type()
        + " "
        + instanceId()
        + " at "
        + occurredTime()
        + "}";
  }
}
