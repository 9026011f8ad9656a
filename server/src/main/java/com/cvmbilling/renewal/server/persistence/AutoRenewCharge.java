package com.cvmbilling.renewal.server.persistence;

import java.time.Instant;

/** One row of {@code auto_renew_charge}: this expiry cycle of the instance was auto-renewed. */
public record AutoRenewCharge(
    String instanceId, Instant oldExpiredTime, String orderId, Instant createdTime) {}
