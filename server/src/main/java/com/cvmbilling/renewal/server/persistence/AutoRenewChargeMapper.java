package com.cvmbilling.renewal.server.persistence;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** The {@code auto_renew_charge} table's SQL; only {@link BillingRecordStore} uses it. */
public interface AutoRenewChargeMapper {
  /**
   * One multi-row INSERT; fails with a duplicate key (and so writes none) if any of these expiry
   * cycles was already charged.
   */
  void insertAll(@Param("charges") List<AutoRenewCharge> charges);
}
