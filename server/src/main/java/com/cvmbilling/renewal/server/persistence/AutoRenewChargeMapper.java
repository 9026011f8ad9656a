package com.cvmbilling.renewal.server.persistence;

import java.time.Instant;
import org.apache.ibatis.annotations.Param;

/** The {@code auto_renew_charge} table's SQL; only {@link BillingRecordStore} uses it. */
public interface AutoRenewChargeMapper {
  /** Fails with a duplicate key if this expiry cycle was already charged. */
  void insert(
      @Param("instanceId") String instanceId,
      @Param("oldExpiredTime") Instant oldExpiredTime,
      @Param("orderId") String orderId,
      @Param("createdTime") Instant createdTime);
}
