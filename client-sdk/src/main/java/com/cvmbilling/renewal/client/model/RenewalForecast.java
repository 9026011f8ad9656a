package com.cvmbilling.renewal.client.model;

import com.cvmbilling.renewal.v1.DescribeRenewalForecastResponse;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The auto-renewals the lifecycle job will charge over the forecast's horizon, priced as the job
 * prices them, walked from the current balance with no top-ups ({@code
 * DescribeRenewalForecastResponse}).
 */
public final class RenewalForecast {
  private final DescribeRenewalForecastResponse proto;

  private RenewalForecast(DescribeRenewalForecastResponse proto) {
    this.proto = proto;
  }

  /**
   * The view of a forecast's generated message.
   *
   * @param proto the message
   * @return its view
   * @throws NullPointerException if {@code proto} is null
   */
  public static RenewalForecast fromProto(DescribeRenewalForecastResponse proto) {
    return new RenewalForecast(Objects.requireNonNull(proto, "proto"));
  }

  /** Every attempt in the horizon, covered or not, in time order. */
  public List<ForecastCharge> charges() {
    return proto.getChargesList().stream().map(ForecastCharge::fromProto).toList();
  }

  /** The balance now, which the forecast starts from. */
  public Amount balance() {
    return Amount.fromProto(proto.getBalance());
  }

  /** When the first charge the balance will not cover falls due; empty if every one is covered. */
  public Optional<Instant> shortfallTime() {
    return ProtoTypes.toInstant(proto.hasShortfallTime(), proto.getShortfallTime());
  }

  /** The instances the balance will not renew: isolated at their expiry unless topped up. */
  public List<String> atRiskInstanceIds() {
    return proto.getAtRiskInstanceIdsList();
  }

  public DescribeRenewalForecastResponse toProto() {
    return proto;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RenewalForecast other && proto.equals(other.proto);
  }

  @Override
  public int hashCode() {
    return proto.hashCode();
  }

  @Override
  public String toString() {
    return "RenewalForecast{"
        + proto.getChargesCount()
        + " charges from "
        + balance()
        + (atRiskInstanceIds().isEmpty() ? "" : ", at risk " + atRiskInstanceIds())
        + "}";
  }
}
