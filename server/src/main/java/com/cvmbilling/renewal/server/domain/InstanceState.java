package com.cvmbilling.renewal.server.domain;

/** Lifecycle state of an instance (SPEC section 3). RELEASED is terminal. */
public enum InstanceState {
  RUNNING,
  ISOLATED,
  RELEASED
}
