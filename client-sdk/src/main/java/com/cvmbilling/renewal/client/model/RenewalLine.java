package com.cvmbilling.renewal.client.model;

import com.cvmbilling.renewal.v1.InstanceRenewal;
import java.time.Instant;
import java.util.Objects;

/**
 * What one instance's expiry becomes and what that costs ({@code InstanceRenewal}). {@link
 * #price()} is what is charged for the instance, the renewed period plus any bandwidth upgrade;
 * {@link #originalPrice()} is the same before the period discount.
 */
public final class RenewalLine {
  private final InstanceRenewal proto;

  private RenewalLine(InstanceRenewal proto) {
    this.proto = proto;
  }

  /**
   * The view of one instance's renewal's generated message.
   *
   * @param proto the message
   * @return its view
   * @throws NullPointerException if {@code proto} is null
   */
  public static RenewalLine fromProto(InstanceRenewal proto) {
    return new RenewalLine(Objects.requireNonNull(proto, "proto"));
  }

  public String instanceId() {
    return proto.getInstanceId();
  }

  public Instant oldExpiredTime() {
    return ProtoTypes.toInstant(proto.getOldExpiredTime());
  }

  public Instant newExpiredTime() {
    return ProtoTypes.toInstant(proto.getNewExpiredTime());
  }

  /** What is charged for this instance ({@code price.discount_price}). */
  public Amount price() {
    return Amount.fromProto(proto.getPrice().getDiscountPrice());
  }

  /** The price before the period discount ({@code price.original_price}). */
  public Amount originalPrice() {
    return Amount.fromProto(proto.getPrice().getOriginalPrice());
  }

  /** The part of {@link #price()} that pays for raising the bandwidth; zero when unchanged. */
  public Amount bandwidthUpgradePrice() {
    return proto.hasBandwidthUpgradePrice()
        ? Amount.fromProto(proto.getBandwidthUpgradePrice())
        : Amount.of(java.math.BigDecimal.ZERO, price().currency());
  }

  /** The bandwidth the instance has after the call. */
  public int bandwidthMbps() {
    return proto.getBandwidthMbps();
  }

  public InstanceRenewal toProto() {
    return proto;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RenewalLine other && proto.equals(other.proto);
  }

  @Override
  public int hashCode() {
    return proto.hashCode();
  }

  @Override
  public String toString() {
    return "RenewalLine{"
        + instanceId()
        + ": "
        + oldExpiredTime()
        + " -> "
        + newExpiredTime()
        + ", "
        + price()
        + "}";
  }
}
