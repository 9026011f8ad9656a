package com.cvmbilling.renewal.server.persistence;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;

/**
 * The {@code idempotency_record} table: one row per (account, method, client token). Each method
 * runs in the caller's transaction; see {@link IdempotencyMapper} for what each statement checks.
 */
@Singleton
public class IdempotencyStore {
  private final IdempotencyMapper records;

  @Inject
  IdempotencyStore(IdempotencyMapper records) {
    this.records = records;
  }

  /** Fails with a duplicate-key error when the (account, method, token) is already taken. */
  public void insert(IdempotencyRow row) {
    records.insert(row);
  }

  public IdempotencyRow find(String accountId, String method, String tokenHash) {
    return records.find(accountId, method, tokenHash);
  }

  /** Marks an in-progress record completed with its response; returns the rows changed. */
  public int complete(String accountId, String method, String tokenHash, byte[] response) {
    return records.complete(accountId, method, tokenHash, response);
  }

  /**
   * Takes over a stale in-progress record (committed by a release before 0.2): succeeds (1 row)
   * only if it still has {@code startedTime}.
   */
  public int restart(
      String accountId,
      String method,
      String tokenHash,
      Instant startedTime,
      Instant newStartedTime,
      Instant expiresTime) {
    return records.restart(accountId, method, tokenHash, startedTime, newStartedTime, expiresTime);
  }

  /** Deletes the record if it has expired by {@code now}. */
  public int deleteExpired(String accountId, String method, String tokenHash, Instant now) {
    return records.deleteExpired(accountId, method, tokenHash, now);
  }

  /** Deletes up to {@code limit} records expired by {@code now}; returns how many. */
  public int purgeExpired(Instant now, int limit) {
    return records.purgeExpired(now, limit);
  }
}
