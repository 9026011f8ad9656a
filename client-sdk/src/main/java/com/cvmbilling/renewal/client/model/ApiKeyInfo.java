package com.cvmbilling.renewal.client.model;

import com.cvmbilling.renewal.v1.ApiKey;
import java.time.Instant;
import java.util.Objects;

/**
 * An API key as the operator sees it (CreateApiKey, ListApiKeys, RevokeApiKey): never the secret or
 * its hash. A key is one of three kinds: a tenant key (its {@link #accountId()}), an {@link
 * #admin()} key or a read-only {@link #support()} key (both named, no account). {@link #toProto()}
 * gives the generated message.
 */
public final class ApiKeyInfo {
  private final ApiKey proto;

  private ApiKeyInfo(ApiKey proto) {
    this.proto = proto;
  }

  /**
   * The view of a key's generated message.
   *
   * @param proto the message
   * @return its view
   * @throws NullPointerException if {@code proto} is null
   */
  public static ApiKeyInfo fromProto(ApiKey proto) {
    return new ApiKeyInfo(Objects.requireNonNull(proto, "proto"));
  }

  /** The stable, non-secret id that names the key in {@code revokeApiKey}. */
  public String keyId() {
    return proto.getKeyId();
  }

  /** The first characters of the secret. */
  public String prefix() {
    return proto.getPrefix();
  }

  /** A tenant key's account; empty for an admin or support key. */
  public String accountId() {
    return proto.getAccountId();
  }

  public boolean admin() {
    return proto.getAdmin();
  }

  /**
   * Whether this is a read-only support key: it may only read any account's account, instances,
   * billing records and events by naming its account id.
   */
  public boolean support() {
    return proto.getSupport();
  }

  /** An admin or support key's name; empty for a tenant key. */
  public String name() {
    return proto.getName();
  }

  public String description() {
    return proto.getDescription();
  }

  public Instant createdTime() {
    return ProtoTypes.toInstant(proto.getCreatedTime());
  }

  /** When the key was last used (to within the server's key cache time); null if never. */
  public Instant lastUsedTime() {
    return proto.hasLastUsedTime() ? ProtoTypes.toInstant(proto.getLastUsedTime()) : null;
  }

  /** When the key stops working; null if it never expires. */
  public Instant expireTime() {
    return proto.hasExpireTime() ? ProtoTypes.toInstant(proto.getExpireTime()) : null;
  }

  /** When the key was revoked; null if it is not. */
  public Instant revokedTime() {
    return proto.hasRevokedTime() ? ProtoTypes.toInstant(proto.getRevokedTime()) : null;
  }

  public boolean revoked() {
    return proto.hasRevokedTime();
  }

  public ApiKey toProto() {
    return proto;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ApiKeyInfo other && proto.equals(other.proto);
  }

  @Override
  public int hashCode() {
    return proto.hashCode();
  }

  @Override
  public String toString() {
    return "ApiKeyInfo{"
        + keyId()
        + " "
        + prefix()
        + "..."
        + (admin()
            ? " admin " + name()
            : support() ? " support " + name() : " account " + accountId())
        + (revoked() ? ", revoked " + revokedTime() : "")
        + (expireTime() != null ? ", expires " + expireTime() : "")
        + "}";
  }
}
