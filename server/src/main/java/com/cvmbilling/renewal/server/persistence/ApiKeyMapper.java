package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.domain.KeyKind;
import java.time.Instant;
import java.util.List;
import org.apache.ibatis.annotations.Param;

/** The {@code api_key} table's SQL; only {@link ApiKeyStore} uses it. */
public interface ApiKeyMapper {
  void insert(ApiKeyRow row);

  ApiKeyRow findByHash(@Param("keyHash") String keyHash);

  ApiKeyRow findById(@Param("keyId") String keyId);

  /**
   * One page of keys of one kind ordered by (created_time_ms, key_id): the admin keys, the support
   * keys, or {@code accountId}'s tenant keys; after the given position when afterKeyId is not null.
   */
  List<ApiKeyRow> page(
      @Param("kind") KeyKind kind,
      @Param("accountId") String accountId,
      @Param("afterCreatedTime") Instant afterCreatedTime,
      @Param("afterKeyId") String afterKeyId,
      @Param("limit") int limit);

  List<String> hashesWithoutKeyId();

  int setKeyId(@Param("keyHash") String keyHash, @Param("keyId") String keyId);

  int markUsed(
      @Param("keyHash") String keyHash,
      @Param("now") Instant now,
      @Param("staleBefore") Instant staleBefore);

  int revoke(@Param("keyId") String keyId, @Param("now") Instant now, @Param("by") String by);
}
