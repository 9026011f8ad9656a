package com.cvmbilling.renewal.server.domain;

public enum EventType {
  REMINDER,
  RENEWED,
  AUTO_RENEWED,
  AUTO_RENEW_FAILED,
  ISOLATED,
  RELEASED,
  RENEW_FLAG_CHANGED,
  EXPIRY_ALIGNED,
  TERMINATED
}
