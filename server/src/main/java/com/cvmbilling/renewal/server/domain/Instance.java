package com.cvmbilling.renewal.server.domain;

import java.time.Instant;

/**
 * An instance as billing stores it. {@code expiryAnchorDay} is the day of the month that monthly
 * renewals return to (so that Jan 31 -> Feb 28 -> Mar 31); null for postpaid instances.
 * {@code version} increases with every change and guards updates.
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
}
