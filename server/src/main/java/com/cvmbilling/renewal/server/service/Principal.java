package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.server.domain.KeyKind;

/**
 * Who is calling: a tenant acting on its account, or an operator (an admin or a read-only support
 * key, no account).
 *
 * @param name an admin or support key's name (the bootstrap key's is "bootstrap"; a stored admin
 *     key without a name, from before the key lifecycle, goes by its key id); null for tenant keys
 */
public record Principal(KeyKind kind, String accountId, String keyPrefix, String name) {
  public static Principal tenant(String accountId, String keyPrefix) {
    return new Principal(KeyKind.TENANT, accountId, keyPrefix, null);
  }

  public static Principal admin(String keyPrefix, String name) {
    return new Principal(KeyKind.ADMIN, null, keyPrefix, name);
  }

  public static Principal support(String keyPrefix, String name) {
    return new Principal(KeyKind.SUPPORT, null, keyPrefix, name);
  }

  public boolean admin() {
    return kind == KeyKind.ADMIN;
  }

  public boolean support() {
    return kind == KeyKind.SUPPORT;
  }

  public boolean tenant() {
    return kind == KeyKind.TENANT;
  }

  /** The kind as the logs and metrics name it: "tenant", "admin" or "support". */
  public String kindName() {
    return kind.logName();
  }
}
