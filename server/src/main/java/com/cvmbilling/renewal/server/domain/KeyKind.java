package com.cvmbilling.renewal.server.domain;

/**
 * What an API key may do: a tenant key acts on its own account; an admin key runs the admin API and
 * the support reads; a support key (read-only, issue #12 point 2) only the support reads. Admin and
 * support keys have no account.
 */
public enum KeyKind {
  TENANT,
  ADMIN,
  SUPPORT;

  /** How the access and audit logs name the kind: "tenant", "admin", "support". */
  public String logName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The kind of a stored key from its two flags (is_admin, is_support). */
  public static KeyKind of(boolean admin, boolean support) {
    return admin ? ADMIN : support ? SUPPORT : TENANT;
  }
}
