package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.domain.KeyKind;
import com.cvmbilling.renewal.server.support.Hashing;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;

/** The {@code api_key} table. Runs in the caller's transaction. */
@Singleton
public class ApiKeyStore {
  private final ApiKeyMapper keys;

  @Inject
  ApiKeyStore(ApiKeyMapper keys) {
    this.keys = keys;
  }

  /**
   * A key's stable, non-secret id: derived from the hash of the key's hash, so a key issued by an
   * older release gets the same id whenever it is assigned, and the id tells nothing about the key.
   */
  public static String keyIdFor(String keyHash) {
    return "key-" + Hashing.sha256Hex("api-key-id|" + keyHash).substring(0, 20);
  }

  /** Inserts the row, with its key id. */
  public void insert(ApiKeyRow row) {
    keys.insert(row.keyId() == null ? row.withKeyId(keyIdFor(row.keyHash())) : row);
  }

  /** The key with this SHA-256 hash, or null. */
  public ApiKeyRow findByHash(String keyHash) {
    return keys.findByHash(keyHash);
  }

  /** The key with this key id, or null. */
  public ApiKeyRow findById(String keyId) {
    return keys.findById(keyId);
  }

  /**
   * Gives a key id to the keys an older release inserted without one (the previous release may
   * still run beside this one during an upgrade). Cheap when there are none: one indexed query.
   */
  public void assignMissingKeyIds() {
    for (String hash : keys.hashesWithoutKeyId()) {
      keys.setKeyId(hash, keyIdFor(hash));
    }
  }

  /** The admin keys, the support keys, or (TENANT) accountId's tenant keys; keyset paging. */
  public List<ApiKeyRow> page(
      KeyKind kind, String accountId, Instant afterCreatedTime, String afterKeyId, int limit) {
    return keys.page(kind, accountId, afterCreatedTime, afterKeyId, limit);
  }

  /** Records a use, unless one was recorded since {@code staleBefore}; true if it wrote. */
  public boolean markUsed(String keyHash, Instant now, Instant staleBefore) {
    return keys.markUsed(keyHash, now, staleBefore) > 0;
  }

  /** Revokes the key unless it already is; true if this call revoked it. */
  public boolean revoke(String keyId, Instant now, String by) {
    return keys.revoke(keyId, now, by) > 0;
  }
}
