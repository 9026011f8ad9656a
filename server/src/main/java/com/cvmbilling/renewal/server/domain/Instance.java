package com.cvmbilling.renewal.server.domain;

import java.time.Instant;

/**
 * An instance as billing stores it. {@code expiryAnchorDay} is the day of the month that monthly
 * renewals return to (so that Jan 31 -> Feb 28 -> Mar 31); null for postpaid instances. {@code
 * version} increases with every change and guards updates.
 */
public record Instance(
    String instanceId,
    String accountId,
    String instanceType,
    ChargeType chargeType,
    InstanceState state,
    Instant createdTime,
    Instant expiredTime,
    Integer expiryAnchorDay,
    Instant isolatedTime,
    Instant releasedTime,
    RenewFlag renewFlag,
    int autoRenewPeriodMonths,
    int bandwidthMbps,
    long version) {

  public boolean isPrepaid() {
    return chargeType == ChargeType.PREPAID;
  }

  /** The next version of this instance: change what differs, the version goes up by one. */
  public Change change() {
    return new Change(this);
  }

  /** Builds the next version of an instance; identity, type and creation never change. */
  public static final class Change {
    private final Instance from;
    private InstanceState state;
    private Instant expiredTime;
    private Integer expiryAnchorDay;
    private Instant isolatedTime;
    private Instant releasedTime;
    private RenewFlag renewFlag;
    private int autoRenewPeriodMonths;
    private int bandwidthMbps;

    private Change(Instance from) {
      this.from = from;
      state = from.state;
      expiredTime = from.expiredTime;
      expiryAnchorDay = from.expiryAnchorDay;
      isolatedTime = from.isolatedTime;
      releasedTime = from.releasedTime;
      renewFlag = from.renewFlag;
      autoRenewPeriodMonths = from.autoRenewPeriodMonths;
      bandwidthMbps = from.bandwidthMbps;
    }

    public Change state(InstanceState v) {
      state = v;
      return this;
    }

    public Change expiredTime(Instant v) {
      expiredTime = v;
      return this;
    }

    public Change expiryAnchorDay(Integer v) {
      expiryAnchorDay = v;
      return this;
    }

    public Change isolatedTime(Instant v) {
      isolatedTime = v;
      return this;
    }

    public Change releasedTime(Instant v) {
      releasedTime = v;
      return this;
    }

    public Change renewFlag(RenewFlag v) {
      renewFlag = v;
      return this;
    }

    public Change autoRenewPeriodMonths(int v) {
      autoRenewPeriodMonths = v;
      return this;
    }

    public Change bandwidthMbps(int v) {
      bandwidthMbps = v;
      return this;
    }

    public Instance build() {
      return new Instance(
          from.instanceId,
          from.accountId,
          from.instanceType,
          from.chargeType,
          state,
          from.createdTime,
          expiredTime,
          expiryAnchorDay,
          isolatedTime,
          releasedTime,
          renewFlag,
          autoRenewPeriodMonths,
          bandwidthMbps,
          from.version + 1);
    }
  }
}
