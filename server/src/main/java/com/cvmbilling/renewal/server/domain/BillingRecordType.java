package com.cvmbilling.renewal.server.domain;

public enum BillingRecordType {
  RENEW,
  AUTO_RENEW,
  UNIFIED_EXPIRY,
  BANDWIDTH_UPGRADE,
  TOP_UP
}
