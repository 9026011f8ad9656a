package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.domain.KeyKind;
import java.time.Instant;

/**
 * A stored key: only the SHA-256 of the secret, never the secret itself.
 *
 * @param keyId stable, non-secret id; null for a key issued by a release before the key lifecycle
 *     until {@link ApiKeyStore#assignMissingKeyIds} gives it one
 * @param support a read-only support key (then admin is false and accountId null)
 * @param name an admin or support key's name, else null
 * @param createdBy the admin key name that issued it (null: before the key lifecycle, or demo)
 * @param revokedBy the admin key name that revoked it, else null
 */
public record ApiKeyRow(
    String keyHash,
    String keyPrefix,
    String accountId,
    boolean admin,
    boolean support,
    Instant createdTime,
    String keyId,
    String name,
    String description,
    Instant expireTime,
    Instant lastUsedTime,
    Instant revokedTime,
    String createdBy,
    String revokedBy) {

  /** A row as the release before the key lifecycle wrote it (tests). */
  public ApiKeyRow(
      String keyHash, String keyPrefix, String accountId, boolean admin, Instant createdTime) {
    this(
        keyHash,
        keyPrefix,
        accountId,
        admin,
        false,
        createdTime,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  public KeyKind kind() {
    return KeyKind.of(admin, support);
  }

  public ApiKeyRow withKeyId(String id) {
    return new ApiKeyRow(
        keyHash,
        keyPrefix,
        accountId,
        admin,
        support,
        createdTime,
        id,
        name,
        description,
        expireTime,
        lastUsedTime,
        revokedTime,
        createdBy,
        revokedBy);
  }
}
