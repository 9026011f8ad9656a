package com.cvmbilling.renewal.server.domain;

public enum ChargeType {
  PREPAID,
  POSTPAID_BY_HOUR
}
