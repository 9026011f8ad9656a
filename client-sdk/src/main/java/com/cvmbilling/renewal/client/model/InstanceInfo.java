package com.cvmbilling.renewal.client.model;

import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.RenewFlag;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An instance as billing sees it, with {@code java.time} types. The enums are the generated ones
 * ({@link Instance.State}, {@link Instance.ChargeType}, {@link RenewFlag}); {@link #toProto()}
 * gives the generated message.
 */
public final class InstanceInfo {
  private final Instance proto;

  private InstanceInfo(Instance proto) {
    this.proto = proto;
  }

  /**
   * The view of an instance's generated message.
   *
   * @param proto the message
   * @return its view
   * @throws NullPointerException if {@code proto} is null
   */
  public static InstanceInfo fromProto(Instance proto) {
    return new InstanceInfo(Objects.requireNonNull(proto, "proto"));
  }

  public String instanceId() {
    return proto.getInstanceId();
  }

  public String accountId() {
    return proto.getAccountId();
  }

  public String instanceType() {
    return proto.getInstanceType();
  }

  public Instance.ChargeType chargeType() {
    return proto.getChargeType();
  }

  public boolean isPrepaid() {
    return proto.getChargeType() == Instance.ChargeType.PREPAID;
  }

  public Instance.State state() {
    return proto.getState();
  }

  public Instant createdTime() {
    return ProtoTypes.toInstant(proto.getCreatedTime());
  }

  /** When the paid period ends; empty for postpaid instances. */
  public Optional<Instant> expiredTime() {
    return ProtoTypes.toInstant(proto.hasExpiredTime(), proto.getExpiredTime());
  }

  public Optional<Instant> isolatedTime() {
    return ProtoTypes.toInstant(proto.hasIsolatedTime(), proto.getIsolatedTime());
  }

  public Optional<Instant> releasedTime() {
    return ProtoTypes.toInstant(proto.hasReleasedTime(), proto.getReleasedTime());
  }

  public RenewFlag renewFlag() {
    return proto.getRenewFlag();
  }

  public int autoRenewPeriodMonths() {
    return proto.getAutoRenewPeriodMonths();
  }

  public int bandwidthMbps() {
    return proto.getBandwidthMbps();
  }

  public Instance toProto() {
    return proto;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InstanceInfo other && proto.equals(other.proto);
  }

  @Override
  public int hashCode() {
    return proto.hashCode();
  }

  @Override
  public String toString() {
    return "InstanceInfo{"
        + instanceId()
        + ", "
        + instanceType()
        + ", "
        + chargeType()
        + ", "
        + state()
        + expiredTime().map(t -> ", expires " + t).orElse("")
        + ", "
        + renewFlag()
        + ", "
        + bandwidthMbps()
        + " Mbps}";
  }
}
