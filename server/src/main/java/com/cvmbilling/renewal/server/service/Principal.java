package com.cvmbilling.renewal.server.service;

/** Who is calling: a tenant acting on its account, or an operator (admin, no account). */
public record Principal(String accountId, boolean admin, String keyPrefix) {
  public static Principal tenant(String accountId, String keyPrefix) {
    return new Principal(accountId, false, keyPrefix);
  }

  public static Principal admin(String keyPrefix) {
    return new Principal(null, true, keyPrefix);
  }
}
