package com.cvmbilling.renewal.server.persistence;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** The {@code api_key} table. Runs in the caller's transaction. */
@Singleton
public class ApiKeyStore {
  private final ApiKeyMapper keys;

  @Inject
  ApiKeyStore(ApiKeyMapper keys) {
    this.keys = keys;
  }

  public void insert(ApiKeyRow row) {
    keys.insert(row);
  }

  /** The key with this SHA-256 hash, or null. */
  public ApiKeyRow findByHash(String keyHash) {
    return keys.findByHash(keyHash);
  }
}
