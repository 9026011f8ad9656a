package com.cvmbilling.renewal.server.service;

/**
 * Who is calling: a tenant acting on its account, or an operator (admin, no account).
 *
 * @param name an admin key's name (the bootstrap key's is "bootstrap"; a stored admin key without a
 *     name, from before the key lifecycle, goes by its key id); null for tenant keys
 */
public record Principal(String accountId, boolean admin, String keyPrefix, String name) {
  public static Principal tenant(String accountId, String keyPrefix) {
    return new Principal(accountId, false, keyPrefix, null);
  }

  public static Principal admin(String keyPrefix, String name) {
    return new Principal(null, true, keyPrefix, name);
  }
}
