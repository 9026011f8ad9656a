package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.server.config.AccessSettings;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.error.ErrorReason;
import com.cvmbilling.renewal.server.persistence.ApiKeyRow;
import com.cvmbilling.renewal.server.persistence.ApiKeyStore;
import com.cvmbilling.renewal.server.persistence.Transactions;
import com.cvmbilling.renewal.server.support.Hashing;
import com.cvmbilling.renewal.server.support.IdGenerator;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * API keys: only their SHA-256 is stored (keys are long random strings, so a slow password hash
 * would add nothing). Bootstrap admin keys from the command line are compared in memory.
 */
@Singleton
public class ApiKeyService {
  /**
   * A key found in the database is remembered for {@link #REMEMBER_FOR}, so a client's stream of
   * calls costs one lookup (a SELECT and a COMMIT: 2 of the 11 database round trips of a renewal
   * call) per key every 30 s instead of one per call. Only keys that exist are remembered; a key
   * removed from the table by SQL stops working within 30 s.
   */
  static final java.time.Duration REMEMBER_FOR = java.time.Duration.ofSeconds(30);

  private static final int REMEMBERED_MAX = 100_000;

  private record Remembered(Principal principal, long untilNanos) {}

  private final java.util.concurrent.ConcurrentHashMap<String, Remembered> remembered =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final ApiKeyStore keys;
  private final Transactions tx;
  private final IdGenerator ids;
  private final Clock clock;
  private final List<String> bootstrapAdminKeyHashes;

  @Inject
  public ApiKeyService(
      ApiKeyStore keys, Transactions tx, IdGenerator ids, Clock clock, AccessSettings access) {
    this.keys = keys;
    this.tx = tx;
    this.ids = ids;
    this.clock = clock;
    this.bootstrapAdminKeyHashes =
        access.bootstrapAdminKeys().stream().map(Hashing::sha256Hex).toList();
  }

  /** The caller behind a presented key, or INVALID_CREDENTIALS. */
  public Principal authenticate(String presentedKey) {
    String hash = Hashing.sha256Hex(presentedKey);
    for (String adminHash : bootstrapAdminKeyHashes) {
      if (MessageDigest.isEqual(
          adminHash.getBytes(StandardCharsets.US_ASCII),
          hash.getBytes(StandardCharsets.US_ASCII))) {
        return Principal.admin(prefixOf(presentedKey));
      }
    }
    long now = System.nanoTime();
    Remembered known = remembered.get(hash);
    if (known != null && now - known.untilNanos() < 0) {
      return known.principal();
    }
    ApiKeyRow row = tx.inTransaction(() -> keys.findByHash(hash));
    if (row == null) {
      remembered.remove(hash);
      throw ApiException.of(ErrorReason.INVALID_CREDENTIALS, "the API key is not valid").build();
    }
    Principal principal =
        row.admin()
            ? Principal.admin(row.keyPrefix())
            : Principal.tenant(row.accountId(), row.keyPrefix());
    if (remembered.size() >= REMEMBERED_MAX) {
      remembered.clear();
    }
    remembered.put(hash, new Remembered(principal, now + REMEMBER_FOR.toNanos()));
    return principal;
  }

  /** Issues a new tenant key for an account (the account must exist: caller's job). */
  public String issueTenantKey(String accountId) {
    String key = ids.apiKey();
    store(key, accountId, false);
    return key;
  }

  /** Stores a key chosen by the operator (demo mode's fixed keys). No-op if it exists. */
  public void ensureKey(String key, String accountId, boolean admin) {
    tx.inTransaction(
        () -> {
          if (keys.findByHash(Hashing.sha256Hex(key)) == null) {
            store(key, accountId, admin);
          }
        });
  }

  private void store(String key, String accountId, boolean admin) {
    tx.inTransaction(
        () ->
            keys.insert(
                new ApiKeyRow(
                    Hashing.sha256Hex(key), prefixOf(key), accountId, admin, Instant.now(clock))));
  }

  static String prefixOf(String key) {
    return key.length() <= 6 ? "***" : key.substring(0, 6);
  }
}
