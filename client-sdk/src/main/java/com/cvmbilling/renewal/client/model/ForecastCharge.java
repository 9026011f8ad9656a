package com.cvmbilling.renewal.client.model;

import com.cvmbilling.renewal.v1.DescribeRenewalForecastResponse;
import java.time.Instant;
import java.util.Objects;

/**
 * One auto-renewal the lifecycle job will attempt ({@code DescribeRenewalForecastResponse.Charge}).
 * When the balance will not cover it ({@link #covered()} false) nothing is taken, so {@link
 * #balanceAfter()} is the balance before it, and the instance will be isolated at {@link
 * #expiredTime()}.
 */
public final class ForecastCharge {
  private final DescribeRenewalForecastResponse.Charge proto;

  private ForecastCharge(DescribeRenewalForecastResponse.Charge proto) {
    this.proto = proto;
  }

  /**
   * The view of a forecast charge's generated message.
   *
   * @param proto the message
   * @return its view
   * @throws NullPointerException if {@code proto} is null
   */
  public static ForecastCharge fromProto(DescribeRenewalForecastResponse.Charge proto) {
    return new ForecastCharge(Objects.requireNonNull(proto, "proto"));
  }

  public String instanceId() {
    return proto.getInstanceId();
  }

  /** When the charge falls due (the job charges it at its first run from then on). */
  public Instant chargeTime() {
    return ProtoTypes.toInstant(proto.getChargeTime());
  }

  public int periodMonths() {
    return proto.getPeriodMonths();
  }

  /** What the job will charge ({@code price.discount_price}). */
  public Amount price() {
    return Amount.fromProto(proto.getPrice().getDiscountPrice());
  }

  /** The price before the period discount ({@code price.original_price}). */
  public Amount originalPrice() {
    return Amount.fromProto(proto.getPrice().getOriginalPrice());
  }

  /** The balance after this charge; unchanged when it is not covered. */
  public Amount balanceAfter() {
    return Amount.fromProto(proto.getBalanceAfter());
  }

  /** Whether the balance will cover the charge. */
  public boolean covered() {
    return proto.getCovered();
  }

  /** The expiry the charge renews. */
  public Instant expiredTime() {
    return ProtoTypes.toInstant(proto.getExpiredTime());
  }

  public DescribeRenewalForecastResponse.Charge toProto() {
    return proto;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ForecastCharge other && proto.equals(other.proto);
  }

  @Override
  public int hashCode() {
    return proto.hashCode();
  }

  @Override
  public String toString() {
    return "ForecastCharge{"
        + instanceId()
        + " at "
        + chargeTime()
        + ", "
        + price()
        + (covered() ? ", balance after " + balanceAfter() : ", NOT COVERED")
        + "}";
  }
}
