package com.cvmbilling.renewal.server.domain;

import java.time.Instant;
import java.time.ZoneId;

public record Account(
    String accountId,
    String displayName,
    long balanceFen,
    String billingTimeZone,
    Instant createdTime) {

  public ZoneId zone() {
    return ZoneId.of(billingTimeZone);
  }
}
