package com.cvmbilling.renewal.server.domain;

public enum RenewFlag {
  NOTIFY_AND_MANUAL_RENEW,
  NOTIFY_AND_AUTO_RENEW,
  DISABLE_NOTIFY_AND_MANUAL_RENEW
}
