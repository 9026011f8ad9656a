package com.cvmbilling.renewal.server.persistence;

import java.time.Instant;
import org.apache.ibatis.annotations.Param;

/** The {@code idempotency_record} table's SQL; only {@link IdempotencyStore} uses it. */
public interface IdempotencyMapper {
  /** Fails with a duplicate-key error when the (account, method, token) is already taken. */
  void insert(IdempotencyRow row);

  IdempotencyRow find(
      @Param("accountId") String accountId,
      @Param("method") String method,
      @Param("tokenHash") String tokenHash);

  /** Marks an in-progress record completed with its response (same transaction as the work). */
  int complete(
      @Param("accountId") String accountId,
      @Param("method") String method,
      @Param("tokenHash") String tokenHash,
      @Param("response") byte[] response);

  /** Takes over a stale in-progress record: succeeds only if it still has {@code startedTime}. */
  int restart(
      @Param("accountId") String accountId,
      @Param("method") String method,
      @Param("tokenHash") String tokenHash,
      @Param("startedTime") Instant startedTime,
      @Param("newStartedTime") Instant newStartedTime,
      @Param("expiresTime") Instant expiresTime);

  int deleteExpired(
      @Param("accountId") String accountId,
      @Param("method") String method,
      @Param("tokenHash") String tokenHash,
      @Param("now") Instant now);

  int purgeExpired(@Param("now") Instant now, @Param("limit") int limit);
}
